"""Every error in one JSON shape, never a stack trace:

    {"error": {"status": 422, "type": "invalid_profile", "message": "...",
               "errors": [{"field": "transfers.0.personal_info_subjects", "message": "...", "value": -5}]}}
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic_core import to_jsonable_python
from starlette.exceptions import HTTPException as StarletteHTTPException

from advisor.errors import ProfileError

log = logging.getLogger("api")

TYPES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "body_too_large",
         415: "unsupported_media_type", 422: "invalid_request", 500: "internal_error", 501: "not_implemented",
         503: "unavailable"}


class ApiError(Exception):
    def __init__(self, status: int, message: str, type: str | None = None,
                 errors: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers
        self.type = type or TYPES.get(status, "error")
        self.errors = errors or []


def body(status: int, type: str, message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": {"status": status, "type": type, "message": message,
                      "errors": to_jsonable_python(errors or [], fallback=repr)}}


def respond(status: int, type: str, message: str, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body(status, type, message, errors), status_code=status, headers=headers)


def profile_error_body(err: ProfileError) -> dict[str, Any]:
    return body(422, "invalid_profile", str(err), [e.as_dict() for e in err.errors])


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return respond(exc.status, exc.type, exc.message, exc.errors, exc.headers)

    @app.exception_handler(ProfileError)
    async def _profile(_: Request, exc: ProfileError) -> JSONResponse:
        return JSONResponse(profile_error_body(exc), status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": _field(e.get("loc", ())), "message": e.get("msg", "invalid"), "value": e.get("input")}
                  for e in exc.errors()]
        message = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return respond(422, "invalid_request", message, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return respond(exc.status_code, TYPES.get(exc.status_code, "error"), str(exc.detail),
                       headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return respond(500, "internal_error", "internal error; the server log has the details")
