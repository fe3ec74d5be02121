"""Schema of the national rule pack (rules/national/*.yaml) and the instruments registry."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictStr, model_validator

from advisor.models.base import Strict
from advisor.models.text import Bilingual
from advisor.vocab import Exemption, Mechanism, Pathway, RequirementId

RuleId = Annotated[StrictStr, Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")]
Kind = Literal["scope", "exemption", "trigger", "option", "requirement", "obligation", "warning", "question"]
Phase = Literal["screen", "volume", "outcome"]




class Citation(Strict):
    """An instrument (rules/instruments.yaml or a regional measure id), and where the text has numbered
    articles, the article and item. Guides and Q&As without numbered articles are cited whole."""

    instrument: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")]
    article: Annotated[StrictStr, Field(pattern=r"^\d+[a-z]?$")] | None = None
    item: Annotated[StrictStr, Field(pattern=r"^\d+$")] | None = None

    def as_dict(self) -> dict[str, str]:
        """``model_dump(exclude_none=True)``, without building the serializer (a short process's start-up)."""
        return {k: v for k in ("instrument", "article", "item") if (v := getattr(self, k)) is not None}


class Effective(Strict):
    from_: dt.date = Field(alias="from")
    until: dt.date | None = None

    @model_validator(mode="after")
    def _order(self) -> Effective:
        if self.until is not None and self.until < self.from_:
            raise ValueError(f"until {self.until} is before from {self.from_}")
        return self

    def covers(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.until is None or day <= self.until)


class ScopeThen(Strict):
    pathway: Literal["not_outbound"]


class ExemptionThen(Strict):
    exemption: Exemption
    counted: StrictBool = False


class TriggerThen(Strict):
    pathway: Literal["standard_contract_or_certification", "security_assessment"]
    trigger: Literal["important_data", "core_data", "ciio", "volume", "all_pi"]


class OptionThen(Strict):
    option: Mechanism
    pathways: list[Pathway] = Field(min_length=1)
    contested: StrictBool = False  # listed under contested_options, not options (contract §3 item 7)


class RequirementThen(Strict):
    requirement: RequirementId
    blocking: StrictBool


class ObligationThen(Strict):
    obligation: Annotated[StrictStr, Field(pattern=r"^[a-z0-9_-]+$")]


class WarningThen(Strict):
    severity: Literal["warning", "note"] = "warning"


class QuestionThen(Strict):
    field: StrictStr  # dotted path; "{transfer}" stands for the transfer id
    alternatives: list[dict[str, Any]] | Literal["local_lists"]
    only_if_changes: StrictBool = False


THEN_BY_KIND: dict[str, type[Strict]] = {
    "scope": ScopeThen, "exemption": ExemptionThen, "trigger": TriggerThen, "option": OptionThen,
    "requirement": RequirementThen, "obligation": ObligationThen, "warning": WarningThen, "question": QuestionThen,
}


class Rule(Strict):
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


class Instrument(Strict):
    id: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")]
    title: Bilingual
    issuer: Bilingual
    number: StrictStr | None = None  # 文号 (document number), where one was confirmed
    promulgated: dt.date | None = None
    effective: dt.date | None = None
    confidence: Literal["high", "medium", "low"] = "high"
    note: Bilingual | None = None
    sources: list[StrictStr] = Field(default_factory=list)  # official or allowlisted links only (rules/publishers.yaml)
    trail: list[StrictStr] = Field(default_factory=list)  # research leads (full texts, summaries); never shown


class CountingWindow(Strict):
    effective: Effective
    since: Literal["current_year", "previous_year"]
    basis: list[Citation] = Field(min_length=1)


class PackMeta(Strict):
    id: StrictStr
    version: StrictStr
    earliest_as_of: dt.date
    counting: list[CountingWindow] = Field(min_length=1)
    labels: dict[str, dict[str, Bilingual]]
