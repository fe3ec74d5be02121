"""Response shapes for the OpenAPI document (routes return stored JSON text; these only describe it)."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from advisor.models.assessment import StoredAssessment


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class RulePack(_Open):
    version: str
    digest: str = Field(examples=["sha256:…"])


class FieldProblem(BaseModel):
    field: str = Field(description="Dotted path of the bad field, e.g. transfers.0.personal_info_subjects.")
    message: str
    value: Any = None


class ErrorDetail(BaseModel):
    status: int
    type: str = Field(description="invalid_profile, invalid_request, malformed_json, not_found, unauthorized, …")
    message: str
    errors: list[FieldProblem] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """Every error, everywhere, has this shape."""

    error: ErrorDetail


# The assessment as the API returns it: the strict model of advisor.models.assessment plus "id" and "lang".
Assessment = StoredAssessment


class BatchSlotError(BaseModel):
    error: ErrorDetail


class BatchResults(BaseModel):
    results: list[Assessment | BatchSlotError] = Field(description="One per profile, in order.")


class ListedCompany(BaseModel):
    name: str | None
    credit_code: str | None


class ListedAssessment(BaseModel):
    id: str
    created_at: str = Field(description="ISO 8601, UTC.")
    overall: str | None
    company: ListedCompany
    rulepack: RulePack
    links: dict[str, str]


class AssessmentList(BaseModel):
    assessments: list[ListedAssessment]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")


class Deleted(BaseModel):
    deleted: int = Field(description="How many assessments were erased.")


class Measures(BaseModel):
    measures: list[dict[str, Any]]
    notes: list[str] = Field(description="Why the list is empty when the filters cannot meet (a zone outside the "
                                         "region's province); otherwise empty.")


class RuleRow(_Open):
    id: str
    title: dict[str, str]
    basis: list[Any]


class RulesSummary(_Open):
    version: str
    digest: str
    rules: list[RuleRow]


class Health(BaseModel):
    status: str
    rulepack: RulePack
    database: str


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for the error statuses a route can give."""
    text = {400: "Malformed JSON (or not UTF-8)", 401: "API key needed or not accepted",
            403: "Open mode (no API keys issued) answers only on this machine",
            404: "No such assessment (for this key)",
            409: "Idempotency-Key reused with a different query or body, or its first request still running",
            413: "Body over 1 MB", 415: "Body is not application/json (UTF-8)",
            422: "Invalid profile or parameter: every bad field path is named", 501: "Renderer not available",
            503: "The job queue is not reachable"}
    return {c: {"model": ErrorBody, "description": text.get(c, "Error")} for c in codes}


def as_of_body(description: str) -> dict[str, Any]:
    """`openapi_extra` of a POST whose JSON body `{"as_of": "YYYY-MM-DD"}` may be left out (the lower bound of the
    date is added when the document is built, from the rule pack: see openapi.py)."""
    return {"requestBody": {"required": False, "content": {"application/json": {"schema": {
        "type": "object", "additionalProperties": False,
        "properties": {"as_of": {"type": "string", "format": "date", "description": description}}},
        "example": {"as_of": "2026-11-27"}}}}}
