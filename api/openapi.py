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


@cache
def places() -> list[str]:
    """What the place resolver accepts without ambiguity: every GB/T 2260 code and every full Chinese name."""
    from advisor.regions import default_gazetteer

    g = default_gazetteer()
    out = []
    for p in g.places():
        out.append(p.code)
        try:
            if g.resolve(p.full_zh).code == p.code:
                out.append(p.full_zh)
        except LookupError:
            pass
    return sorted(set(out))


@cache
def zones() -> list[str]:
    from advisor.regions import default_gazetteer

    return sorted(default_gazetteer()._zones)


def _place_schema(description: str) -> dict[str, Any]:
    return {"type": "string", "enum": places(), "description": description + " A GB/T 2260 code or a full Chinese "
            "name the resolver knows (a short name such as 南山区 also works when it names one place only).",
            "examples": ["440305", "广东省深圳市南山区"]}


def _truthful(doc: dict[str, Any]) -> None:
    """Query parameters the server checks against the gazetteer and vocabularies: say so in the schema."""
    from advisor.models.profile import Profile

    sectors = Profile.model_json_schema()["$defs"]["Company"]["properties"]["sector"]["enum"]
    for param in doc.get("paths", {}).get("/v1/measures", {}).get("get", {}).get("parameters", []):
        if param["name"] == "region":
            param["schema"] = _place_schema("Place whose measures apply.")
        elif param["name"] == "zone":
            param["schema"] = {"type": "string", "enum": zones()}
        elif param["name"] == "sector":
            param["schema"] = {"type": "string", "enum": sectors}


def _truthful_company(company: dict[str, Any] | None) -> None:
    """company.region: a place the resolver knows; required unless the company is established abroad."""
    if not company or "region" not in company.get("properties", {}):
        return
    region = company["properties"]["region"]
    company["properties"]["region"] = {"anyOf": [_place_schema(region.get("description", "")), {"type": "null"}],
                                       "default": None}
    company["if"] = {"required": ["established"], "properties": {"established": {"const": "abroad"}}}
    company["else"] = {"required": ["region"], "properties": {"region": {"type": "string"}}}


# What api/inputs.py refuses in strings: control characters anywhere; line breaks, tabs, bidi overrides and
# line/paragraph separators outside free text.
NAME_TEXT = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*$"
FREE_TEXT = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"


def schema_names(schema: Any, components: dict[str, Any], seen: set[str] | None = None) -> set[str]:
    """Names of the component schemas `schema` refers to, transitively."""
    seen = set() if seen is None else seen
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith("#/components/schemas/") and (name := ref.rsplit("/", 1)[1]) not in seen:
            seen.add(name)
            schema_names(components.get(name), components, seen)
        for v in schema.values():
            schema_names(v, components, seen)
    elif isinstance(schema, list):
        for v in schema:
            schema_names(v, components, seen)
    return seen


def _no_control_characters(schema: Any, key: str = "") -> None:
    if isinstance(schema, list):
        for v in schema:
            _no_control_characters(v, key)
        return
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and "enum" not in schema and "const" not in schema:
        rule = FREE_TEXT if key in ("description", "notes") else NAME_TEXT
        schema.setdefault("allOf", []).append({"pattern": rule})
    for k, v in schema.items():
        if k == "properties" and isinstance(v, dict):
            for name, sub in v.items():
                _no_control_characters(sub, name)
        elif k not in ("allOf", "enum", "examples", "example", "default"):
            _no_control_characters(v, key)


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
            _truthful(doc)
            _truthful_company(components.get("Company"))
            for name in ("Profile", *schema_names(components["Profile"], components)):
                _no_control_characters(components[name])
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]
