"""The explanation memo (advisor/assess.py) must not hand one day's explanation to another: from
2026-01-01 certification rests on other articles, with the same route, deciding rules and options."""
from __future__ import annotations

import copy

import pytest

from advisor.service import Advisor

pytestmark = pytest.mark.law

GBA_CONTRACT_BAND = {
    "as_of": "2026-11-27",
    "company": {"name": "x", "region": "440305", "sector": "retail", "ciio": False},
    "transfers": [{"id": "t1", "purpose": "marketing", "recipient": {"kind": "affiliate", "country": "HK"},
                   "personal_info_subjects": 200000, "sensitive_info_subjects": 0, "important_data": False}],
}


@pytest.mark.parametrize("earlier", ["2024-06-01", "2025-12-31"])
def test_an_earlier_day_does_not_leak_its_explanation(earlier: str) -> None:
    fresh = Advisor.load(engine="reference", memo=False)
    expected = fresh.assess(GBA_CONTRACT_BAND)["transfers"][0]
    used = Advisor.load(engine="reference", memo=False)
    used.assess({**copy.deepcopy(GBA_CONTRACT_BAND), "as_of": earlier})
    got = used.assess(GBA_CONTRACT_BAND)["transfers"][0]
    assert got["basis"] == expected["basis"]
    assert got["explanation"] == expected["explanation"]
    assert any(b["instrument"] == "cert-measures-2025" for b in got["basis"])
