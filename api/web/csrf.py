"""The help-desk page's POSTs (the enquiry form, answers): CSRF token + Origin check, and a rate limit.

Token: double submit, signed. A GET of a page sets the cookie `advisor_csrf` (a random nonce, HttpOnly,
SameSite=Lax); each form carries `csrf_token` = nonce + HMAC(server secret, nonce). A POST is accepted
only when the token's signature is good and its nonce is the cookie's: another site can neither read the
cookie nor forge the signature. When the browser sends Origin (or else Referer), its host must be this
server's host. The secret is made once per database (shared by every worker and host).

Rate limit, in each worker process (429): at most `per_minute` POSTs a minute from one browser (its CSRF
cookie), and at most `per_address` a minute from one client address — so that the terminals of one help desk
behind one address (NAT, a proxy) do not share one browser's allowance, while a script that fetches a new
cookie for every POST still meets the address limit.

Templates call `{{ csrf_field(request) }}` (registered on the page's Jinja environment by install()).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from markupsafe import Markup

from advisor_api.limits import replaying

COOKIE = "advisor_csrf"
FIELD = "csrf_token"
_NOT_PAGE = ("/v1/", "/healthz", "/openapi.json", "/docs", "/redoc", "/static/")
REFUSED = ("<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>{zh_title}</title>"
           "<link rel=\"stylesheet\" href=\"/static/style.css\"><main><h1>{zh_title}</h1><p>{zh}</p>"
           "<p lang=\"en\">{en}</p><p><a href=\"/\">返回表单 / Back to the form</a></p></main></html>")


def sign(secret: str, nonce: str) -> str:
    return nonce + "." + hmac.new(secret.encode(), nonce.encode(), hashlib.sha256).hexdigest()[:40]


def valid(secret: str, token: str, cookie: str | None) -> bool:
    nonce, _, _ = token.partition(".")
    return bool(cookie) and hmac.compare_digest(nonce, cookie or "") and hmac.compare_digest(sign(secret, nonce), token)


def field(request: Any) -> Markup:
    """The hidden form field; empty when the guard is not installed (a page app on its own)."""
    state = request.scope.get("state", {})
    nonce, secret = state.get("csrf_nonce"), state.get("csrf_secret")
    if not nonce or not secret:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, sign(secret, nonce))


def install(templates: Any) -> None:
    templates.env.globals["csrf_field"] = field


def _cookie(headers: dict[bytes, bytes]) -> str | None:
    for part in headers.get(b"cookie", b"").decode("latin-1").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value.isalnum() and len(value) == 32:
            return value
    return None


class PageGuard:
    def __init__(self, app: Any, secret: Callable[[], str | None], per_minute: int, per_address: int | None = None) -> None:
        self.app, self.secret, self.per_minute = app, secret, per_minute
        self.per_address = per_address if per_address is not None else per_minute * 10
        self._hits: dict[tuple[str, str], deque[float]] = {}

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        secret = self.secret() if scope["type"] == "http" else None
        if secret is None or scope["path"].startswith(_NOT_PAGE):
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        nonce = _cookie(headers)
        if scope["method"] == "POST":
            if problem := self._refuse_origin(headers):
                return await _refuse(send, 403, *problem)
            if wait := self._over_limit(scope, nonce):
                return await _refuse(send, 429, "请稍后再试", f"提交过于频繁，请 {wait} 秒后再试。",
                                     f"Too many submissions; try again in {wait} seconds.",
                                     [(b"retry-after", str(wait).encode())])
            body, receive = await _read(receive)
            form = dict(parse_qsl(body.decode("utf-8", "replace"))) if headers.get(b"content-type", b"").startswith(
                b"application/x-www-form-urlencoded") else {}
            if not valid(secret, form.get(FIELD, ""), nonce):
                return await _refuse(send, 403, "表单已过期", "表单已过期或并非来自本网站，请返回表单重新提交。",
                                     "This form has expired or did not come from this site; go back to the form "
                                     "and submit it again.")
        new = nonce is None
        nonce = nonce or secrets.token_hex(16)
        scope.setdefault("state", {}).update(csrf_nonce=nonce, csrf_secret=secret)
        if not new:
            return await self.app(scope, receive, send)
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        cookie = f"{COOKIE}={nonce}; Path=/; HttpOnly; SameSite=Lax{secure}".encode()

        async def send_cookie(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
            await send(message)

        await self.app(scope, receive, send_cookie)

    @staticmethod
    def _refuse_origin(headers: dict[bytes, bytes]) -> tuple[str, str, str] | None:
        host = headers.get(b"host", b"").decode("latin-1").lower()
        refused = ("来源不符", "此提交来自其他网站，已拒绝。", "This submission came from another site and was refused.")
        if headers.get(b"sec-fetch-site", b"same-origin") not in (b"same-origin", b"none"):
            return refused
        for name in (b"origin", b"referer"):
            value = headers.get(name)
            if value is None:
                continue
            seen = urlsplit(value.decode("latin-1")).netloc.lower() if value != b"null" else "null"
            return refused if seen != host else None
        return None

    def _over_limit(self, scope: dict, nonce: str | None) -> int:
        """Seconds to wait, or 0: the browser's limit and the address's, each over the last minute."""
        now = time.monotonic()
        keys = [(("address", (scope.get("client") or ("?",))[0]), self.per_address)]
        if nonce is not None:
            keys.append((("browser", nonce), self.per_minute))
        else:  # no cookie yet (a first POST): the browser limit applies to the address
            keys.append((("browser", "address:" + keys[0][0][1]), self.per_minute))
        wait = 0
        for key, limit in keys:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - 60:
                hits.popleft()
            if len(hits) >= limit:
                wait = max(wait, max(1, int(60 - (now - hits[0])) + 1))
        if wait:
            return wait
        for key, _limit in keys:
            self._hits[key].append(now)
        if len(self._hits) > 10_000:  # forget quiet clients
            for k in [k for k, v in self._hits.items() if not v or v[-1] <= now - 60]:
                del self._hits[k]
        return 0


async def _read(receive: Any) -> tuple[bytes, Any]:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks), replaying(b"".join(chunks), receive)


async def _refuse(send: Any, status: int, zh_title: str, zh: str, en: str,
                  extra: list[tuple[bytes, bytes]] | None = None) -> None:
    from html import escape

    page = REFUSED.format(zh_title=escape(zh_title), zh=escape(zh), en=escape(en)).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(page)).encode()),
        *(extra or [])]})
    await send({"type": "http.response.body", "body": page})
