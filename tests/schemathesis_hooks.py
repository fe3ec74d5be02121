"""Schemathesis hooks: generated profiles keep the cross-field rules that JSON Schema cannot state.

The OpenAPI document states every rule it can (api/openapi.py). Four rules it cannot: a credit code's check
character (GB 32100-2015), transfer ids unique within a profile, each approval naming one of the profile's
transfers (an extension applied for on or after the result), and de-duplicated totals lying between the
largest counted transfer and the sum. The server refuses a profile breaking them with 422 naming the field,
so a schema-valid profile that breaks one is not "valid data": these hooks repair the profiles schemathesis
generates in positive mode, and leave negative ones alone.

Loaded by `st run` through schemathesis.toml at the project root, and by tests/api/test_api_schemathesis.py.
"""
from __future__ import annotations

import re
from typing import Any

import schemathesis

from advisor.models.credit_code import PATTERN, check_character

_CODE = re.compile(PATTERN)


def repair_profile(profile: Any) -> None:
    if not isinstance(profile, dict):
        return
    company = profile.get("company")
    if isinstance(company, dict):
        code = company.get("credit_code")
        if isinstance(code, str) and _CODE.match(code):
            first = code.strip(" ").upper()[:17]
            company["credit_code"] = first + check_character(first)
        if company.get("unique_subjects") is not None:  # its bounds need the decision of which transfers count
            company["unique_subjects"] = None
    transfers = profile.get("transfers") if isinstance(profile.get("transfers"), list) else []
    seen: set[str] = set()
    for i, t in enumerate(transfers):
        if isinstance(t, dict) and isinstance(t.get("id"), str):
            while t["id"] in seen:
                t["id"] = f"{t['id'][:90]}-{i}"
            seen.add(t["id"])
    ids = [t["id"] for t in transfers if isinstance(t, dict) and isinstance(t.get("id"), str)]
    approvals = profile.get("approvals")
    if isinstance(approvals, list):
        if not ids:
            profile["approvals"] = []
            return
        for i, a in enumerate(approvals):
            if isinstance(a, dict):
                a["transfer"] = ids[i % len(ids)]
                start = a.get("issued_on") or a.get("effective_on")
                ext = a.get("extension_applied_on")
                if isinstance(start, str) and isinstance(ext, str) and ext < start:
                    a["extension_applied_on"] = start


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    meta = getattr(case, "meta", None)
    positive = meta is None or meta.generation.mode.is_positive
    if positive and case.method.upper() == "POST" and isinstance(case.body, dict):
        if case.path == "/v1/assessments":
            repair_profile(case.body)
        elif case.path == "/v1/assessments:batch" and isinstance(case.body.get("profiles"), list):
            for p in case.body["profiles"]:
                repair_profile(p)
    return case
