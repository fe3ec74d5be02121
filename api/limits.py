"""Request bodies over the limit get 413 before any route reads them (pure ASGI, cheap when small)."""
from __future__ import annotations

from typing import Any

from advisor_api.errors import body as error_body
from advisor_api.storage.assessments import dumps

_NO_BODY = {"GET", "HEAD", "OPTIONS", "DELETE"}


class BodyLimit:
    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in _NO_BODY:
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                return await _reply(send, 400, "bad_request", f"invalid Content-Length {declared.decode(errors='replace')!r}")
            if int(declared) > self.max_bytes:
                return await self._too_large(send, int(declared))
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return await self._too_large(send, size)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, replaying(b"".join(chunks), receive), send)

    async def _too_large(self, send: Any, size: int) -> None:
        await _reply(send, 413, "body_too_large",
                     f"request body of {size} bytes or more is over the limit of {self.max_bytes} bytes")


def replaying(data: bytes, receive: Any) -> Any:
    """A `receive` that gives the already-read body once, then defers to the real one."""
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": data, "more_body": False}
        return await receive()

    return replay


async def _reply(send: Any, status: int, type: str, message: str) -> None:
    payload = dumps(error_body(status, type, message)).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": payload})
