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


def service_info() -> dict[str, str]:
    """The service and office named on the printout: ADVISOR_HELPDESK_SERVICE, ADVISOR_HELPDESK_OFFICE
    (e.g. "上海市浦东新区企业服务中心 3号窗口"); empty means the page's own title only."""
    import os

    return {"service": os.environ.get("ADVISOR_HELPDESK_SERVICE", "").strip(),
            "office": os.environ.get("ADVISOR_HELPDESK_OFFICE", "").strip()}


def own_region(request: Request, result: dict[str, Any]) -> Any:
    """A test: does measure ``mid`` serve the company's own region (its place or one of its zones)?"""
    company = result.get("company") or {}
    code = (company.get("region") or {}).get("code") if isinstance(company.get("region"), dict) else None
    zones = set(company.get("zones") or [])
    try:
        from advisor.profile_io import place_codes
        from advisor.regions import default_gazetteer

        place = default_gazetteer().get(code) if code else None
        codes = set(place_codes(place)) if place else set()
        by_id = advisor(request).pack.catalogue.by_id
    except Exception:  # noqa: BLE001 - without the catalogue no contact is shown: never another region's
        return lambda _mid: False

    gz = default_gazetteer()
    province = place.ancestors[-1] if place else None

    def test(mid: str) -> bool:  # a measure of the company's own province only (never a nationwide one's phone)
        m = by_id.get(mid)
        if m is None or m.where.national or province is None:
            return False
        provinces = {gz.get(c).ancestors[-1] for c in m.where.regions if gz.get(c)}
        provinces |= {gz.zone(z).province for z in m.where.zones}
        mine = bool(codes & set(m.where.regions)) or bool(zones & set(m.where.zones))
        return mine and provinces == {province}
    return test


def subsidies(request: Request, result: dict[str, Any]) -> list[dict[str, Any]]:
    """Subsidies of the company's place in force on the assessment's date (shown whether or not the
    assessment matched them to a need)."""
    company = result.get("company") or {}
    code = (company.get("region") or {}).get("code") if isinstance(company.get("region"), dict) else None
    if not code:
        return []
    import datetime as dt

    try:
        when = dt.date.fromisoformat(str(result.get("as_of"))) if result.get("as_of") else None
        rows = advisor(request).measures(region=code, as_of=when)
    except Exception:  # noqa: BLE001 - the result page stays usable without the catalogue
        return []
    return [m for m in rows if "subsidy" in (m.get("types") or [m.get("type")])]


def qr_svg(url: str) -> str:
    """A QR code of ``url`` as inline SVG (segno), for the printout."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=3, dark="#000", light="#fff", omitsize=False)
