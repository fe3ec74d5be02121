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

from advisor.models.text import Bilingual, BilingualList, NonEmpty
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


Slug = Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9_]*$")]
PathwayTier = Literal["standard_contract_or_certification", "security_assessment"]


class VolumeTier(BaseModel):
    """A scenario-level volume band. From these counts (persons whose PI the transfer sends, in the window
    the national rules use) the scenario's personal information is *on* the list and takes ``pathway``.
    Either count reaching its figure is enough (以上 includes the number); a count not given does not
    trigger the tier."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    pathway: PathwayTier
    personal_info_at_least: int | None = Field(None, ge=1)
    sensitive_info_at_least: int | None = Field(None, ge=1)
    basis: Bilingual | None = None

    @model_validator(mode="after")
    def _some_count(self) -> VolumeTier:
        if self.personal_info_at_least is None and self.sensitive_info_at_least is None:
            raise ValueError("a volume tier needs personal_info_at_least or sensitive_info_at_least")
        return self

    def reached(self, personal_info: int, sensitive_info: int) -> bool:
        return ((self.personal_info_at_least is not None and personal_info >= self.personal_info_at_least)
                or (self.sensitive_info_at_least is not None and sensitive_info >= self.sensitive_info_at_least))


class Scenario(BaseModel):
    """One business scenario of a local list (``transfers[].local_list.scenario`` names it by ``slug``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    slug: Slug
    title: Bilingual
    sector: Sector | None = None
    purposes: list[Purpose] = Field(default_factory=list,
                                    description="Transfer purposes that obviously fall within this scenario.")
    data: Bilingual | None = Field(None, description="The data categories the list names in this scenario.")
    volume_tiers: list[VolumeTier] | None = Field(
        None, description="None: the list's volume figures for this scenario were not captured; []: it sets none.")
    confidence: Confidence
    note: Bilingual | None = None

    def tier_for(self, personal_info: int, sensitive_info: int) -> VolumeTier | None:
        """The strictest tier these counts reach, or None (below every tier, or tiers not captured)."""
        reached = [t for t in self.volume_tiers or () if t.reached(personal_info, sensitive_info)]
        if not reached:
            return None
        return max(reached, key=lambda t: t.pathway == "security_assessment")


class ListRules(BaseModel):
    """For a negative list or general data list: who may rely on it (contract §3 item 6), and its scenarios
    (contract §7 ``transfers[].local_list.scenario``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    kind: Literal["negative_list", "general_data_list"]
    excludes_ciio: bool = True
    sectors_known: bool = True
    purposes: list[Purpose] = Field(
        default_factory=list, description="Purposes obviously within some listed scenario, beyond the scenarios' own.")
    scenarios: list[Scenario] = Field(default_factory=list)
    scenarios_complete: bool = Field(False, description="True when `scenarios` holds every scenario of the list.")
    filing_step: Bilingual | None = None

    @model_validator(mode="after")
    def _unique_slugs(self) -> ListRules:
        slugs = [s.slug for s in self.scenarios]
        dup = sorted({s for s in slugs if slugs.count(s) > 1})
        if dup:
            raise ValueError(f"duplicate scenario slug(s): {', '.join(dup)}")
        return self

    @functools.cached_property
    def scenario_purposes(self) -> frozenset[str]:
        """Every purpose that is obviously one of the list's scenarios (the old ``scenarios`` list)."""
        return frozenset(self.purposes).union(*(s.purposes for s in self.scenarios))

    def scenario(self, slug: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.slug == slug), None)


class Source(BaseModel):
    """A source shown to users: the official document (title, issuer, 文号, date) or a publication about it.
    ``url`` only where the publisher is on the allowlist (rules/publishers.yaml); the loader refuses others."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    title: NonEmpty
    issuer: NonEmpty | None = None
    number: NonEmpty | None = None
    date: FuzzyDate | None = None
    url: Annotated[StrictStr, Field(pattern=r"^https?://[^\s/]+(/\S*)?$")] | None = None
    kind: Literal["document", "commentary", "briefing", "report"] = "document"

    _fz = field_validator("date", mode="before")(classmethod(lambda cls, v: _fuzzy(v)))

    def as_dict(self, publisher: dict[str, str] | None = None) -> dict[str, object]:
        out: dict[str, object] = {"title": self.title, "issuer": self.issuer, "number": self.number,
                                  "date": self.date.text if self.date else None, "url": self.url, "kind": self.kind}
        if publisher is not None:
            out["publisher"] = publisher
        return out


class Contact(BaseModel):
    """Whom to ask, for companies in ``where`` only (a place inside the measure's own place)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    where: Where
    text: Bilingual

    @model_validator(mode="after")
    def _a_place(self) -> Contact:
        if self.where.national:
            raise ValueError("a contact belongs to a place: give regions or zones, not national")
        return self


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
    contacts: list[Contact] = Field(default_factory=list)
    note: Bilingual | None = None
    list_rules: ListRules | None = None
    draft: bool = Field(False, description="A draft for comment: status `draft`, never `active`, never changes a pathway.")
    sources: list[Source] = Field(min_length=1)
    trail: list[StrictStr] = Field(default_factory=list, description="Research leads; never shown to users.")
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
        if self.draft and self.confidence == "unverified":
            raise ValueError("a draft is a published text: give its confidence, not `unverified`")
        for c in self.contacts:
            if not self.where.national and not within(c.where, self.where):
                raise ValueError(f"contact for {c.where.regions or c.where.zones} lies outside the measure's own place")
        return self


def code_within(code: str, area: str) -> bool:
    """GB/T 2260: ``code`` is ``area`` or lies inside it (province ``xx0000``, city ``xxxx00``)."""
    if area.endswith("0000"):
        return code[:2] == area[:2]
    if area.endswith("00"):
        return code[:4] == area[:4]
    return code == area


def within(inner: Where, outer: Where) -> bool:
    """Every place ``inner`` names lies inside ``outer`` (regions inside its regions, zones among its zones)."""
    return (all(any(code_within(c, a) for a in outer.regions) for c in inner.regions)
            and set(inner.zones) <= set(outer.zones))
