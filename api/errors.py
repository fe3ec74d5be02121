"""Every error in one JSON shape, never a stack trace:

    {"error": {"status": 422, "type": "invalid_profile", "message": "...", "request_id": "...",
               "errors": [{"field": "transfers.0.personal_info_subjects", "message": "...", "value": -5}]}}

Echoed values are made safe first (lone surrogates and control characters escaped, long text cut,
deep or long containers summarised), so that building an error can never fail. Each error is logged
as one line with the request id and the field paths: never the body, never a value, never a token.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from advisor.errors import ProfileError

log = logging.getLogger("api")

TYPES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "body_too_large",
         415: "unsupported_media_type", 422: "invalid_request", 429: "too_many_requests", 500: "internal_error",
         501: "not_implemented", 503: "unavailable"}
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
MAX_TEXT = 200


class ApiError(Exception):
    def __init__(self, status: int, message: str, type: str | None = None,
                 errors: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers
        self.type = type or TYPES.get(status, "error")
        self.errors = errors or []


def safe_text(s: str) -> str:
    """`s` with lone surrogates and control characters written as escapes (safe to encode, echo and log)."""
    return s if _UNSAFE.search(s) is None else _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", s)


def safe_value(v: Any, depth: int = 0) -> Any:
    """A JSON-able, bounded copy of an echoed value."""
    if v is None or isinstance(v, bool | float):
        return v
    if isinstance(v, int):
        return v if abs(v) < 2**63 else str(v)[:MAX_TEXT]
    if isinstance(v, str):
        s = safe_text(v)
        return s if len(s) <= MAX_TEXT else s[:MAX_TEXT] + "…"
    if isinstance(v, dict | list | tuple):
        if depth >= 2:
            return f"({type(v).__name__} of {len(v)})"
        if isinstance(v, dict):
            return {safe_text(str(k))[:MAX_TEXT]: safe_value(x, depth + 1) for k, x in list(v.items())[:20]}
        return [safe_value(x, depth + 1) for x in list(v)[:20]]
    return safe_text(repr(v))[:MAX_TEXT]


def _cut(s: str, n: int) -> str:
    return s if len(s) <= n else s[:n] + "…"


def _clean(errors: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [{"field": safe_text(str(e.get("field", ""))), "message": safe_text(str(e.get("message", ""))),
             "value": safe_value(e.get("value"))} for e in errors or []]


def body(status: int, type: str, message: str, errors: list[dict[str, Any]] | None = None,
         request_id: str | None = None) -> dict[str, Any]:
    detail: dict[str, Any] = {"status": status, "type": type, "message": _cut(safe_text(message), 2000), "errors": _clean(errors)}
    if request_id:
        detail["request_id"] = request_id
    return {"error": detail}


def request_id(request: Request | None) -> str | None:
    return None if request is None else request.scope.get("state", {}).get("request_id")


def log_error(request: Request | None, status: int, type: str, errors: list[dict[str, Any]] | None = None,
              note: str = "") -> None:
    """One line per error: request id, method, path (no query), status, type, field paths."""
    fields = ",".join(safe_text(str(e.get("field", "")))[:100] for e in (errors or [])[:20])
    from advisor_api.middleware import redact  # tokens in a path (a feed's) never reach the log

    where = f"{request.method} {redact(safe_text(request.url.path))[:200]}" if request is not None else "-"
    (log.error if status >= 500 else log.info)(
        "request_id=%s %s status=%d type=%s fields=%s%s", request_id(request) or "-", where, status, type,
        fields or "-", f" {note}" if note else "")


def respond(status: int, type: str, message: str, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None, request: Request | None = None) -> JSONResponse:
    log_error(request, status, type, errors)
    return JSONResponse(body(status, type, message, errors, request_id(request)), status_code=status, headers=headers)


def profile_error_body(err: ProfileError, request: Request | None = None) -> dict[str, Any]:
    return body(422, "invalid_profile", str(err), [e.as_dict() for e in err.errors], request_id(request))


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        return respond(exc.status, exc.type, exc.message, exc.errors, exc.headers, request)

    @app.exception_handler(ProfileError)
    async def _profile(request: Request, exc: ProfileError) -> JSONResponse:
        errors = [e.as_dict() for e in exc.errors]
        return respond(422, "invalid_profile", str(exc), errors, request=request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": _field(e.get("loc", ())), "message": e.get("msg", "invalid"), "value": e.get("input")}
                  for e in exc.errors()]
        message = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return respond(422, "invalid_request", message, errors, request=request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:  # Starlette names only the first matching route's methods
            headers = {**(headers or {}), "Allow": ", ".join(_allowed(request))}
        return respond(exc.status_code, TYPES.get(exc.status_code, "error"), str(exc.detail),
                       headers=headers, request=request)


def _allowed(request: Request) -> list[str]:
    """The methods the OpenAPI document gives for every path template the request's path matches."""
    best, methods = -1, set()
    for template, ops in request.app.openapi().get("paths", {}).items():
        if re.fullmatch(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)), request.url.path):
            literal = len(re.sub(r"\{[^/]+?\}", "", template))  # the most specific template wins
            found = {m.upper() for m in ops if m in ("get", "post", "put", "patch", "delete")}
            if literal > best:
                best, methods = literal, found
            elif literal == best:
                methods |= found
    return sorted(methods)
