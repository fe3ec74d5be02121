"""`advisor impact` and `advisor diff`: what a later date or an amended rule pack does to a folder of
profiles, and two stored assessments compared (advisor/impact.py, advisor/impact_cli.py)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.impact import compare
from advisor.resources import shipped_rules_dir

pytestmark = pytest.mark.law

ADVISOR = str(Path(sys.executable).parent / "advisor")

# 50,000 persons to a US marketing partner: a standard contract under the 2022-2024 regime (every PI
# transfer), below the 100,000 threshold of the 2024 Provisions (exempt).
OLD = {"as_of": "2023-12-01",
       "company": {"name": "旧规则公司", "region": "310115", "sector": "retail", "ciio": False,
                   "personal_info_processed": 60000},
       "transfers": [{"id": "crm", "purpose": "marketing", "recipient": {"kind": "third_party", "country": "US"},
                      "personal_info_subjects": 50000, "sensitive_info_subjects": 0, "important_data": False}]}
# 300,000 persons under the 2024 Provisions: the contract band then and now.
NEW = {"as_of": "2025-06-01",
       "company": {"name": "新规则公司", "region": "310115", "sector": "retail", "ciio": False},
       "transfers": [{"id": "ads", "purpose": "marketing", "recipient": {"kind": "third_party", "country": "SG"},
                      "personal_info_subjects": 300000, "sensitive_info_subjects": 0, "important_data": False}]}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ADVISOR, *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "clients"
    d.mkdir()
    (d / "old.json").write_text(json.dumps(OLD, ensure_ascii=False), encoding="utf-8")
    (d / "new.json").write_text(json.dumps(NEW, ensure_ascii=False), encoding="utf-8")
    return d


def test_a_later_date_changes_the_old_regime_client_to_exempt_and_names_the_rules(folder: Path) -> None:
    proc = run("impact", str(folder), "--as-of-after", "2026-11-27", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["unchanged"] == 1  # the 2024-regime client keeps the contract band
    (entry,) = report["changed"]
    assert entry["id"].endswith("old.json") and entry["company"] == "旧规则公司"
    assert entry["before"]["overall"] == "standard_contract_or_certification"
    assert entry["after"]["overall"] == "exempt"
    assert entry["after"]["transfers"]["crm"] == {"pathway": "exempt", "exemption": "below_threshold", "options": []}
    stopped = {x["rule"] for x in entry["why"]["rules_stopped"]}
    started = {x["rule"] for x in entry["why"]["rules_started"]}
    assert "cn.trigger.any_pi.2023" in stopped and "cn.exempt.below_threshold" in started
    # the counts were declared for the window of 2023 (since 2022-01-01); 2026 counts since 2026-01-01
    assert any("2026-01-01" in w["en"] and "2022-01-01" in w["en"] for w in entry["warnings"])


def test_the_text_report_speaks_words(folder: Path) -> None:
    proc = run("impact", str(folder), "--as-of-after", "2026-11-27", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert "2 profiles: 1 changed, 1 unchanged" in proc.stdout
    assert "Overall: standard contract" in proc.stdout and "→ exempt" in proc.stdout
    assert "standard_contract_or_certification" not in proc.stdout


def test_fail_on_change_is_for_review_in_ci(folder: Path) -> None:
    assert run("impact", str(folder), "--as-of-after", "2026-11-27", "--fail-on-change").returncode == 1
    assert run("impact", str(folder / "new.json"), "--as-of-after", "2026-11-27", "--fail-on-change").returncode == 0


def test_an_amended_rule_pack_is_reviewed_before_it_ships(folder: Path, tmp_path: Path) -> None:
    """Amend a copy of the rules (the 2024 contract band's lower figure raised) and see who it moves."""
    amended = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), amended, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    triggers = amended / "national" / "20-triggers.yaml"
    text = triggers.read_text(encoding="utf-8")
    assert "100000" in text or "100_000" in text
    triggers.write_text(text.replace("100000", "400000").replace("100_000", "400_000"), encoding="utf-8")
    proc = run("impact", str(folder / "new.json"), "--rules-after", str(amended), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    (entry,) = json.loads(proc.stdout)["changed"]
    assert entry["rulepack"]["before"] != entry["rulepack"]["after"]
    assert entry["before"]["transfers"]["ads"]["pathway"] == "standard_contract_or_certification"
    assert entry["after"]["transfers"]["ads"]["pathway"] != "standard_contract_or_certification"


def test_invalid_profiles_and_rules_are_refused_with_exit_2(folder: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**NEW, "company": {**NEW["company"], "ciio": "maybe"}}), encoding="utf-8")
    shutil.copy(bad, folder / "bad.json")
    proc = run("impact", str(folder), "--as-of-after", "2026-11-27", "--format", "json")
    assert proc.returncode == 2 and "bad.json" in proc.stderr and "company.ciio" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["unchanged"] == 1  # the good profiles are still compared
    proc = run("impact", str(folder), "--rules-after", str(tmp_path / "nowhere"))
    assert proc.returncode == 2 and "nowhere" in proc.stderr and proc.stdout == ""


def test_diff_of_two_stored_assessments(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for path, day in ((a, "2023-12-01"), (b, "2026-11-27")):
        prof = tmp_path / f"p{day}.json"
        prof.write_text(json.dumps({**OLD, "as_of": day}), encoding="utf-8")
        out = run("assess", "--format", "json", str(prof))
        assert out.returncode == 0, out.stderr
        path.write_text(out.stdout, encoding="utf-8")
    same = run("diff", str(a), str(a))
    assert same.returncode == 0
    differ = run("diff", str(a), str(b), "--format", "json")
    assert differ.returncode == 1
    (entry,) = json.loads(differ.stdout)["changed"]
    assert entry["after"]["overall"] == "exempt"
    moved = {m["id"]: m for m in entry["why"]["deadlines_moved"]}
    assert set(moved) <= {"standard_contract_filing"}


def test_diff_refuses_what_is_not_an_assessment(tmp_path: Path) -> None:
    f = tmp_path / "x.json"
    f.write_text(json.dumps(OLD), encoding="utf-8")
    proc = run("diff", str(f), str(f))
    assert proc.returncode == 2 and "not an assessment" in proc.stderr and "overall" in proc.stderr


def test_compare_reports_a_moved_deadline_even_when_the_route_stays() -> None:
    base = {"as_of": "2026-01-05", "overall": "standard_contract_or_certification", "rulepack": {"digest": "x"},
            "transfers": [{"id": "t", "pathway": "standard_contract_or_certification", "options": ["standard_contract"],
                           "matched": ["r1"]}],
            "deadlines": [{"id": "standard_contract_filing", "transfer": "t", "date": "2026-01-19"}]}
    assert compare(base, base) is None
    later = {**base, "deadlines": [{"id": "standard_contract_filing", "transfer": "t", "date": "2026-01-20"}]}
    entry = compare(base, later, id="c")
    assert entry["why"]["deadlines_moved"] == [{"id": "standard_contract_filing", "transfer": "t",
                                                "before": "2026-01-19", "after": "2026-01-20"}]
    assert entry["why"]["rules_stopped"] == [] and entry["why"]["rules_started"] == []
