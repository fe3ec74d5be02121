"""Outermost request handling (pure ASGI): a request id, security headers on every response, and a last
catch that answers an unexpected exception with a JSON 500 (logged as one line, connection kept open).

Starlette's own error middleware re-raises after answering, which makes uvicorn drop the keep-alive
connection; this one does not re-raise.
"""
from __future__ import annotations

import logging
import re
import traceback
import uuid
from typing import Any

from advisor_api.errors import body as error_body
from advisor_api.storage.assessments import dumps

log = logging.getLogger("api")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# The page's own assets: one stylesheet and one script from /static, nothing inline, no framing.
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# Swagger UI / ReDoc (FastAPI's /docs, /redoc) start from an inline script.
DOCS_CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
            "connect-src 'self'; font-src 'self' https://fonts.gstatic.com; worker-src blob:; base-uri 'none'; "
            "frame-ancestors 'none'")
API_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_PATHS = ("/docs", "/redoc")


def security_headers(path: str, content_type: bytes) -> list[tuple[bytes, bytes]]:
    if path.startswith(DOCS_PATHS):
        csp = DOCS_CSP
    elif content_type.startswith(b"text/html"):
        csp = PAGE_CSP
    else:
        csp = API_CSP
    out = [(b"content-security-policy", csp.encode()), (b"x-content-type-options", b"nosniff"),
           (b"x-frame-options", b"DENY"), (b"referrer-policy", b"same-origin"),
           (b"cross-origin-opener-policy", b"same-origin")]
    if path.startswith("/v1/") or path.startswith("/result"):
        out.append((b"cache-control", b"no-store"))  # assessments hold what a company said about itself
    return out


class Guard:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _CLIENT_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        started = False

        async def send_with_headers(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                extra = [(k, v) for k, v in security_headers(scope["path"], ctype) if k not in names]
                message = {**message, "headers": headers + extra + [(b"x-request-id", rid.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:  # noqa: BLE001 - the last catch: answer, log one line, keep the connection
            frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
            where = f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno}" if frame else "?"
            log.error("request_id=%s %s %s status=500 type=internal_error exception=%s at %s", rid, scope["method"],
                      redact(scope["path"][:200]), type(exc).__name__, where)
            if started:
                raise  # part of a response is out: nothing sane to add
            payload = dumps(error_body(500, "internal_error", "internal error; the server log has the details "
                                       "(quote the request id)", request_id=rid)).encode()
            await send_with_headers({"type": "http.response.start", "status": 500, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
            await send({"type": "http.response.body", "body": payload})


_TOKEN = re.compile(r"adv_[A-Za-z0-9_\-]{8,}")
_FEED = re.compile(r"/feeds/[^/?#\s]+")  # the calendar-feed token in /v1/feeds/{token}/deadlines.ics (portfolio)
_SECRET_PARAM = re.compile(r"(?i)((?:^|[?&;])(?:token|key|api_key|apikey|access_token|authorization|csrf_token)=)[^&;\s]*")


def redact(text: str) -> str:
    """Tokens out of a logged path: adv_… keys anywhere, and the values of token-like query parameters."""
    return _SECRET_PARAM.sub(r"\1[redacted]", _FEED.sub("/feeds/[redacted]", _TOKEN.sub("adv_[redacted]", text)))


class RedactTokens(logging.Filter):
    """On uvicorn's access log: the request line's path and query never show a token."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            args[2] = redact(str(args[2]))
            record.args = tuple(args)
        return True


def install_log_redaction() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokens) for f in access.filters):
        access.addFilter(RedactTokens())
