"""The caller's portfolio as a whole: one table of every transfer (CSV, XLSX) and one calendar of every
upcoming deadline (JSON, iCalendar). Rows and escaping: advisor/portfolio.py; only the caller's own
assessments are read (tenancy as for GET /v1/assessments)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response

from advisor.impact import compare
from advisor.portfolio import COLUMNS, HEADERS, deadline_rows, safe_cell, transfer_rows
from advisor_api.deps import AdvisorDep, KeysDep, LangDep, OptionalJsonBody, OwnerDep, StoreDep, day_query, known_query
from advisor_api.errors import ApiError
from advisor_api.inputs import parse_day
from advisor_api.jobs.models import CSV_EXAMPLE, DEADLINES_EXAMPLE, ICS_EXAMPLE, FeedToken, example
from advisor_api.routes.assessments import not_found
from advisor_api.schemas import as_of_body, errors

router = APIRouter(prefix="/v1", tags=["portfolio"], dependencies=[Depends(known_query)])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = 200


def _records(store: Any, owner: str | None) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(listing row, stored assessment) for every assessment of the caller, newest first, page by page."""
    cursor = None
    while True:
        rows, cursor = store.list(owner, limit=PAGE, cursor=cursor)
        for row in rows:
            body = store.get_body(row["id"], owner)
            if body is not None:  # erased between the listing and the read
                yield row, json.loads(body)
        if cursor is None:
            return


def _table(store: Any, owner: str | None, lang: str) -> list[list[str]]:
    out = [list(HEADERS[lang])]
    for row, a in _records(store, owner):
        for r in transfer_rows(a, lang, record_id=row["id"], created_at=row["created_at"]):
            out.append([safe_cell(r[c]) for c in COLUMNS])
    return out


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/assessments.csv", response_class=Response,
            responses={200: example("text/csv", CSV_EXAMPLE, "One row per transfer, UTF-8 with BOM"),
                       **errors(401, 403, 422)})
def portfolio_csv(owner: OwnerDep, store: StoreDep, lang: LangDep) -> Response:
    """Every transfer of the caller's stored assessments: company, place, route, exemption, options, next
    deadline, open questions that can change the outcome, assessment id and dates. Cells that a spreadsheet
    would run as a formula are quoted.

    Example: `curl -H "Authorization: Bearer $KEY" http://127.0.0.1:8000/v1/assessments.csv?lang=en -o portfolio.csv`"""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(_table(store, owner, lang))
    return Response(("\ufeff" + buf.getvalue()).encode(), media_type="text/csv; charset=utf-8",
                    headers=_attachment("assessments.csv"))


