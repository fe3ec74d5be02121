"""The deadlines pack refuses variants one of which can never apply (the first that fits wins)."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from advisor.deadlines.rules import DEADLINES_YAML, DeadlineRules
from advisor.packs.yamlio import read_yaml

pytestmark = pytest.mark.law
RAW = read_yaml(DEADLINES_YAML)


def _variants(deadline_id: str) -> tuple[dict, list]:
    raw = copy.deepcopy(RAW)
    rule = next(d for d in raw["deadlines"] if d["id"] == deadline_id)
    return raw, rule["variants"]


def test_the_shipped_deadlines_load():
    DeadlineRules.model_validate(RAW)


def test_overlapping_dates_are_refused():
    """The 3-year validity moved one day earlier would overlap the 2-year one, which comes first and wins."""
    raw, variants = _variants("assessment_expiry")
    later = next(v for v in variants if v.get("from"))
    start = later["from"] if isinstance(later["from"], dt.date) else dt.date.fromisoformat(later["from"])
    later["from"] = start - dt.timedelta(days=1)
    with pytest.raises(ValueError, match="overlap"):
        DeadlineRules.model_validate(raw)


def test_a_fallback_first_would_shadow_the_country_variants():
    raw, variants = _variants("gba_standard_contract_filing")
    variants.insert(0, variants.pop())  # the all-countries variant before HK's and Macau's
    with pytest.raises(ValueError, match="overlap"):
        DeadlineRules.model_validate(raw)
