"""A rules folder of one's own (`--rules DIR`, ADVISOR_RULES, Advisor.load(rules_dir)): validated like the
shipped one, its digest echoed, and every part of it used (rules, deadlines, calendar, gazetteer)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.errors import PackError
from advisor.packs.loader import digest_of
from advisor.resources import REQUIRED, check_rules_dir, rules_dir, shipped_rules_dir
from advisor.service import Advisor

ROOT = Path(__file__).resolve().parents[1]
ADVISOR = str(Path(sys.executable).with_name("advisor"))
PROFILE = {
    "as_of": "2026-11-27",
    "company": {"name": "示例", "region": "440305", "sector": "retail", "ciio": False},
    "approvals": [{"mechanism": "standard_contract", "transfer": "crm", "effective_on": "2026-11-20"}],
    "transfers": [{"id": "crm", "purpose": "customer_service", "recipient": {"kind": "processor", "country": "SG"},
                   "personal_info_subjects": 120000, "sensitive_info_subjects": 0, "important_data": False}],
}


def _edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture()
def amended(tmp_path: Path):
    """A copy of the shipped rules with a new version, a 15-working-day filing period and a renamed district."""
    dst = tmp_path / "my-rules"
    shutil.copytree(shipped_rules_dir(), dst, ignore=shutil.ignore_patterns("__pycache__"))
    _edit(dst, "national/pack.yaml", 'version: "', 'version: "amended-')
    _edit(dst, "national/deadlines.yaml", "period: {unit: working_days, count: 10, direction: after}",
          "period: {unit: working_days, count: 15, direction: after}")
    _edit(dst, "gazetteer/divisions/44.yaml", "南山区", "南山新区")
    yield dst
    Advisor.load()  # the rest of the session reads the shipped folder again
    assert rules_dir() == shipped_rules_dir().resolve()


def _filing(result: dict) -> str:
    return next(d["date"] for d in result["deadlines"] if d["id"] == "standard_contract_filing")


def test_an_amended_folder_is_used_in_full(advisor, amended):
    shipped = advisor.assess(PROFILE)
    mine = Advisor.load(amended).assess(PROFILE)
    assert mine["rulepack"]["digest"] == digest_of(amended) != shipped["rulepack"]["digest"]
    assert mine["rulepack"]["version"].startswith("amended-")
    assert (_filing(shipped), _filing(mine)) == ("2026-12-04", "2026-12-11")  # deadlines.yaml of the folder
    assert "南山新区" in mine["company"]["region"]["zh"]                        # its gazetteer


def test_the_environment_variable_chooses_the_folder(amended, monkeypatch):
    monkeypatch.setenv("ADVISOR_RULES", str(amended))
    assert Advisor.load().rulepack["digest"] == digest_of(amended)


@pytest.mark.parametrize("part", [rel for rel, _, _ in REQUIRED])
def test_a_missing_part_is_named(tmp_path, part):
    dst = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), dst, ignore=shutil.ignore_patterns("__pycache__"))
    target = dst / part
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    with pytest.raises(PackError) as err:
        Advisor.load(dst)
    assert part in str(err.value) and "full copy" in str(err.value)
    assert rules_dir() == shipped_rules_dir().resolve()  # a failed load changes nothing


def test_not_a_folder(tmp_path):
    with pytest.raises(PackError, match="no such folder"):
        check_rules_dir(tmp_path / "nothing")


def test_a_broken_copy_fails_like_the_shipped_pack_would(amended):
    _edit(amended, "national/20-triggers.yaml", "- id: cn.trigger.band_sensitive", "- id: cn.trigger.band_personal")
    with pytest.raises(PackError, match="duplicate rule id"):
        Advisor.load(amended)


def test_a_broken_gazetteer_in_the_copy_is_a_pack_error(amended):
    with (amended / "gazetteer" / "divisions" / "44.yaml").open("a", encoding="utf-8") as f:
        f.write("\n]: broken\n")
    with pytest.raises(PackError) as err:
        Advisor.load(amended)
    assert "44.yaml" in str(err.value)


def run(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([ADVISOR, *args], capture_output=True, text=True, timeout=120, cwd=cwd,
                          env={**os.environ, **(env or {})})


def test_cli_rules_option_before_or_after_the_command(amended, tmp_path):
    prof = tmp_path / "p.json"
    prof.write_text(json.dumps(PROFILE, ensure_ascii=False), encoding="utf-8")
    for args in (["--rules", str(amended), "assess", "--format", "json", str(prof)],
                 ["assess", str(prof), "--format", "json", "--rules", str(amended)]):
        proc = run(*args)
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        assert out["rulepack"]["digest"] == digest_of(amended) and _filing(out) == "2026-12-11"
    proc = run("assess", "--format", "json", str(prof), env={"ADVISOR_RULES": str(amended)})
    assert json.loads(proc.stdout)["rulepack"]["digest"] == digest_of(amended)


def test_cli_a_broken_folder_exits_3_without_traceback(amended, tmp_path):
    (amended / "instruments.yaml").unlink()
    for args in (["assess", str(ROOT / "examples" / "profile.json")], ["measures"], ["serve", "--port", "1"],
                 ["rules", "check"], ["--version"]):
        proc = run("--rules", str(amended), *args, cwd=tmp_path)
        assert proc.returncode == 3, (args, proc.stderr)
        assert "instruments.yaml" in proc.stderr and "Traceback" not in proc.stderr and proc.stdout == ""


def test_cli_rules_copy_then_check(tmp_path):
    dst = tmp_path / "copy"
    assert run("rules", "copy", str(dst)).returncode == 0
    proc = run("rules", "check", str(dst))
    assert proc.returncode == 0 and digest_of(shipped_rules_dir()) in proc.stdout and "valid" in proc.stdout
    assert run("rules", "copy", str(dst)).returncode == 2  # never over an existing folder
    _edit(dst, "instruments.yaml", "instruments:", "instruments:\n  - {id: pipl}")
    proc = run("rules", "check", str(dst))
    assert proc.returncode == 3 and "instruments.yaml" in proc.stderr


def test_version_names_the_digest_of_the_folder_in_use(amended):
    proc = run("--rules", str(amended), "--version")
    assert proc.returncode == 0 and digest_of(amended) in proc.stdout and "amended-" in proc.stdout
