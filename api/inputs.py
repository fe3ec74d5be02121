"""Request bodies: only UTF-8 `application/json`, parsed strictly, then checked for what JSON allows but
no profile may hold. Every refusal names the field path.

    - content type other than application/json (charset, if given, utf-8)  → 415
    - not UTF-8, not JSON, empty                                           → 400
    - duplicate keys, lone surrogates, control characters, nesting over MAX_DEPTH → 422 with the path
"""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from advisor_api.errors import ApiError, safe_text

MAX_DEPTH = 32  # a profile is 4-5 levels deep; anything far deeper is not one
# C0 (except tab, newline, carriage return), DEL, C1, and lone surrogates are refused in every string;
# tab and line breaks, bidi overrides and line/paragraph separators also in every string that is not
# free text (names, ids, codes), since they land in calendar names, report headings and file names.
_BAD_ANYWHERE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_IN_NAMES = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
FREE_TEXT = frozenset({"description", "notes", "note", "comment"})


class _DupDict(dict):  # type: ignore[type-arg]
    duplicates: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    dups: list[str] = []
    for k, v in pairs:
        if k in out:
            dups.append(k)
        out[k] = v
    if not dups:
        return out
    marked = _DupDict(out)
    marked.duplicates = dups
    return marked


def check_content_type(value: str | None) -> None:
    if not value:
        raise ApiError(415, "send the body as JSON with 'Content-Type: application/json'",
                       errors=[{"field": "header.content-type", "message": "missing", "value": None}])
    mime, _, params = value.partition(";")
    charset = None
    for p in params.split(";"):
        name, _, v = p.strip().partition("=")
        if name.lower() == "charset":
            charset = v.strip().strip('"').lower()
    if mime.strip().lower() != "application/json" or charset not in (None, "utf-8", "utf8"):
        raise ApiError(415, f"unsupported content type {safe_text(value)[:100]!r}: only application/json in UTF-8",
                       errors=[{"field": "header.content-type", "message": "not application/json (UTF-8)",
                                "value": safe_text(value)[:100]}])


def parse_json(raw: bytes) -> Any:
    """Strict UTF-8 JSON; 400 for what does not parse."""
    if not raw.strip():
        raise ApiError(400, "empty request body: send a JSON object", "malformed_json")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ApiError(400, f"request body is not UTF-8 text: {err.reason} at byte {err.start}",
                       "malformed_json") from None
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=_pairs)
    except json.JSONDecodeError as err:
        raise ApiError(400, f"malformed JSON at line {err.lineno} column {err.colno}: {err.msg}",
                       "malformed_json") from None
    except RecursionError:
        raise ApiError(400, "malformed JSON: nested too deeply", "malformed_json") from None
    except ValueError as err:
        raise ApiError(400, f"malformed JSON: {err}", "malformed_json") from None


def problems(value: Any, root: str = "") -> list[dict[str, Any]]:
    """Every field of `value` that no profile may hold, as {"field", "message", "value"} (iterative walk)."""
    out: list[dict[str, Any]] = []
    stack: list[tuple[Any, str, str | None, int]] = [(value, root, None, 0)]
    while stack:
        v, path, key, depth = stack.pop()
        if isinstance(v, str):
            pattern = _BAD_ANYWHERE if key in FREE_TEXT else _BAD_IN_NAMES
            if m := pattern.search(v):
                out.append(_problem(path, _what(m.group()), v))
            continue
        if not isinstance(v, dict | list):
            continue
        if depth >= MAX_DEPTH:
            out.append({"field": path or "(body)", "message": f"nested deeper than {MAX_DEPTH} levels", "value": None})
            continue
        if isinstance(v, _DupDict):
            out.extend(_problem(_join(path, k), "duplicate key", None) for k in v.duplicates)
        items = v.items() if isinstance(v, dict) else enumerate(v)
        for k, child in items:
            if isinstance(k, str) and _BAD_IN_NAMES.search(k):
                out.append(_problem(_join(path, k), "control character or lone surrogate in a key", None))
                continue
            stack.append((child, _join(path, k), k if isinstance(k, str) else key, depth + 1))
    return sorted(out, key=lambda p: p["field"])


def refuse(found: list[dict[str, Any]], type: str = "invalid_request") -> ApiError:
    message = "; ".join(f"{p['field']}: {p['message']}" for p in found[:10])
    return ApiError(422, message, type, found)


def _what(ch: str) -> str:
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return f"lone surrogate U+{code:04X} (not valid Unicode text)"
    return f"control character U+{code:04X} is not allowed here"


def _problem(path: str, message: str, value: Any) -> dict[str, Any]:
    return {"field": path or "(body)", "message": message, "value": None if value is None else safe_text(value)[:200]}


def _join(path: str, key: Any) -> str:
    part = safe_text(str(key))
    return f"{path}.{part}" if path else part


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number {text} is out of range")
    return value


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(value: Any, field: str) -> dt.date | None:
    """A calendar day written YYYY-MM-DD, nothing else (no 20261127, no week dates, no timestamps); 422 naming
    `field` (e.g. "query.before", "body.as_of") otherwise. None stays None."""
    if value is None:
        return None
    if isinstance(value, str) and _DAY.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    shown = safe_text(value)[:40] if isinstance(value, str) else value if isinstance(value, int | float) else None
    raise ApiError(422, f"{field.split('.', 1)[-1]}: not a calendar date (YYYY-MM-DD)",
                   errors=[{"field": field, "message": "not a calendar date (YYYY-MM-DD)", "value": shown}])
