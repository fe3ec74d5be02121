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
        if not p.mainland:  # Hong Kong, Macao, Taiwan: the advisor covers processors registered in the mainland
            continue
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

    return default_gazetteer().zone_slugs()


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


def day_at_least(day: Any) -> str:
    """A pattern matching the YYYY-MM-DD strings of `day` and later (with `format: date` for the calendar)."""
    def ge(digits: str, strict: bool = False) -> str:
        alts = [] if strict else [digits]
        for i, c in enumerate(digits):
            if c < "9":
                alts.append(digits[:i] + (f"[{int(c) + 1}-9]" if c < "8" else "9") + "\\d" * (len(digits) - i - 1))
        return "(?:" + "|".join(alts) + ")" if alts else "(?!)"

    y, m, d = f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"
    return f"^(?:{ge(y, True)}-\\d{{2}}-\\d{{2}}|{y}-{ge(m, True)}-\\d{{2}}|{y}-{m}-{ge(d)})$"


def zone_region_pattern(slug: str) -> str:
    """company.region values (codes, full Chinese names) of places in the province of zone `slug`."""
    import re

    from advisor.regions import default_gazetteer

    g = default_gazetteer()
    province = g.zone(slug).province
    return f"^(?:{province[:2]}\\d{{4}}|{re.escape(g.resolve(province).full_zh)}.*)$"


def _truthful_profile(components: dict[str, Any], pack: Any) -> None:
    """Cross-field rules that JSON Schema can state: the earliest date, zones inside the region's province,
    local lists and their scenarios, extensions of security assessments only, an approval's date, ISO country
    codes. (What it cannot state — unique transfer ids, approvals naming a transfer, the credit code's check character, dates in order,
    de-duplicated totals within the transfers' — the server refuses with 422 naming the field; the
    schemathesis hooks in tests/schemathesis_hooks.py generate profiles that keep them.)"""
    from advisor.countries import default_countries
    from advisor.list_scenarios import scenario_slugs
    from advisor.regions import default_gazetteer

    as_of = components["Profile"]["properties"]["as_of"]
    as_of["anyOf"][0]["pattern"] = day_at_least(pack.meta.earliest_as_of)
    g = default_gazetteer()
    by_province: dict[str, list[str]] = {}
    for slug in g.zone_slugs():
        by_province.setdefault(g.zone(slug).province, []).append(slug)
    # No zones, or zones of one province and a region in it (one anyOf: generators cope with it, not with a
    # conjunction of one if/then per zone).
    components["Company"].setdefault("allOf", []).append({"anyOf": [
        {"properties": {"zones": {"maxItems": 0}}},
        *({"required": ["region"], "properties": {"region": {"type": "string", "pattern": zone_region_pattern(slugs[0])},
                                                  "zones": {"items": {"enum": slugs}}}}
          for _province, slugs in sorted(by_province.items()))]})
    lists = {m.id: m for m in pack.catalogue.by_id.values() if m.list_rules is not None}
    local = components["LocalList"]
    local["properties"]["id"]["enum"] = sorted(lists)
    local["allOf"] = [{"if": {"properties": {"id": {"const": mid}}},
                       "then": {"properties": {"scenario": {"anyOf": [{"enum": sorted(scenario_slugs(m))}, {"type": "null"}]}
                                               if scenario_slugs(m) else {"type": "null"}}}} for mid, m in sorted(lists.items())]
    components["Approval"]["allOf"] = [
        {"if": {"required": ["extension_applied_on"], "properties": {"extension_applied_on": {"type": "string"}}},
         "then": {"properties": {"mechanism": {"const": "security_assessment"}}}},
        {"anyOf": [{"required": [day], "properties": {day: {"type": "string"}}} for day in ("issued_on", "effective_on")]}]
    country = components["Recipient"]["properties"]["country"]
    country["enum"] = [c.code for c in sorted(default_countries().all(), key=lambda c: c.code)]
    country["description"] += " (The server also takes a country's name, 新加坡 or Singapore, and stores its code.)"


def _truthful_bodies(doc: dict[str, Any], pack: Any) -> None:
    """`as_of` in optional request bodies: no earlier than the rule pack covers."""
    for ops in doc.get("paths", {}).values():
        for op in ops.values():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            if "as_of" in body.get("properties", {}) and "$ref" not in body:
                body["properties"]["as_of"]["pattern"] = day_at_least(pack.meta.earliest_as_of)


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
    """The profile as the request body; examples are valid profiles only (a refused one is shown with the 422)."""
    valid = {name: e for name, e in examples().items() if "-bad-" not in name}
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": PROFILE_REF, "examples": valid}}}}


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
            pack = getattr(getattr(app.state, "advisor", None), "pack", None)
            if pack is not None:  # (a test's stand-in advisor has none)
                _truthful_profile(components, pack)
                _truthful_bodies(doc, pack)
            for name in ("Profile", *schema_names(components["Profile"], components)):
                _no_control_characters(components[name])
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]
