"""Every project case (tests/cases/*.yaml), every sample case (tests/samples), and, where ../shared is
beside the repository, every golden case: in process and through the command line."""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from advisor.errors import ProfileError
from tests.casefile import (ROOT, SHARED, compare, load_golden_cases, load_own_cases, load_samples,
                            shared_case_dirs)

GOLDEN = load_golden_cases()
SAMPLES = load_samples()
OWN = load_own_cases()
ADVISOR = ROOT / ".venv" / "bin" / "advisor"


def _run(advisor, case):
    expect = case["expect"]
    if expect.get("error"):
        with pytest.raises(ProfileError) as err:
            advisor.assess(case["profile"])
        text = str(err.value)
        for word in expect.get("error_mentions", []):
            assert word in text, f"error should mention {word!r}: {text}"
        return
    result = advisor.assess(case["profile"])
    problems = compare(expect, result)
    assert not problems, "\n".join(problems)


@pytest.mark.law
@pytest.mark.parametrize("case", OWN, ids=[c["name"] for c in OWN])
def test_own_case(advisor, case):
    _run(advisor, case)


@pytest.mark.law
@pytest.mark.parametrize("case", SAMPLES, ids=[c["_file"] for c in SAMPLES])
def test_sample_case(advisor, case):
    _run(advisor, case)


@pytest.mark.skipif(not GOLDEN, reason="the contract's golden cases are not beside the repository")
@pytest.mark.parametrize("case", GOLDEN or [None], ids=[c["_file"] for c in GOLDEN] or ["none"])
def test_golden_case(advisor, case):
    _run(advisor, case)


@pytest.mark.skipif(not GOLDEN, reason="the contract's golden cases and checker are not beside the repository")
def test_golden_cases_through_the_shared_checker():
    """The shared checker, exactly as CI runs it, over the real `advisor assess`."""
    proc = subprocess.run([sys.executable, str(SHARED / "tools" / "check_cases.py"), "--advisor",
                           f"{ADVISOR} assess", *map(str, shared_case_dirs())],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert proc.stdout.strip().splitlines()[-1] == f"{len(GOLDEN)} passed, 0 failed"


def test_sample_cases_through_the_command_line(tmp_path: Path):
    """The project's own runner over `advisor assess --format jsonl`: one call, one line per profile."""
    good = [c for c in SAMPLES if not c["expect"].get("error")]
    files = []
    for i, case in enumerate(good):
        f = tmp_path / f"case{i:03d}.json"
        f.write_text(json.dumps(case["profile"], ensure_ascii=False), encoding="utf-8")
        files.append(str(f))
    proc = subprocess.run([str(ADVISOR), "assess", "--format", "jsonl", *files], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert len(lines) == len(good)
    problems = [f"{c['_file']}: {p}" for c, line in zip(good, lines) for p in compare(c["expect"], json.loads(line))]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", [c for c in SAMPLES if c["expect"].get("error")], ids=lambda c: c["_file"])
def test_sample_errors_through_the_command_line(case):
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as f:
        json.dump(case["profile"], f, ensure_ascii=False)
        f.flush()
        proc = subprocess.run([str(ADVISOR), "assess", "--format", "json", f.name], capture_output=True, text=True,
                              timeout=120)
    assert proc.returncode != 0 and proc.stdout == "" and "Traceback" not in proc.stderr
    for word in case["expect"].get("error_mentions", []):
        assert word in proc.stderr


@pytest.mark.law
def test_every_rule_matches_in_some_case(advisor):
    """Each rule of the pack is exercised by at least one project or sample case (no ../shared needed)."""
    matched: set[str] = set()
    for case in SAMPLES + OWN:
        if case["expect"].get("error"):
            continue
        result = advisor.assess(case["profile"])
        matched |= {r for t in result["transfers"] for r in t["matched"]}
    never = sorted(r.spec.id for r in advisor.pack.rules if r.spec.id not in matched)
    assert never == [], f"rules no case exercises: {never}"


@pytest.mark.law
def test_the_case_runner_catches_each_kind_of_mismatch(advisor):
    """The runner itself can fail: each extended key reports a wrong expectation."""
    case = next(c for c in SAMPLES if c["_file"].endswith("v13-aggregation.json"))
    result = advisor.assess(case["profile"])
    wrong = [
        {"overall": "exempt"},
        {"transfers": {"t1": {"deciding_rules": ["cn.exempt.below_threshold"]}}},
        {"transfers": {"t1": {"basis_exclude": ["provisions-2024:8"]}}},
        {"totals": {"counted_transfers": ["t1"]}},
        {"warnings_include": ["cn.warn.necessity"]},
        {"warnings_exclude": ["cn.warn.double_counting"]},
        {"warnings_include": ["cn.warn.double_counting@t9"]},
        {"notes_include": ["cn.warn.double_counting"]},
        {"matched_exclude": ["cn.warn.double_counting"]},
        {"questions": {"company.ciio": {"rule": "cn.q.ciio"}}},
    ]
    for expect in wrong:
        assert compare(expect, result), f"{expect} should not hold for {case['_file']}"
    assert compare({"warnings_include": ["cn.warn.double_counting@t1", "cn.warn.double_counting@t2"],
                    "totals": {"counted_transfers": ["t1", "t2"]}}, result) == []
