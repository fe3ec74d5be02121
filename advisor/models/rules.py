"""Schema of the national rule pack (rules/national/*.yaml) and the instruments registry."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    model_validator,
)

from advisor.models.text import Bilingual
from advisor.vocab import Exemption, Mechanism, Pathway, RequirementId

RuleId = Annotated[StrictStr, Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")]
Kind = Literal["scope", "exemption", "trigger", "option", "requirement", "obligation", "warning", "question"]
Phase = Literal["screen", "volume", "outcome"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Strict):
    instrument: StrictStr
    article: StrictStr
    item: StrictStr | None = None

    def as_dict(self) -> dict[str, str]:
        d = {"instrument": self.instrument, "article": self.article}
        if self.item:
            d["item"] = self.item
        return d


class Effective(_Strict):
    from_: dt.date = Field(alias="from")
    until: dt.date | None = None

    @model_validator(mode="after")
    def _order(self) -> Effective:
        if self.until is not None and self.until < self.from_:
            raise ValueError(f"until {self.until} is before from {self.from_}")
        return self

    def covers(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.until is None or day <= self.until)


class ScopeThen(_Strict):
    pathway: Literal["not_outbound"]


class ExemptionThen(_Strict):
    exemption: Exemption
    counted: StrictBool = False


class TriggerThen(_Strict):
    pathway: Literal["standard_contract_or_certification", "security_assessment"]
    trigger: Literal["important_data", "ciio", "volume", "all_pi"]


class OptionThen(_Strict):
    option: Mechanism
    pathways: list[Pathway] = Field(min_length=1)


class RequirementThen(_Strict):
    requirement: RequirementId
    blocking: StrictBool


class ObligationThen(_Strict):
    obligation: Annotated[StrictStr, Field(pattern=r"^[a-z0-9-]+$")]


class WarningThen(_Strict):
    severity: Literal["warning", "note"] = "warning"


class QuestionThen(_Strict):
    field: StrictStr  # dotted path; "{transfer}" stands for the transfer id
    alternatives: list[dict[str, Any]] | Literal["local_lists"]
    only_if_changes: StrictBool = False


THEN_BY_KIND: dict[str, type[_Strict]] = {
    "scope": ScopeThen, "exemption": ExemptionThen, "trigger": TriggerThen, "option": OptionThen,
    "requirement": RequirementThen, "obligation": ObligationThen, "warning": WarningThen, "question": QuestionThen,
}


class Rule(_Strict):
    id: RuleId
    kind: Kind
    phase: Phase
    title: Bilingual
    text: Bilingual
    when: dict[str, Any]
    then: dict[str, Any]
    effective: Effective
    basis: list[Citation] = Field(min_length=1)
    slot: StrictStr | None = None
    confidence: Literal["H", "M", "L"] = "H"


class Instrument(_Strict):
    id: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")]
    title: Bilingual
    issuer: Bilingual
    promulgated: dt.date | None = None
    effective: dt.date | None = None
    note: Bilingual | None = None
    sources: list[StrictStr] = Field(default_factory=list)


class CountingWindow(_Strict):
    effective: Effective
    since: Literal["current_year", "previous_year"]
    basis: list[Citation] = Field(min_length=1)


class PackMeta(_Strict):
    id: StrictStr
    version: StrictStr
    earliest_as_of: dt.date
    counting: list[CountingWindow] = Field(min_length=1)
    labels: dict[str, dict[str, Bilingual]]
