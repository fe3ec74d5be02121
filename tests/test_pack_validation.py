"""A broken rule pack stops loading with one clear error naming file, rule and field."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from advisor.errors import PackError
from advisor.packs.loader import digest_of, load_pack
from advisor.service import RULES_DIR

TRIGGERS = "national/20-triggers.yaml"


@pytest.fixture()
def rules(tmp_path: Path) -> Path:
    dst = tmp_path / "rules"
    shutil.copytree(RULES_DIR, dst)
    return dst


def _edit(rules: Path, name: str, old: str, new: str) -> None:
    path = rules / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _error(rules: Path) -> PackError:
    with pytest.raises(PackError) as err:
        load_pack(rules)
    return err.value


def test_the_shipped_pack_loads_and_has_a_digest():
    pack = load_pack(RULES_DIR)
    assert pack.digest.startswith("sha256:") and len(pack.digest) == 71
    assert pack.digest == digest_of(RULES_DIR)
    from advisor.packs.yamlio import read_yaml
    in_files = [r["id"] for f in sorted((RULES_DIR / "national").glob("[0-9]*.yaml")) for r in read_yaml(f)["rules"]]
    assert [r.spec.id for r in pack.rules] == in_files and len(set(in_files)) == len(in_files)


def test_unknown_fact_path(rules):
    _edit(rules, TRIGGERS, "{fact: company.personal_info_total, gte: 1000000}",
          "{fact: company.personal_info_totl, gte: 1000000}")
    e = _error(rules)
    assert e.file.endswith(TRIGGERS) and e.rule == "cn.trigger.volume_personal"
    assert "personal_info_totl" in e.message and e.field_path.endswith(".fact")


def test_fact_from_a_later_phase(rules):
    _edit(rules, "national/10-scope-and-exemptions.yaml", "{fact: transfer.collected_abroad, is: true}",
          "{fact: decision.pathway, is: exempt}")
    e = _error(rules)
    assert e.rule == "cn.exempt.collected_abroad" and "phase" in e.message


def test_wrong_value_type_for_a_fact(rules):
    _edit(rules, TRIGGERS, "{fact: company.personal_info_total, gte: 1000000}",
          "{fact: company.personal_info_total, gte: \"many\"}")
    e = _error(rules)
    assert e.rule == "cn.trigger.volume_personal" and "int" in e.message


def test_unknown_instrument(rules):
    _edit(rules, TRIGGERS, "instrument: \"provisions-2024\"" if False else "{instrument: provisions-2024, article: \"8\"}",
          "{instrument: provisions-2042, article: \"8\"}")
    e = _error(rules)
    assert "provisions-2042" in e.message and e.field_path.startswith("basis.")


def test_duplicate_rule_id(rules):
    _edit(rules, TRIGGERS, "- id: cn.trigger.band_sensitive", "- id: cn.trigger.band_personal")
    e = _error(rules)
    assert "duplicate rule id" in e.message and e.rule == "cn.trigger.band_personal"


def test_missing_language(rules):
    path = rules / TRIGGERS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, l in enumerate(lines) if "- id: cn.trigger.band_personal" in l)
    en = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("en:"))
    del lines[en]
    path.write_text("".join(lines), encoding="utf-8")
    e = _error(rules)
    assert e.rule == "cn.trigger.band_personal" and e.field_path.endswith("en")


def test_overlapping_dates_in_a_slot(rules):
    _edit(rules, TRIGGERS, "effective: {from: 2024-03-22, until: 2025-12-31}", "effective: {from: 2024-03-22, until: 2026-02-01}")
    e = _error(rules)
    assert "overlap" in e.message and e.rule == "cn.trigger.ciio.2026" and e.field_path == "effective"


def test_until_before_from(rules):
    _edit(rules, TRIGGERS, "effective: {from: 2024-03-22, until: 2025-12-31}", "effective: {from: 2024-03-22, until: 2023-01-01}")
    e = _error(rules)
    assert e.rule == "cn.trigger.ciio.2024" and "before" in e.message


def test_broken_yaml_names_file_and_line(rules):
    _edit(rules, TRIGGERS, "rules:\n", "rules:\n  - id: [unclosed\n")
    e = _error(rules)
    assert e.file.endswith(TRIGGERS) and "line" in e.message


def test_unknown_key_in_a_rule(rules):
    _edit(rules, TRIGGERS, "    slot: trigger.any_pi\n", "    slott: trigger.any_pi\n")
    e = _error(rules)
    assert "slott" in (e.field_path or "") + e.message


def test_unknown_operator(rules):
    _edit(rules, TRIGGERS, "{fact: company.personal_info_total, gte: 1000000}",
          "{fact: company.personal_info_total, atleast: 1000000}")
    e = _error(rules)
    assert "operator" in e.message


def test_broken_regional_measure(rules):
    _edit(rules, "regional/tianjin.yaml", "need: any", "need: always")
    e = _error(rules)
    assert e.file.endswith("tianjin.yaml") and e.field_path == "need"


def test_the_digest_changes_with_any_rule_file(rules):
    before = digest_of(rules)
    _edit(rules, TRIGGERS, "rules:\n", "rules:\n# a comment\n")
    assert digest_of(rules) != before


def test_cli_reports_a_broken_pack_without_traceback(rules, tmp_path):
    import subprocess
    import sys
    _edit(rules, TRIGGERS, "- id: cn.trigger.band_sensitive", "- id: cn.trigger.band_personal")
    code = "import sys; from advisor.cli import main; sys.exit(main(['assess', '--rules', sys.argv[1], sys.argv[2]]))"
    prof = Path(__file__).resolve().parents[1] / "examples" / "profile.json"
    proc = subprocess.run([sys.executable, "-c", code, str(rules), str(prof)], capture_output=True, text=True)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    assert "duplicate rule id" in proc.stderr and proc.stdout == ""


@pytest.mark.parametrize("edit", ["effective: {from: 2022-08-31, until: 2024-03-21}",
                                  "effective: {from: 2021-11-01, until: 2022-08-31}"])
def test_a_rule_dated_before_the_earliest_as_of_is_refused(rules, edit):
    """Nobody can assess a day before earliest_as_of: a date there would mean nothing, so it is refused."""
    _edit(rules, TRIGGERS, "effective: {from: 2022-09-01, until: 2024-03-21}", edit)
    err = _error(rules)
    assert "before earliest_as_of 2022-09-01" in str(err) and err.field_path.startswith("effective.")


def test_a_counting_window_before_the_earliest_as_of_is_refused(rules):
    _edit(rules, "national/pack.yaml", "from: 2022-09-01", "from: 2022-08-31")
    assert "counting window starts 2022-08-31" in str(_error(rules))
