"""The OpenAPI document: the profile schema (from advisor.models) and examples from the golden cases."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

EXAMPLES = Path(__file__).resolve().parent / "examples"
PROFILE_REF = {"$ref": "#/components/schemas/Profile"}


@cache
def examples() -> dict[str, dict[str, Any]]:
    """Example profiles shipped in advisor_api/examples/ (the service needs nothing else)."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))}


def profile_body() -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": PROFILE_REF, "examples": examples()}}}}


def batch_body(max_batch: int) -> dict[str, Any]:
    valid = [e["value"] for name, e in examples().items() if "-bad-" not in name]
    schema = {"type": "object", "required": ["profiles"], "additionalProperties": False, "properties": {
        "profiles": {"type": "array", "maxItems": max_batch, "items": PROFILE_REF}}}
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": schema, "example": {"profiles": valid}}}}}


def install(app: FastAPI) -> None:
    from advisor.models.profile import Profile

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schema = Profile.model_json_schema(ref_template="#/components/schemas/{model}")
            components = doc.setdefault("components", {}).setdefault("schemas", {})
            components.update(schema.pop("$defs", {}))
            components["Profile"] = schema
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]
