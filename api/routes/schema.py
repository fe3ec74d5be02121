"""GET /v1/schema/profile and /v1/schema/assessment: the JSON Schemas of the two formats (the same
models as `advisor schema` and the OpenAPI document)."""
from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from advisor.schemas import json_schema
from advisor_api.deps import get_owner
from advisor_api.schemas import errors

router = APIRouter(prefix="/v1/schema", tags=["schemas"], dependencies=[Depends(get_owner)])


@router.get("/{which}", response_model=None,
            responses={200: {"description": "A JSON Schema (2020-12)", "content": {"application/schema+json": {}}},
                       **errors(401, 422)})
def schema(which: Literal["profile", "assessment"]) -> Any:
    """The JSON Schema of the profile (what you send) or the assessment (what you get back)."""
    return JSONResponse(json_schema(which), media_type="application/schema+json")
