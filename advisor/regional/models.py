"""Schema of one regional measure in rules/regional/*.yaml (knowledge/regional-measures.md)."""
from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictStr,
    field_validator,
    model_validator,
)

from advisor.models.text import Bilingual, BilingualList
from advisor.vocab import Purpose, Sector, Zone

MeasureType = Literal[
    "negative_list", "general_data_list", "whitelist", "green_channel", "intra_group_channel", "consulting",
    "service_centre", "compliance_platform", "sector_pilot", "industry_plan", "platform", "classification_rules",
    "special_zone", "gba_standard_contract", "verification_platform", "subsidy", "negative_list_pilot",
    "infrastructure", "reference_cases", "data_trading", "assessment_support", "regulatory_sandbox",
    "sector_guide",
]
Need = Literal["any", "mechanism", "affiliate_recipient", "hk_mo_recipient", "assessment", "sector"]
Confidence = Literal["high", "medium-high", "medium", "low-medium", "low", "unverified"]
_FUZZY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class FuzzyDate(BaseModel):
    """A date known to the day, month or year. ``start`` is its first day, ``end`` its last."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    text: str
    note: str | None = None

    @functools.cached_property
    def precision(self) -> str:
        return {4: "year", 7: "month", 10: "day"}[len(self.text)]

    @functools.cached_property
    def start(self) -> dt.date:
        parts = [int(p) for p in self.text.split("-")] + [1, 1]
        return dt.date(parts[0], parts[1], parts[2])

    @functools.cached_property
    def end(self) -> dt.date:
        y, *rest = (int(p) for p in self.text.split("-"))
        if not rest:
            return dt.date(y, 12, 31)
        if len(rest) == 1:
            nxt = dt.date(y + (rest[0] == 12), rest[0] % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date(y, rest[0], rest[1])


def _fuzzy(value: object) -> FuzzyDate | None:
    if value is None:
        return None
    if isinstance(value, FuzzyDate):
        return value
    if isinstance(value, dt.date):
        return FuzzyDate(text=value.isoformat())
    if isinstance(value, dict):
        return FuzzyDate(text=str(value.get("date")), note=value.get("note"))
    text = str(value)
    if not _FUZZY.match(text):
        raise ValueError(f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {text!r}")
    return FuzzyDate(text=text)


class Where(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    regions: list[Annotated[StrictStr, Field(pattern=r"^\d{6}$")]] = Field(default_factory=list)
    zones: list[Zone] = Field(default_factory=list)
    national: bool = False

    @model_validator(mode="after")
    def _somewhere(self) -> Where:
        if not (self.regions or self.zones or self.national):
            raise ValueError("give regions, zones, or national: true")
        return self


class ListRules(BaseModel):
    """For a negative list or general data list: who may rely on it (contract §3 item 6)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    kind: Literal["negative_list", "general_data_list"]
    excludes_ciio: bool = True
    sectors_known: bool = True
    scenarios: list[Purpose] = Field(default_factory=list, description="Purposes that are obviously a listed scenario.")
    filing_step: Bilingual | None = None


class Measure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    id: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")]
    types: list[MeasureType] = Field(min_length=1)
    where: Where
    sectors: list[Sector] = Field(default_factory=list, description="Empty = all sectors.")
    need: Need
    need_country: Literal["HK", "MO"] | None = None
    from_: FuzzyDate | None = Field(None, alias="from")
    until: FuzzyDate | None = None
    replaced_by: StrictStr | None = None
    replaced_on: dt.date | None = None
    confidence: Confidence
    title: Bilingual
    issuer: Bilingual | None = None
    offers: BilingualList
    eligible: Bilingual | None = None
    how_to_use: Bilingual | None = None
    contact: Bilingual | None = None
    note: Bilingual | None = None
    list_rules: ListRules | None = None
    sources: list[StrictStr] = Field(min_length=1)
    last_verified: dt.date

    _fz = field_validator("from_", "until", mode="before")(classmethod(lambda cls, v: _fuzzy(v)))

    @model_validator(mode="after")
    def _consistent(self) -> Measure:
        if (self.replaced_by is None) != (self.replaced_on is None):
            raise ValueError("replaced_by and replaced_on go together")
        if self.need == "hk_mo_recipient" and self.need_country is None:
            raise ValueError("need hk_mo_recipient needs need_country (HK or MO)")
        is_list = {"negative_list", "general_data_list"} & set(self.types)
        if bool(is_list) != (self.list_rules is not None):
            raise ValueError("a negative_list/general_data_list measure needs a `list_rules:` block, and only those have one")
        if self.from_ and self.until and self.until.end < self.from_.start:
            raise ValueError("until is before from")
        return self
