"""The caches change nothing: byte-identical assessments with and without them.

Cached: durable_rules behind the memo, the memo loaded from the disk cache a first process saved (what
a second run and every --jobs worker use), calendar years and deadline rules from the disk cache.
Also each transfer's body (all but its id) built once per decision and reused (advisor/assess.py).
Uncached: durable_rules alone, every fact vector matched afresh, every transfer body built afresh. Both
serialised as the CLI does.
"""
from __future__ import annotations

import random

import orjson
import pytest

from advisor.service import Advisor
from bench.profiles import profile
from tests.casefile import load_golden_cases, load_own_cases

VALID = [c["profile"] for c in load_golden_cases() + load_own_cases() if not c["expect"].get("error")]
REGIONS = ["310115", "440305", "440115", "120116", "110105", "460100", "330106", "500112", "510104", "420102",
           "350203", "320505"]


def _generated(n: int, seed: int) -> list[dict]:
    """Varied: 1-6 transfers, dates across the rules' effective-date boundaries, regions with lists."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        day = f"{rng.choice([2024, 2025, 2026, 2027])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        p = profile(rng, rng.randint(1, 6), as_of=day)
        p["company"]["region"] = rng.choice(REGIONS)
        out.append(p)
    return out


@pytest.fixture(scope="module")
def cached(tmp_path_factory) -> Advisor:
    import os

    folder = tmp_path_factory.mktemp("cache")
    old = os.environ.get("ADVISOR_CACHE_DIR")
    os.environ["ADVISOR_CACHE_DIR"] = str(folder)
    try:
        first = Advisor.load()
        for p in _generated(300, seed=1):
            first.assess(p)
        first.matcher.save()
        assert list(folder.glob("memo-*.pickle")), "the memo was saved"
        second = Advisor.load()  # starts from what the first one learnt
        assert second.matcher._memo, "the saved memo was loaded"
        yield second
    finally:
        if old is None:
            os.environ.pop("ADVISOR_CACHE_DIR", None)
        else:
            os.environ["ADVISOR_CACHE_DIR"] = old


@pytest.fixture(scope="module")
def uncached() -> Advisor:
    return Advisor.load(memo=False)


def _bytes(advisor: Advisor, p: dict) -> bytes:
    return orjson.dumps(advisor.assess(p))


def test_every_case_byte_identical(cached, uncached):
    for p in VALID:
        assert _bytes(cached, p) == _bytes(uncached, p)


def test_generated_profiles_byte_identical(cached, uncached):
    hits = cached.matcher.hits
    diffs = [p for p in _generated(2000, seed=13) if _bytes(cached, p) != _bytes(uncached, p)]
    assert not diffs, f"{len(diffs)} profiles differ, first: {diffs[0]}"
    assert cached.matcher.hits > hits  # the memo answered
    bodies = cached.pack.memo.get("transfer_bodies", {})
    assert 0 < len(bodies) < 2000 * 3  # transfer bodies were reused
    assert not uncached.pack.memo.get("transfer_bodies")


def test_the_hot_path_dicts_are_valid_assessments(cached):
    """The batch path builds plain dicts; the typed model (advisor/models/assessment.py) is their oracle."""
    from advisor.models.assessment import validate_assessment

    for p in _generated(150, seed=17):
        validate_assessment(orjson.loads(_bytes(cached, p)))
