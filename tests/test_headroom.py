"""Distance to the next threshold, read from the rules in force (not from numbers in Python)."""
from __future__ import annotations

import copy
import pytest

pytestmark = pytest.mark.law  # legal content and date arithmetic: `pytest -m law`

BASE = {"as_of": "2026-11-27", "company": {"region": "310115", "sector": "retail", "ciio": False},
        "transfers": [{"id": "t1", "purpose": "marketing", "recipient": {"kind": "third_party", "country": "US"},
                       "personal_info_subjects": 0, "sensitive_info_subjects": 0, "important_data": False}]}


def room(advisor, ns=0, s=0, as_of="2026-11-27"):
    p = copy.deepcopy(BASE)
    p["as_of"] = as_of
    p["transfers"][0].update(personal_info_subjects=ns, sensitive_info_subjects=s)
    return {r["count"]: r for r in advisor.assess(p)["totals"]["headroom"]}


def test_below_the_contract_band_the_next_threshold_is_100000(advisor):
    r = room(advisor, ns=99_999)["personal_info_subjects"]
    assert (r["threshold"], r["remaining"], r["rules"]) == (100_000, 1, ["cn.trigger.band_personal"])


def test_inside_the_band_the_next_threshold_is_the_assessment(advisor):
    r = room(advisor, ns=100_000)["personal_info_subjects"]
    assert (r["threshold"], r["remaining"]) == (1_000_000, 900_000)


def test_at_the_assessment_threshold_nothing_lies_above(advisor):
    assert "personal_info_subjects" not in room(advisor, ns=1_000_000)


def test_sensitive_headroom_counts_to_10000(advisor):
    r = room(advisor, s=8_600)["sensitive_info_subjects"]
    assert (r["threshold"], r["remaining"]) == (10_000, 1_400)


def test_under_the_old_rules_the_all_pi_total_counts(advisor):
    r = room(advisor, ns=60_000, s=100, as_of="2023-08-01")
    assert r["all_info_subjects"]["threshold"] == 100_000 and r["all_info_subjects"]["remaining"] == 39_900


def test_no_headroom_when_no_transfer_is_counted(advisor):
    p = copy.deepcopy(BASE)
    p["transfers"][0].update(purpose="contract_with_individual", personal_info_subjects=500_000)
    assert advisor.assess(p)["totals"]["headroom"] == []
