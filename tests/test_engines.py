"""durable_rules and the plain-Python reference evaluator agree, raw and behind the memo; threads are safe."""
from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.profiles import profile, profiles
from tests.casefile import load_golden_cases, load_own_cases

VALID = [c["profile"] for c in load_golden_cases() + load_own_cases() if not c["expect"].get("error")]
GENERATED = profiles(3000, seed=20261127)


def _same(a: dict, b: dict) -> None:
    assert a == b


@pytest.mark.parametrize("index", range(len(VALID)))
def test_durable_equals_reference_on_every_case(durable_raw, reference, advisor, index):
    p = VALID[index]
    expected = reference.assess(p)
    _same(durable_raw.assess(p), expected)
    _same(advisor.assess(p), expected)


def test_durable_equals_reference_on_generated_profiles(durable_raw, reference):
    diffs = []
    for p in GENERATED:
        if durable_raw.assess(p) != reference.assess(p):
            diffs.append(p)
    assert not diffs, f"{len(diffs)} profiles differ, first: {diffs[0]}"


def test_memo_equals_reference_on_generated_profiles(advisor, reference):
    for p in GENERATED:
        assert advisor.assess(p) == reference.assess(p)


def test_memo_is_used(advisor):
    before = advisor.matcher.hits
    advisor.assess(GENERATED[0])
    advisor.assess(GENERATED[0])
    assert advisor.matcher.hits > before


def test_eight_threads_give_the_serial_results(durable_raw):
    """8 threads x 500 assessments on the raw engine equal the serial results (the host is locked)."""
    work = profiles(500, seed=8)
    serial = [durable_raw.assess(p) for p in work]
    with ThreadPoolExecutor(max_workers=8) as pool:
        runs = list(pool.map(lambda _: [durable_raw.assess(p) for p in work], range(8)))
    for run in runs:
        assert run == serial


def test_eight_threads_on_the_memo_path(advisor):
    work = profiles(500, seed=9)
    serial = [advisor.assess(p) for p in work]
    rng = random.Random(1)
    with ThreadPoolExecutor(max_workers=8) as pool:
        orders = [rng.sample(range(500), 500) for _ in range(8)]
        runs = list(pool.map(lambda order: {i: advisor.assess(work[i]) for i in order}, orders))
    for run in runs:
        assert [run[i] for i in range(500)] == serial


def test_generated_profiles_cover_every_pathway(reference):
    seen = {t["pathway"] for p in GENERATED[:500] for t in reference.assess(p)["transfers"]}
    assert seen == {"not_outbound", "exempt", "standard_contract_or_certification", "security_assessment"}


def test_a_profile_generator_sanity_check():
    assert profile(random.Random(1))["transfers"][0]["id"] == "t1"


@pytest.mark.law   # the incremental decision behind every question's changes_outcome
def test_deciding_only_the_changed_transfer_equals_deciding_everything(reference):
    """questions.py decides a one-transfer alternative incrementally; it must equal a full decision."""
    import dataclasses

    from advisor.decide import decide, pathways_after_change
    from advisor.profile_io import check_profile

    pack, matcher = reference.pack, reference.matcher
    rng = random.Random(5)
    for p in GENERATED[:400]:
        case = check_profile(p, pack)
        base = decide(case, pack, matcher, outcome=False)
        t = rng.randrange(len(case.profile.transfers))
        target = case.profile.transfers[t]
        change = rng.choice([{"important_data": True}, {"important_data": False}, {"collected_abroad": True},
                             {"personal_info_subjects": rng.choice([0, 99_999, 100_000, 1_000_000])},
                             {"purpose": rng.choice(["contract_with_individual", "marketing", "hr_management"])}])
        ts = [x.model_copy(update=change) if x.id == target.id else x for x in case.profile.transfers]
        alt = dataclasses.replace(case, profile=case.profile.model_copy(update={"transfers": ts}))
        full = [d.pathway for d in decide(alt, pack, matcher, outcome=False).transfers]
        assert pathways_after_change(alt, pack, matcher, base, target.id) == full, (p, change)
