"""The assessment (the advisor's output) as a strict pydantic model: the JSON Schema users read
(`advisor schema assessment`, `GET /v1/schema/assessment`, the OpenAPI document) and the oracle the tests
hold every output to. Unknown keys are errors; every field of the exchange format is required, the
project's additions are described where they are declared.

    from advisor.models.assessment import Assessment, validate_assessment
    validate_assessment(advisor.assess(profile))     # raises pydantic.ValidationError if the shape is wrong

Dates travel as ISO strings (``YYYY-MM-DD``); ``validate_assessment`` checks a dict exactly as a JSON
reader would see it.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from advisor.models.profile import Profile
from advisor.regional.models import Confidence as MeasureConfidence
from advisor.regional.models import MeasureType
from advisor.vocab import (
    AUTOMOTIVE_SCENARIOS,
    Established,
    Exemption,
    MeasureStatus,
    Mechanism,
    Pathway,
    RequirementId,
    Sector,
    Zone,
)

AutomotiveScenario = Literal[AUTOMOTIVE_SCENARIOS]  # type: ignore[valid-type]

Text = Annotated[StrictStr, Field(min_length=1)]
Count = Annotated[StrictInt, Field(ge=0)]
Confidence3 = Literal["high", "medium", "low"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Bilingual(_Out):
    """A text in both languages."""

    zh: Text
    en: Text


class BilingualPoints(_Out):
    """Parallel lists of points in both languages."""

    zh: list[Text]
    en: list[Text]


class Citation(_Out):
    """Where a conclusion rests: an instrument (a national law or rule, or a regional measure's id) and,
    where it applies, the article and item."""

    instrument: Text = Field(description="Instrument slug (pipl, provisions-2024, …) or a regional measure id.")
    article: Text | None = Field(None, description="Article number, as a string ('5', '38').")
    item: Text | None = Field(None, description="Item within the article, as a string ('1').")


class RulePackInfo(_Out):
    version: Text = Field(description="The rule pack's version (a date-like string).")
    digest: Annotated[StrictStr, Field(pattern=r"^sha256:[0-9a-f]{64}$")] = Field(
        description="sha256 over every file of the rule pack used: which law the assessment applied.")


class Headroom(_Out):
    """How far a company total is from the next threshold a rule in force draws."""

    count: Literal["personal_info_subjects", "sensitive_info_subjects", "all_info_subjects"]
    total: Count
    threshold: Count
    remaining: Count
    rules: list[Text] = Field(description="Ids of the rules drawing that threshold.")
    then: Bilingual = Field(description="What applies from the threshold on.")


class SummedTotals(_Out):
    personal_info_subjects: Count
    sensitive_info_subjects: Count


class Totals(_Out):
    personal_info_subjects: Count = Field(description="Company total of non-sensitive persons over the counted transfers.")
    sensitive_info_subjects: Count = Field(description="Company total of sensitive persons over the counted transfers.")
    counted_since: dt.date = Field(description="Start of the counting window the law uses at as_of.")
    counted_transfers: list[Text] = Field(description="Ids of the transfers that no exemption covers, summed.")
    headroom: list[Headroom] = Field(description="Project extra: distance to the next threshold, per total.")
    deduplicated: StrictBool | None = Field(
        None, description="Version 2: true when company.unique_subjects replaced the sums (the totals above are "
                          "the de-duplicated ones).")
    summed: SummedTotals | None = Field(None, description="Version 2, with deduplicated: the plain sums.")


class Obligation(_Out):
    id: Text = Field(description="Obligation id (docs/assessment.md).")
    basis: list[Citation]
    text: Bilingual = Field(description="Project extra: what to do.")


class Requirement(_Out):
    id: RequirementId
    blocking: StrictBool = Field(description="True: the transfer may not go ahead without this approval or report.")
    basis: list[Citation]
    text: Bilingual = Field(description="Project extra: what is required.")


class Reason(_Out):
    rule: Text = Field(description="Id of a rule that decided the pathway.")
    text: Bilingual


class ContestedOption(_Out):
    """Version 2 (docs/interpretations.md, GBA standard contract): a mechanism that one reading of the law offers and another does not."""

    option: Mechanism
    basis: list[Citation]
    text: Bilingual = Field(description="Both readings, in short.")
    rule: Text = Field(description="Project extra: the rule that lists it.")


class TransferResult(_Out):
    id: Text = Field(description="The transfer's id, as in the profile.")
    pathway: Pathway
    exemption: Exemption | None = Field(None, description="Present only when pathway is exempt.")
    scenario: AutomotiveScenario | None = Field(
        None, description="Version 2, with exemption automotive_guide: the automotive guide's scenario.")
    options: list[Mechanism] = Field(description="Mechanisms that satisfy the pathway.")
    contested_options: list[ContestedOption] = Field(
        description="Version 2: mechanisms offered on a contested reading (never part of options).")
    basis: list[Citation] = Field(description="Articles of the rules that decided the pathway, then (version 2) "
                                              "the article that makes each offered option available.")
    obligations: list[Obligation]
    requirements: list[Requirement] = Field(description="Duties outside the CAC pathway that still apply.")
    rules: list[Text] = Field(description="Ids of the rules that decided the pathway.")
    matched: list[Text] = Field(description="Project extra: every rule that matched (the audit trail).")
    reasons: list[Reason] = Field(description="Project extra: each deciding rule with its text.")
    explanation: Bilingual
    gba_measure: Text | None = Field(None, description="Project extra: the GBA standard-contract measure offered.")


class Source(_Out):
    """A structured source (version 2): an official document."""

    title: Text
    issuer: Text | None = None
    number: Text | None = None
    date: Text | None = None
    url: Text | None = Field(None, description="Only where the publisher is on rules/publishers.yaml.")
    kind: Literal["document", "commentary", "briefing", "report"] | None = Field(
        None, description="Project extra: the document itself, an official report, a named firm's commentary, the briefing.")
    publisher: Bilingual | None = Field(None, description="Project extra: the allowlisted publisher of `url`.")


class ScenarioRef(_Out):
    """One scenario of a local list (a profile's `transfers[].local_list.scenario` names it by slug)."""

    slug: Text
    title: Bilingual
    confidence: MeasureConfidence


class Successor(_Out):
    id: Text
    title: Bilingual
    on: dt.date


class MeasureResult(_Out):
    id: Text = Field(description="Regional measure id (the project's catalogue).")
    type: MeasureType = Field(description="Main type of the measure.")
    status: MeasureStatus = Field(description="Judged at as_of.")
    title: Bilingual
    why: Bilingual = Field(description="Why it fits this company (place, sector, need).")
    sources: list[Text | Source] = Field(description="Where to verify it: official documents.")
    types: list[MeasureType] = Field(description="Project extra: every type of the measure.")
    offers: BilingualPoints = Field(description="Project extra: what it offers.")
    confidence: MeasureConfidence = Field(description="Project extra: how sure the catalogue is of this entry.")
    from_: Text | None = Field(None, alias="from", description="In force from (a date or month, as published).")
    until: Text | None = Field(None, description="In force until (a date or month), null if open.")
    last_verified: dt.date
    issuer: Bilingual | None = None
    eligible: Bilingual | None = None
    how_to_use: Bilingual | None = None
    contact: Bilingual | None = None
    note: Bilingual | None = None
    replaced_by: Successor | None = Field(None, description="For a superseded measure: what replaced it.")
    scenarios: list[ScenarioRef] | None = Field(None, description="Project extra: a local list's scenarios.")


class DeadlinePeriod(_Out):
    unit: Literal["working_days", "months", "years"]
    count: Annotated[StrictInt, Field(ge=1)]
    direction: Literal["after", "before"]


class CountsFrom(_Out):
    """The date a deadline counts from, and where that date came from (a profile field or another deadline)."""

    date: dt.date
    field: Text | None = Field(None, description="Dotted path of the profile field ('approvals.0.issued_on', 'as_of').")
    deadline: Text | None = Field(None, description="Id of the deadline it counts from.")


class Conditions(_Out):
    zh: list[Text]
    en: list[Text]
    confidence: Confidence3
    basis: list[Citation]


class RefilingTriggers(_Out):
    id: Text
    title: Bilingual
    basis: list[Citation]
    confidence: Confidence3
    points: BilingualPoints
    note: Bilingual | None = None


class Deadline(_Out):
    id: Text = Field(description="Deadline id: the exchange format's (standard_contract_filing, assessment_expiry, …) "
                                 "and the project's own steps of a security assessment.")
    transfer: Text = Field(description="Id of the transfer it belongs to.")
    date: dt.date = Field(description="On China's official working-day calendar.")
    basis: list[Citation]
    provisional: StrictBool = Field(description="True when the period crosses a year whose holidays are not yet published.")
    label: Bilingual
    explanation: Bilingual
    period: DeadlinePeriod
    moves_off_rest_days: StrictBool = Field(description="A last day for doing something moves off a rest day; an expiry does not.")
    status: Literal["upcoming", "passed", "done"]
    counts_from: CountsFrom
    estimate: StrictBool | None = Field(None, description="True for an expected date, not a legal deadline.")
    conditions: Conditions | None = None
    refiling_triggers: RefilingTriggers | None = None


class Candidate(_Out):
    id: Text
    title: Bilingual
    kind: Literal["negative_list", "general_data_list"]


class Question(_Out):
    field: Text = Field(description="Dotted path of the unknown fact: company.ciio, transfers.<id>.important_data, …")
    text: Bilingual
    changes_outcome: StrictBool = Field(description="True when another answer would change some transfer's pathway.")
    rule: Text = Field(description="Project extra: the rule that asks it.")
    transfer: Text | None = Field(None, description="Project extra: the transfer it concerns.")
    candidates: list[Candidate] | None = Field(None, description="Project extra: for local lists, the lists that could apply.")


class Warning(_Out):  # noqa: A001 - the output's word
    zh: Text
    en: Text
    rule: Text | None = Field(None, description="Project extra: the rule (or check) that raised it.")
    transfers: list[Text] | None = Field(None, description="Project extra: the transfers it concerns.")


class Note(_Out):
    """An interpretation the advisor applied (project extra)."""

    zh: Text
    en: Text
    rule: Text
    transfers: list[Text]


class Region(_Out):
    code: Annotated[StrictStr, Field(pattern=r"^\d{6}$")]
    zh: Text
    en: Text


class CompanyResult(_Out):
    """The company as the advisor resolved it (project extra)."""

    name: StrictStr | None
    established: Established = Field(description="Version 2: mainland or abroad (PIPL Art 3(2)).")
    region: Region | None = Field(description="Null for an overseas processor that gave no representative's place.")
    zones: list[Zone] = Field(description="Every zone: the ones given and the ones the place implies.")
    sector: Sector
    ciio: StrictBool | None


class Assessment(_Out):
    """One assessment: the pathway each transfer takes, what follows from it, and what is still open."""

    schema_version: Literal[2] = Field(description="Version of this format (2: with the version-2 fields of docs/profile.md).")
    as_of: dt.date = Field(description="The date the assessment speaks for; rules are chosen by it.")
    rulepack: RulePackInfo
    overall: Pathway = Field(description="The strictest pathway of all transfers.")
    totals: Totals
    transfers: list[TransferResult]
    measures: list[MeasureResult]
    deadlines: list[Deadline]
    questions: list[Question]
    warnings: list[Warning]
    summary: Bilingual = Field(description="Project extra: the overall route in one sentence.")
    notes: list[Note] = Field(description="Project extra: the interpretations applied.")
    company: CompanyResult
    profile: Profile = Field(description="Project extra: the validated input (the profile format).")
    source: StrictStr | None = Field(None, description="`advisor assess --format jsonl` only: the file it came from.")


class StoredAssessment(Assessment):
    """What the HTTP API returns: the assessment and the id it is stored under."""

    id: Text = Field(description="Id to fetch it again: GET /v1/assessments/{id}.")
    lang: Literal["zh", "en"] = Field(description="The language the client asked for (?lang=); every text is in both.")
    reassessed_from: Text | None = Field(None, description="Made by POST /v1/assessments/{id}:reassess: the id of "
                                                           "the assessment it re-assessed (which stays as it was).")
    changes: dict[str, Any] | None = Field(None, description="With reassessed_from: what moved since that assessment "
                                                             "and why (as `advisor diff` prints it); null when nothing did.")


def validate_assessment(doc: dict[str, Any], model: type[Assessment] = Assessment) -> Assessment:
    """Check an assessment exactly as a JSON reader sees it (dates as ISO strings). The echoed profile is
    checked against the profile format too."""
    return model.model_validate_json(orjson.dumps(doc))


def assessment_schema(model: type[Assessment] = Assessment) -> dict[str, Any]:
    """The JSON Schema of the assessment (JSON Schema 2020-12, as pydantic writes it)."""
    return model.model_json_schema(by_alias=True)
