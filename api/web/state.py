"""What the pages use from the app: the loaded advisor, the assessment store, the renderer, the gazetteer.

Each is taken from ``app.state`` (set by api/main.py) where it is there; otherwise a fallback keeps the
page usable on its own: an in-memory store, and an advisor loaded once on first use.
"""
from __future__ import annotations

import threading
import uuid
from typing import Any

from fastapi import Request

OWNER = "helpdesk"  # page assessments are stored under this owner and only read back with it
_lock = threading.Lock()


class MemoryStore:
    """The store's interface (create / get), kept in memory: for a page app without api/main.py."""

    def __init__(self) -> None:
        self._rows: dict[str, dict[str, Any]] = {}

    def create(self, profile: dict[str, Any], result: dict[str, Any], owner: str | None = None,
               idempotency_key: str | None = None) -> dict[str, Any]:
        row = {**result, "id": uuid.uuid4().hex}
        self._rows[row["id"]] = {"owner": owner, "row": row}
        return row

    def get(self, rid: str, owner: str | None = None) -> dict[str, Any] | None:
        hit = self._rows.get(rid)
        return hit["row"] if hit and hit["owner"] == owner else None


def advisor(request: Request) -> Any:
    st = request.app.state
    with _lock:
        if getattr(st, "advisor", None) is None:
            from advisor.service import Advisor
            st.advisor = Advisor.load()
    return st.advisor


def store(request: Request) -> Any:
    st = request.app.state
    if getattr(st, "page_store", None) is not None:  # the app's store for page records (never read through /v1)
        return st.page_store
    with _lock:
        if getattr(st, "store", None) is None:
            st.store = MemoryStore()
    return st.store


def render(request: Request, result: dict[str, Any], fmt: str, lang: str) -> str | bytes:
    """advisor.render.render, or a replacement put on app.state.render (tests)."""
    fn = getattr(request.app.state, "render", None)
    if fn is None:
        from advisor.render import render as fn
    return fn(result, fmt, lang)


def search_places(request: Request, query: str, limit: int) -> list[dict[str, Any]]:
    fn = getattr(request.app.state, "place_search", None)
    if fn is None:
        try:
            from advisor.regions import default_gazetteer
        except ImportError:
            return []
        fn = default_gazetteer().search
    return [_place(p) for p in fn(query, limit)]


def _place(p: Any) -> dict[str, Any]:
    keys = ("code", "zh", "en", "level", "full_zh", "full_en")
    if isinstance(p, dict):
        return {k: p.get(k) for k in keys}
    return {k: getattr(p, k, None) for k in keys}
