"""Property tests (hypothesis): more persons, CIIO status or important data never lighten a route;
CN recipients are never outbound; every transfer gets exactly one pathway."""
from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.vocab import PATHWAY_ORDER, PURPOSES, SECTORS

RANK = {p: i for i, p in enumerate(PATHWAY_ORDER)}
COUNTS = st.one_of(st.sampled_from([0, 1, 9_999, 10_000, 99_999, 100_000, 999_999, 1_000_000]),
                   st.integers(min_value=0, max_value=3_000_000))
DATES = st.sampled_from(["2022-10-01", "2023-08-01", "2024-03-21", "2024-03-22", "2024-12-31", "2025-06-01",
                         "2026-11-27"])

transfer = st.fixed_dictionaries({
    "purpose": st.sampled_from(sorted(PURPOSES)),
    "recipient": st.fixed_dictionaries({"kind": st.sampled_from(["affiliate", "third_party", "processor", "individual"]),
                                        "country": st.sampled_from(["US", "HK", "MO", "CN", "DE", "TW"])}),
    "personal_info_subjects": COUNTS,
    "sensitive_info_subjects": COUNTS,
    "important_data": st.sampled_from([True, False, None]),
    "collected_abroad": st.booleans(),
})
profile = st.builds(
    lambda transfers, region, sector, ciio, as_of, processed: {
        "as_of": as_of,
        "company": {"region": region, "sector": sector, "ciio": ciio, "personal_info_processed": processed},
        "transfers": [dict(t, id=f"t{i}") for i, t in enumerate(transfers)],
    },
    st.lists(transfer, min_size=1, max_size=4),
    st.sampled_from(["310115", "440305", "120116", "110105", "460100", "440115"]),
    st.sampled_from(sorted(SECTORS)),
    st.sampled_from([True, False, None]),
    DATES,
    st.one_of(st.none(), COUNTS),
)
SETTINGS = settings(max_examples=150, deadline=None)


def _ranks(advisor, p):
    return [RANK[t["pathway"]] for t in advisor.assess(p)["transfers"]]


def _not_lighter(before, after):
    return all(a >= b for b, a in zip(before, after))


@SETTINGS
@given(profile, st.data())
def test_more_persons_never_lighten_a_route(advisor, p, data):
    i = data.draw(st.integers(0, len(p["transfers"]) - 1))
    field = data.draw(st.sampled_from(["personal_info_subjects", "sensitive_info_subjects"]))
    more = copy.deepcopy(p)
    more["transfers"][i][field] += data.draw(st.integers(1, 2_000_000))
    assert _not_lighter(_ranks(advisor, p), _ranks(advisor, more))


@SETTINGS
@given(profile)
def test_ciio_never_lightens_a_route(advisor, p):
    ciio = copy.deepcopy(p)
    ciio["company"]["ciio"] = True
    p["company"]["ciio"] = False
    assert _not_lighter(_ranks(advisor, p), _ranks(advisor, ciio))


@SETTINGS
@given(profile, st.data())
def test_important_data_never_lightens_a_route(advisor, p, data):
    i = data.draw(st.integers(0, len(p["transfers"]) - 1))
    p["transfers"][i]["important_data"] = False
    marked = copy.deepcopy(p)
    marked["transfers"][i]["important_data"] = True
    assert _not_lighter(_ranks(advisor, p), _ranks(advisor, marked))


@SETTINGS
@given(profile)
def test_cn_recipients_are_never_outbound_and_others_always_are(advisor, p):
    result = advisor.assess(p)
    for t, out in zip(p["transfers"], result["transfers"]):
        assert (out["pathway"] == "not_outbound") == (t["recipient"]["country"] == "CN")


@SETTINGS
@given(profile)
def test_overall_is_the_strictest_and_exemptions_only_when_exempt(advisor, p):
    result = advisor.assess(p)
    assert result["overall"] == max((t["pathway"] for t in result["transfers"]), key=RANK.__getitem__)
    for t in result["transfers"]:
        assert ("exemption" in t) == (t["pathway"] == "exempt")
        assert t["rules"], "every pathway names the rules that decided it"
