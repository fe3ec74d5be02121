"""One YAML reader (advisor/packs/yamlio.py) for rules, page texts and profiles: YAML 1.1 booleans such
as Norway's unquoted `NO` are refused with the line named, never read as false."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.errors import PackError
from advisor.packs.yamlio import parse_yaml, read_yaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("text", ["NO: {zh: 挪威, en: Norway}", "country: NO", "ok: yes", "- on", "x: Off", "a: y",
                                  "b: N", "{k: [1, no]}"])
def test_yaml11_booleans_are_refused_with_the_line(text):
    with pytest.raises(PackError) as err:
        parse_yaml("# first\n" + text, "page.yaml")
    msg = str(err.value)
    assert "page.yaml" in msg and "line 2" in msg and "YAML 1.1 boolean" in msg and "quote it" in msg


@pytest.mark.parametrize("text, value", [
    ('"NO": {zh: 挪威, en: Norway}', {"NO": {"zh": "挪威", "en": "Norway"}}),
    ("country: 'NO'", {"country": "NO"}), ("ok: true", {"ok": True}), ("ok: false", {"ok": False}),
    ("word: Nope", {"word": "Nope"}), ("text: |\n  no\n", {"text": "no\n"}), ("n2: on-site", {"n2": "on-site"}),
])
def test_quoted_words_and_true_false_are_read(text, value):
    assert parse_yaml(text, "x.yaml") == value


def test_duplicate_keys_are_refused():
    with pytest.raises(PackError, match="duplicate key"):
        parse_yaml("a: 1\na: 2\n", "x.yaml")


def test_every_yaml_file_of_the_project_reads_strictly():
    files = [p for d in ("rules", "api", "tests/cases") for p in (ROOT / d).rglob("*.yaml")]
    assert any(p.name == "ui.yaml" for p in files) and len(files) > 30
    for p in files:
        read_yaml(p)


def test_norway_is_a_country_of_the_page():
    from advisor_api.web.i18n import T, data

    # the page lists every ISO 3166-1 country (advisor/countries.py, named by advisor/render/labels.py);
    # ui.yaml only says which come first, by quoted code
    assert "NO" in data()["common_countries"] and False not in data()["common_countries"]
    options = [o for _, group in T("en").countries() for o in group]
    assert ("NO", "Norway") in options and ("NO", "挪威") in [o for _, g in T("zh").countries() for o in g]
    assert T("zh").known_country("NO")


def test_a_yaml_profile_with_an_unquoted_no_is_refused_naming_file_and_line(tmp_path):
    case = json.loads((ROOT / "examples" / "profile.json").read_text(encoding="utf-8"))
    lines = json.dumps(case, ensure_ascii=False, indent=1).replace('"country": "US"', "country: NO")
    prof = tmp_path / "norway.yaml"
    prof.write_text(lines, encoding="utf-8")
    proc = subprocess.run([str(Path(sys.executable).with_name("advisor")), "assess", str(prof)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "norway.yaml" in proc.stderr and "'NO'" in proc.stderr and "quote it" in proc.stderr
    prof.write_text(lines.replace("country: NO", 'country: "NO"'), encoding="utf-8")
    proc = subprocess.run([str(Path(sys.executable).with_name("advisor")), "assess", "--format", "json", str(prof)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and '"country": "NO"' in proc.stdout
