"""Every golden case (../shared/cases) and every project case (tests/cases/*.yaml), in process and via the CLI."""
from __future__ import annotations

import subprocess
import sys

import pytest

from advisor.errors import ProfileError
from tests.casefile import CHECK, ROOT, SHARED, load_golden_cases, load_own_cases, mismatches

GOLDEN = load_golden_cases()
OWN = load_own_cases()


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
    problems = mismatches(expect, result)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", GOLDEN, ids=[c["_file"].rsplit("/", 1)[-1] for c in GOLDEN])
def test_golden_case(advisor, case):
    _run(advisor, case)


@pytest.mark.parametrize("case", OWN, ids=[c["name"] for c in OWN])
def test_own_case(advisor, case):
    _run(advisor, case)


def test_golden_cases_through_the_command_line():
    """The shared checker, exactly as CI and README run it, over the real `advisor assess`."""
    proc = subprocess.run([sys.executable, str(SHARED / "tools" / "check_cases.py"), "--advisor",
                           f"{ROOT / '.venv' / 'bin' / 'advisor'} assess", str(SHARED / "cases"), str(SHARED / "cases-v2")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert proc.stdout.strip().splitlines()[-1] == f"{len(GOLDEN)} passed, 0 failed"


def test_every_rule_matches_in_some_case(advisor):
    """Each rule of the pack is exercised by at least one golden or project case."""
    matched: set[str] = set()
    for case in GOLDEN + OWN:
        if case["expect"].get("error"):
            continue
        result = advisor.assess(case["profile"])
        matched |= {r for t in result["transfers"] for r in t["matched"]}
    never = sorted(r.spec.id for r in advisor.pack.rules if r.spec.id not in matched)
    assert not never, f"rules no case exercises: {never}"


def test_checker_is_the_shared_one():
    assert CHECK.compare({"overall": "exempt"}, {"overall": "security_assessment"})
