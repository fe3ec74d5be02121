"""Schema of rules/national/deadlines.yaml, validated once at load (unknown fields are errors)."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    model_validator,
)

from advisor.resources import rules_dir, shipped_rules_dir
from advisor.packs.validate import validate_pack
from advisor.models.base import Strict
from advisor.models.rules import Citation
from advisor.models.text import Bilingual, BilingualList
from advisor.packs.yamlio import read_yaml
from advisor.vocab import Mechanism

DEADLINES_FILE = Path("national") / "deadlines.yaml"  # within a rules folder
DEADLINES_YAML = shipped_rules_dir() / DEADLINES_FILE  # the shipped one
Instrument = Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]


class _Strict(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Period(_Strict):
    unit: Literal["working_days", "months", "years"]
    count: Annotated[int, Field(ge=1, le=1000)]
    direction: Literal["after", "before"]

    def as_dict(self) -> dict[str, Any]:
        """``model_dump()``, without building pydantic's serializer (a short process's start-up)."""
        return {"unit": self.unit, "count": self.count, "direction": self.direction}


class AppliesTo(_Strict):
    approval: Mechanism | None = None
    planned: Literal["security_assessment"] | None = None

    @model_validator(mode="after")
    def _one(self) -> AppliesTo:
        if (self.approval is None) == (self.planned is None):
            raise ValueError("give exactly one of approval (a mechanism obtained) or planned (a route not yet taken)")
        return self


class CountFrom(_Strict):
    approval_date: Literal["issued_on", "effective_on"] | None = None
    deadline: StrictStr | None = None
    as_of: Literal[True] | None = None

    @model_validator(mode="after")
    def _one(self) -> CountFrom:
        if sum(x is not None for x in (self.approval_date, self.deadline, self.as_of)) != 1:
            raise ValueError("give exactly one of approval_date, deadline or as_of")
        return self


class Variant(_Strict):
    from_: dt.date | None = Field(None, alias="from")
    until: dt.date | None = None
    recipient_countries: list[Annotated[StrictStr, Field(pattern=r"^[A-Z]{2}$")]] = Field(default_factory=list)
    period: Period
    basis: Annotated[list[Citation], Field(min_length=1)]
    warning: Bilingual | None = None

    def fits(self, start: dt.date, country: str | None) -> bool:
        if self.from_ is not None and start < self.from_:
            return False
        if self.until is not None and start > self.until:
            return False
        return not self.recipient_countries or country in self.recipient_countries


class Conditions(BilingualList):
    confidence: Literal["high", "medium", "low"]
    basis: list[Citation]


class DeadlineRule(_Strict):
    id: Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    applies_to: AppliesTo
    from_: CountFrom = Field(alias="from")
    moves_off_rest_days: StrictBool
    estimate: StrictBool = False
    done_when_filed: StrictBool = False
    label: Bilingual
    explanation: Bilingual
    conditions: Conditions | None = None
    refiling: StrictStr | None = None
    passed_warning: Bilingual | None = None
    variants: Annotated[list[Variant], Field(min_length=1)]

    @model_validator(mode="after")
    def _variants_apart(self) -> DeadlineRule:
        """The first variant that fits wins, so a later one must not be shadowed: two variants whose dates
        overlap may share no recipient country, except that a later variant for every country (no
        ``recipient_countries``) is the fallback after country-specific ones."""
        lo, hi = dt.date.min, dt.date.max
        for i, a in enumerate(self.variants):
            for b in self.variants[i + 1:]:
                dates = max(a.from_ or lo, b.from_ or lo) <= min(a.until or hi, b.until or hi)
                if not a.recipient_countries:
                    shadowed = True
                elif not b.recipient_countries:
                    shadowed = False  # b is the fallback for the other countries
                else:
                    shadowed = bool(set(a.recipient_countries) & set(b.recipient_countries))
                if dates and shadowed:
                    raise ValueError(f"deadline {self.id!r}: variants from {a.from_} until {a.until} and from "
                                     f"{b.from_} until {b.until} overlap (for the same recipients)")
        return self


class TriggerSet(BilingualList):
    id: StrictStr
    title: Bilingual
    basis: list[Citation]
    confidence: Literal["high", "medium", "low"]
    note: Bilingual | None = None


class DeadlineRules(_Strict):
    id: StrictStr
    last_reviewed: dt.date
    deadlines: list[DeadlineRule]
    estimate_warning: Bilingual
    refiling_triggers: list[TriggerSet]
    ui: dict[str, Bilingual]

    @model_validator(mode="after")
    def _references(self) -> DeadlineRules:
        seen: set[str] = set()
        triggers = {t.id for t in self.refiling_triggers}
        for rule in self.deadlines:   # a deadline may count only from one listed before it
            if rule.id in seen:
                raise ValueError(f"duplicate deadline id {rule.id!r}")
            if rule.from_.deadline is not None and rule.from_.deadline not in seen:
                raise ValueError(f"deadline {rule.id!r} counts from {rule.from_.deadline!r}, not defined before it")
            if rule.refiling is not None and rule.refiling not in triggers:
                raise ValueError(f"deadline {rule.id!r} names unknown refiling trigger set {rule.refiling!r}")
            seen.add(rule.id)
        return self

    def triggers(self, trigger_id: str) -> TriggerSet:
        return next(t for t in self.refiling_triggers if t.id == trigger_id)


def load_deadline_rules(path: Path | None = None) -> DeadlineRules:
    path = path or rules_dir() / DEADLINES_FILE
    return validate_pack(DeadlineRules, read_yaml(path), path)


def default_deadline_rules() -> DeadlineRules:
    """The deadlines of the rules folder in use, read and validated once per folder."""
    return deadline_rules_at(rules_dir())


@lru_cache(maxsize=4)
def deadline_rules_at(root: Path) -> DeadlineRules:
    """Read and validate once per folder (once per content and code, with the disk cache)."""
    import hashlib

    from advisor.packs.diskcache import cached

    path = root / DEADLINES_FILE
    digest = hashlib.sha256(path.read_bytes() + Path(__file__).read_bytes()).hexdigest()
    return cached("deadlines", digest, lambda: load_deadline_rules(path))
