"""Bad input is refused as a whole, naming the field path and the bad value; never a traceback."""
from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import pytest

from advisor.errors import ProfileError

ROOT = Path(__file__).resolve().parent.parent
ADVISOR = str(ROOT / ".venv" / "bin" / "advisor")
GOOD = {
    "as_of": "2026-11-27",
    "company": {"name": "示例", "region": "310115", "sector": "internet_services", "ciio": False},
    "transfers": [{"id": "t1", "purpose": "marketing", "recipient": {"kind": "third_party", "country": "US"},
                   "personal_info_subjects": 150000, "sensitive_info_subjects": 0, "important_data": False}],
}


def bad(path: str, value):
    p = copy.deepcopy(GOOD)
    node = p
    *parents, last = path.split(".")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return p


CASES = [
    ("transfers.0.personal_info_subjects", -5, "transfers.0.personal_info_subjects"),
    ("transfers.0.personal_info_subjects", "150000", "transfers.0.personal_info_subjects"),
    ("transfers.0.personal_info_subjects", 1.5, "transfers.0.personal_info_subjects"),
    ("transfers.0.important_data", "yes", "transfers.0.important_data"),
    ("transfers.0.personal_info_subject", 5, "transfers.0.personal_info_subject"),
    ("company.region", "999999", "company.region"),
    ("company.region", "火星市", "company.region"),
    ("company.region", "810000", "company.region"),
    ("company.sector", "spaceflight", "company.sector"),
    ("company.zones", ["atlantis-ftz"], "company.zones"),
    ("company.zones", ["hengqin"], "company.zones"),
    ("transfers.0.purpose", "fun", "transfers.0.purpose"),
    ("transfers.0.recipient.country", "usa", "transfers.0.recipient.country"),
    ("transfers.0.recipient.kind", "friend", "transfers.0.recipient.kind"),
    ("as_of", "2022-08-31", "as_of"),
    ("as_of", "27/11/2026", "as_of"),
    ("company.sector", KeyError, "company.sector"),
    ("transfers.0.local_list", {"id": "no-such-list", "data_on_list": False}, "transfers.0.local_list.id"),
    ("transfers.0.local_list", {"id": "bj-18-measures-2024", "data_on_list": False}, "transfers.0.local_list.id"),
    ("transfers.0.special_categories", ["aliens"], "transfers.0.special_categories"),
]


@pytest.mark.parametrize("path,value,field", CASES, ids=[f"{c[0]}={c[1]!r}" for c in CASES])
def test_bad_field_is_named(advisor, path, value, field):
    with pytest.raises(ProfileError) as err:
        advisor.assess(bad(path, value))
    fields = [e.loc for e in err.value.errors]
    assert any(f.startswith(field) for f in fields), fields


def test_duplicate_transfer_ids(advisor):
    p = copy.deepcopy(GOOD)
    p["transfers"].append(copy.deepcopy(p["transfers"][0]))
    with pytest.raises(ProfileError) as err:
        advisor.assess(p)
    assert [e.loc for e in err.value.errors] == ["transfers.1.id"]


def test_approval_for_an_unknown_transfer(advisor):
    p = dict(GOOD, approvals=[{"mechanism": "standard_contract", "transfer": "nope", "effective_on": "2026-11-20"}])
    with pytest.raises(ProfileError) as err:
        advisor.assess(p)
    assert err.value.errors[0].loc == "approvals.0.transfer" and err.value.errors[0].value == "nope"


def test_every_bad_field_is_reported_at_once(advisor):
    p = bad("transfers.0.personal_info_subjects", -1)
    p["company"]["sector"] = "x"
    with pytest.raises(ProfileError) as err:
        advisor.assess(p)
    assert {e.loc for e in err.value.errors} >= {"transfers.0.personal_info_subjects", "company.sector"}


def test_ambiguous_region_lists_candidates(advisor):
    with pytest.raises(ProfileError) as err:
        advisor.assess(bad("company.region", "南山区"))
    msg = str(err.value)
    assert "440305" in msg and "230404" in msg


def test_chinese_region_names_are_accepted(advisor):
    for name in ("广东省深圳市南山区", "深圳市南山区", "440305"):
        result = advisor.assess(bad("company.region", name))
        assert result["company"]["region"]["code"] == "440305"


def _cli(*args, stdin=None):
    return subprocess.run([ADVISOR, *args], capture_output=True, text=True, input=stdin, timeout=120)


@pytest.mark.parametrize("content,mention", [
    ("{not json", "not valid JSON"),
    ("company: [unclosed", "broken YAML"),
    ("[1, 2]", "object"),
])
def test_cli_unparsable_file(tmp_path, content, mention):
    f = tmp_path / ("p.json" if content.startswith("{") or content.startswith("[") else "p.yaml")
    f.write_text(content)
    proc = _cli("assess", "--format", "json", str(f))
    assert proc.returncode == 2 and proc.stdout == ""
    assert mention in proc.stderr and str(f) in proc.stderr and "Traceback" not in proc.stderr


def test_cli_bad_field_names_file_and_field(tmp_path):
    f = tmp_path / "client.json"
    f.write_text(json.dumps(bad("transfers.0.personal_info_subjects", -5)))
    proc = _cli("assess", str(f))
    assert proc.returncode == 2 and proc.stdout == ""
    assert "client.json" in proc.stderr and "transfers.0.personal_info_subjects" in proc.stderr and "-5" in proc.stderr


def test_cli_jsonl_keeps_good_files_and_skips_the_bad_one(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(GOOD))
    (tmp_path / "b.json").write_text(json.dumps(bad("company.region", "999999")))
    (tmp_path / "c.yaml").write_text(json.dumps(GOOD))
    proc = _cli("assess", "--format", "jsonl", str(tmp_path))
    lines = proc.stdout.splitlines()
    assert proc.returncode == 2 and len(lines) == 2
    assert [json.loads(l)["source"].rsplit("/", 1)[-1] for l in lines] == ["a.json", "c.yaml"]
    assert "b.json" in proc.stderr and "company.region" in proc.stderr


def test_cli_missing_file(tmp_path):
    proc = _cli("assess", str(tmp_path / "nope.json"))
    assert proc.returncode == 2 and "nope.json" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_bad_as_of_option(tmp_path):
    f = tmp_path / "p.json"
    f.write_text(json.dumps(GOOD))
    proc = _cli("assess", "--as-of", "tomorrow", str(f))
    assert proc.returncode == 2 and "tomorrow" in proc.stderr