@router.get("/assessments.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "One row per transfer"}, **errors(401, 403, 422)})
def portfolio_xlsx(owner: OwnerDep, store: StoreDep, lang: LangDep) -> Response:
    """The same table as assessments.csv, as an Excel workbook (every cell text, never a formula).

    Example: `curl -H "Authorization: Bearer $KEY" http://127.0.0.1:8000/v1/assessments.xlsx -o portfolio.xlsx`"""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "assessments" if lang == "en" else "评估"
    for cells in _table(store, owner, lang):
        ws.append(cells)
        for cell in ws[ws.max_row]:
            cell.data_type = "s"  # text, whatever it looks like
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return Response(buf.getvalue(), media_type=XLSX, headers=_attachment("assessments.xlsx"))


Before = Annotated[str | None, day_query("Only deadlines before this day (YYYY-MM-DD).", "2027-06-30")]


def _before(value: str | None) -> dt.date | None:
    return parse_day(value, "query.before")


def _deadlines(store: Any, owner: str | None, lang: str, before: dt.date | None) -> list[dict[str, Any]]:
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()  # Asia/Shanghai has no DST
    out: list[dict[str, Any]] = []
    for row, a in _records(store, owner):
        out += deadline_rows(a, lang, record_id=row["id"], before=before, today=today)
    return sorted(out, key=lambda d: (d["date"], d["company"], d["uid"]))


@router.get("/deadlines", response_model=None,
            responses={200: example("application/json", DEADLINES_EXAMPLE,
                                    "Every upcoming deadline of the caller's assessments, soonest first"),
                       **errors(401, 403, 422)})
def portfolio_deadlines(owner: OwnerDep, store: StoreDep, lang: LangDep, before: Before = None) -> Response:
    """Every upcoming deadline of the caller's stored assessments, each naming the client and the transfer;
    `uid` is stable (assessment, deadline, transfer)."""
    body = {"deadlines": _deadlines(store, owner, lang, _before(before))}
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/json")


def _calendar(store: Any, owner: str | None, lang: str, before: str | None, name: str) -> Response:
    from icalendar import Calendar, Event, vText

    from advisor.render.escape import one_line

    cal = Calendar()
    cal.add("prodid", "-//cbdt-advisor//portfolio//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", vText("数据出境合规期限" if lang == "zh" else "Data-transfer compliance deadlines"))
    stamp = dt.datetime.now(dt.timezone.utc)
    for d in _deadlines(store, owner, lang, _before(before)):
        ev = Event()
        ev.add("uid", f"{d['uid']}@cbdt-advisor")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", dt.date.fromisoformat(d["date"]))
        who = " — ".join(x for x in (d["company"], d["transfer_name"]) if x)
        ev.add("summary", vText(one_line(f"{d['label']} · {who}" if who else d["label"])))
        ev.add("description", vText(one_line(f"{d['label']}: {who} ({d['date']})")))
        cal.add_component(ev)
    return Response(cal.to_ical(), media_type="text/calendar; charset=utf-8", headers=_attachment(name))


@router.get("/deadlines.ics", response_class=Response,
            responses={200: example("text/calendar", ICS_EXAMPLE, "One calendar for the portfolio"),
                       **errors(401, 403, 422)})
def portfolio_ics(owner: OwnerDep, store: StoreDep, lang: LangDep, before: Before = None) -> Response:
    """The same deadlines as one iCalendar file: stable UIDs, so a calendar app updates rather than duplicates."""
    return _calendar(store, owner, lang, before, "deadlines.ics")


FEED_PATH = "/v1/feeds/{token}/deadlines.ics"


def _feed_owner(request: Request, owner: str | None) -> str:
    if owner is None:
        raise ApiError(409, "calendar feeds belong to API keys; issue one with `advisor keys create NAME` first")
    return owner


@router.post("/feeds", status_code=201, response_model=FeedToken,
             responses={201: example("application/json", FeedToken.model_config["json_schema_extra"]["examples"][0],
                                     "The key's feed token (replaces any earlier one)"),
                        **errors(401, 403, 409, 422)})
def feed_create(request: Request, owner: OwnerDep, keys: KeysDep) -> Response:
    """Issue your key's calendar-feed token, or replace it (the old one stops working). A calendar app
    subscribes to `url` without an Authorization header: keep the URL private. Revoking the key (or
    `DELETE /v1/feeds`) ends the feed.

    Example: `curl -X POST -H "Authorization: Bearer $KEY" http://127.0.0.1:8000/v1/feeds`"""
    from advisor_api.storage.keys import KeyNameError

    try:
        token = keys.feed(_feed_owner(request, owner))
    except KeyNameError:  # revoked between the check of the request and now
        raise ApiError(401, "unknown or revoked API key", headers={"WWW-Authenticate": "Bearer"}) from None
    url = FEED_PATH.format(token=token)
    return Response(json.dumps({"token": token, "url": url}), status_code=201, media_type="application/json",
                    headers={"Location": url})


@router.delete("/feeds", status_code=204, response_class=Response, responses=errors(401, 403, 404, 409, 422))
def feed_revoke(request: Request, owner: OwnerDep, keys: KeysDep) -> Response:
    """Withdraw your key's calendar-feed token: subscribed calendars stop updating.

    Example: `curl -X DELETE -H "Authorization: Bearer $KEY" http://127.0.0.1:8000/v1/feeds` (204)"""
    if not keys.revoke_feed(_feed_owner(request, owner)):
        raise ApiError(404, "this key has no calendar feed")
    return Response(status_code=204)


FeedTokenPath = Annotated[str, Path(max_length=100, description="The token from POST /v1/feeds.",
                                    examples=["feed_Jx3…"])]


@router.get(FEED_PATH.removeprefix("/v1"), response_class=Response,
            responses={200: example("text/calendar", ICS_EXAMPLE, "The key's portfolio calendar"),
                       **errors(404, 422)})
def feed_calendar(token: FeedTokenPath, keys: KeysDep, store: StoreDep, lang: LangDep,
                  before: Before = None) -> Response:
    """The calendar of `GET /v1/deadlines.ics` for the key that owns this feed token, without an Authorization
    header (calendar apps cannot send one). The token is redacted from the server's logs; an unknown,
    replaced or revoked token (or one of a revoked key) is 404.

    Example: subscribe a calendar app to `https://advisor.example/v1/feeds/feed_Jx3…/deadlines.ics?lang=en`"""
    owner = keys.feed_owner(token)
    if owner is None:
        raise ApiError(404, "no such calendar feed (unknown, replaced or revoked)")
    return _calendar(store, owner, lang, before, "deadlines.ics")


@router.post("/assessments/{id}:reassess", status_code=201, response_model=None,
             responses={201: {"description": "The re-assessment, stored as a new assessment linked to the old one"},
                        **errors(400, 401, 403, 404, 413, 415, 422)},
             openapi_extra=as_of_body("Re-assess as of this day (default: today in Asia/Shanghai)."))
def reassess_one(id: str, owner: OwnerDep, body: OptionalJsonBody, advisor: AdvisorDep, store: StoreDep,
                 lang: LangDep) -> Response:
    """Assess a stored assessment's profile again with the rules now loaded, as of `as_of` (body
    `{"as_of": "YYYY-MM-DD"}`, optional: default today in Asia/Shanghai, or `{}`). The old assessment stays
    as it was; the new one carries `reassessed_from` (the old id) and `changes` (what moved and why, or
    null when nothing did). Counts stay as the profile declared them.

    Example: `curl -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json'
    -d '{"as_of": "2026-11-27"}' http://127.0.0.1:8000/v1/assessments/3f2a9c0e5b7d41e8a6c4d2b0f1e3a5c7:reassess`"""
    if not isinstance(body, dict) or set(body) - {"as_of"}:
        extra = sorted(set(body) - {"as_of"}) if isinstance(body, dict) else []
        raise ApiError(422, "the body is an object with at most `as_of`", errors=[
            {"field": f"body.{k}" if extra else "body", "message": "unknown field" if extra else "expected an object",
             "value": None} for k in (extra or ["(body)"])])
    day = parse_day(body.get("as_of"), "body.as_of")
    profile, old = store.get_profile(id, owner), store.get(id, owner)
    if profile is None or old is None:
        raise not_found(id, owner)
    day = day or dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    result = advisor.assess(profile, as_of=day)
    result["lang"] = lang
    result["reassessed_from"] = id
    result["changes"] = compare(old, result, id=id)
    row, saved = store.prepare(profile, result, owner)
    store.insert([row])
    return Response(saved.body, status_code=201, media_type="application/json",
                    headers={"Location": f"/v1/assessments/{saved.id}"})
