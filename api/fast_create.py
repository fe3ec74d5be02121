"""POST /v1/assessments on its fast path (pure ASGI): the plain request that will succeed is answered here,
without FastAPI's routing, dependency solving and thread-pool hop (most of a request's cost once the
database commit is shared; see bench/api_create.py).

Only a request with nothing unusual is taken: no query but `lang=zh|en`, no Idempotency-Key, no FastAPI
dependency overrides in force, a caller the route's own dependencies accept (the same `get_owner`), a JSON
body that the route's own checks accept, a profile the advisor assesses. Everything else — every refusal of any kind, every Idempotency-Key —
is handed on untouched to the FastAPI route (`routes/assessments.py`), which answers it exactly as it
always has. So the fast path never writes an error; it can only answer what the route would have
answered with 201, and it answers it the same way (same body, same headers, same stored row: one
function, `create_one`, makes both). tests/api/test_api_fast_create.py holds both paths side by side.
"""
from __future__ import annotations

from typing import Any

import anyio.to_thread
from starlette.requests import Request

from advisor.errors import ProfileError
from advisor_api.deps import _bearer, get_owner
from advisor_api.errors import ApiError
from advisor_api.inputs import check_content_type, parse_json, problems
from advisor_api.limits import replaying

PATH = "/v1/assessments"
LANG = {b"": None, b"lang=zh": "zh", b"lang=en": "en"}
INLINE_BYTES = 16 * 1024  # a profile this small is assessed on the event loop (~0.1 ms); larger in a thread


class FastCreate:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.answered = 0  # requests this path answered itself (tests look)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH:
            return await self.app(scope, receive, send)
        body = b""
        while True:
            message = await receive()
            if message["type"] != "http.request":  # client went away: let the route see it
                return await self.app(scope, replaying(body, receive), send)
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        if not await self._answer(scope, body, send):
            await self.app(scope, replaying(body, receive), send)

    async def _answer(self, scope: dict, body: bytes, send: Any) -> bool:
        """Answer with 201 and return True, or return False (nothing sent) for the route to answer."""
        from advisor_api.routes.assessments import create_one

        app = scope["app"]
        state = app.state
        store, advisor = getattr(state, "store", None), getattr(state, "advisor", None)
        lang = LANG.get(scope["query_string"], False)
        if store is None or advisor is None or lang is False or app.dependency_overrides:
            return False  # not started yet, an unusual query, or dependencies replaced (tests): the route
        request = Request(scope)
        if "idempotency-key" in request.headers:
            return False
        try:
            owner = await get_owner(request, await _bearer(request))
            check_content_type(request.headers.get("content-type"))
            profile = parse_json(body)
            if not isinstance(profile, dict) or problems(profile):
                return False
            lang = lang or state.settings.default_lang
            if len(body) <= INLINE_BYTES:
                row, saved = create_one(advisor, store, profile, lang, owner)
            else:
                row, saved = await anyio.to_thread.run_sync(create_one, advisor, store, profile, lang, owner)
        except (ApiError, ProfileError):
            return False
        await store.insert_async([row])  # acknowledged below only once committed
        payload = saved.body.encode()
        await send({"type": "http.response.start", "status": 201, "headers": [
            (b"location", f"{PATH}/{saved.id}".encode()), (b"content-length", str(len(payload)).encode()),
            (b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": payload})
        self.answered += 1
        return True
