"""The JSON Schemas of the two formats a user writes and reads, from the pydantic models (one source for
the CLI's `advisor schema`, the API's /v1/schema/… and the OpenAPI document)."""
from __future__ import annotations

from typing import Any

from advisor.models.assessment import assessment_schema
from advisor.models.profile import Profile

NAMES = ("profile", "assessment")


def json_schema(which: str) -> dict[str, Any]:
    """``profile`` (the input) or ``assessment`` (the output), as JSON Schema 2020-12."""
    if which == "profile":
        schema = Profile.model_json_schema()
    elif which == "assessment":
        schema = assessment_schema()
    else:
        raise ValueError(f"no schema {which!r}; one of {', '.join(NAMES)}")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
