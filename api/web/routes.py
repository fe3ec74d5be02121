"""The help-desk pages: enquiry form (GET/POST /), result (/result/{id}), downloads, /measures, /regions."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from advisor.errors import FieldError, ProfileError
from advisor.render.labels import label
from advisor_api.web import form, guide, present, state
from advisor_api.web.i18n import T, lang_of

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)
MEASURE_FILTERS = ("subsidy", "service_centre", "negative_list", "general_data_list", "gba_standard_contract",
                   "intra_group_channel", "consulting", "green_channel")
DOWNLOADS = {"json": ("application/json", "json"), "md": ("text/markdown; charset=utf-8", "markdown"),
             "ics": ("text/calendar; charset=utf-8", "ics"),
             "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")}


def page(request: Request, name: str, lang: str, status: int = 200, **ctx: Any) -> Response:
    return templates.TemplateResponse(request, name, {"T": T(lang), "lang": lang, **ctx}, status_code=status)


def errors_by_field(errs: list[FieldError], owners: list[int], st: dict[str, Any],
                    t: T) -> tuple[dict[str, str], list[tuple[str | None, str]]]:
    by_field: dict[str, str] = {}
    summary: list[tuple[str | None, str]] = []
    for e in errs:
        name = form.field_for(e.loc, owners, st["_n"])
        value = e.value
        if name == "company.zones" and isinstance(value, list):  # zones by their names, never their slugs
            value = ("、" if t.lang == "zh" else "; ").join(t.label("zones", z) for z in value)
        words = t.error(e.message, value)
        if name == "company.region" and form.abroad(st) and e.value and "ambiguous" not in e.message:
            words = t.ui_error("region_abroad_unknown", value)  # the representative's place, in mainland China
        if name and name not in by_field:
            by_field[name] = words
        if name:
            key, n_t = form.label_of(name, st)
            where = (t.ui("transfer_n", n=n_t) + " · " if n_t else "") + t.ui(key)
            summary.append((name, f"{where}: {words}"))
        else:
            summary.append((None, f"{e.loc}: {words}"))
    return by_field, summary


def form_page(request: Request, st: dict[str, Any], lang: str, status: int = 200, **ctx: Any) -> Response:
    lists: list[dict[str, Any]] = []
    try:
        lists = present.list_choices({}, state.advisor(request).measures())
    except Exception:  # noqa: BLE001 - the form stays usable without the catalogue's list names
        lists = []
    return page(request, "form.html", lang, status, s=st, errors=ctx.pop("errors", {}),
                summary=ctx.pop("summary", []), lists=lists, **ctx)


@router.get("/")
def enquiry(request: Request, lang: str = "zh", source: str | None = None) -> Response:
    lang, st = lang_of(lang), form.blank()
    if source:
        row = state.store(request).get(source, state.OWNER)
        if row and row.get("profile"):
            st = form.from_profile(row["profile"])
    return form_page(request, st, lang)


@router.post("/")
async def submit(request: Request) -> Response:
    data = await request.form()
    items = [(k, v) for k, v in data.multi_items() if isinstance(v, str)]
    lang = lang_of(data.get("lang") if isinstance(data.get("lang"), str) else None)
    action = str(data.get("action") or "assess")
    st = form.from_form(items)
    if action.startswith("lang:"):
        return form_page(request, st, lang_of(action[5:]))
    if action == "add":
        form.add_transfer(st)
        return form_page(request, st, lang, focus=f"transfers.{st['_n'] - 1}.id")
    if action.startswith("region:") and action[7:].isdigit():  # a candidate of an ambiguous place picked
        st["company.region"] = action[7:]
        return form_page(request, st, lang)
    if action.startswith("remove:") and action[7:].isdigit():
        form.remove_transfer(st, int(action[7:]))
        return form_page(request, st, lang)
    profile, errs, owners = form.to_profile(st)
    try:
        result = state.advisor(request).assess(profile)
    except ProfileError as exc:
        seen = {e.loc for e in errs}
        errs += [e for e in exc.errors if form.field_for(e.loc, owners, st["_n"]) not in seen]
        result = None
    except NotImplementedError:
        return page(request, "message.html", lang, 503, message=T(lang).ui("service_down"))
    if errs:
        by_field, summary = errors_by_field(errs, owners, st, T(lang))
        return form_page(request, st, lang, 422, errors=by_field, summary=summary,
                         region_choices=region_choices(st.get("company.region", ""), lang))
    return _store_and_show(request, profile, result, lang)


def region_choices(typed: str, lang: str) -> list[tuple[str, str]]:
    """The places an ambiguous name may mean (code, name in the page's language), to pick from."""
    from advisor.regions import AmbiguousPlace, default_gazetteer

    try:
        default_gazetteer().lookup(typed)
    except AmbiguousPlace as exc:
        return [(c.place.code, c.place.full_zh if lang == "zh" else c.place.full_en) for c in exc.candidates]
    except LookupError:
        return []
    return []


def _store_and_show(request: Request, profile: dict[str, Any], result: dict[str, Any] | None, lang: str) -> Response:
    result = dict(result or {})
    result.setdefault("profile", profile)
    row = state.store(request).create(profile, result, state.OWNER, None)
    return RedirectResponse(f"/result/{row['id']}?lang={lang}", status_code=303)


@router.get("/result/{name}")
def result_page(request: Request, name: str, lang: str = "zh") -> Response:
    lang = lang_of(lang)
    rid, _, ext = name.partition(".")
    row = state.store(request).get(rid, state.OWNER)
    if row is None:
        return page(request, "message.html", lang, 404, message=T(lang).ui("not_found"))
    if ext:
        return _download(request, row, rid, ext, lang)
    return show_result(request, row, rid, lang)


def show_result(request: Request, row: dict[str, Any], rid: str, lang: str, status: int = 200,
                answer_error: str | None = None) -> Response:
    """The result page: the answer first, then next steps, the region's support, the printout header."""
    t = T(lang)
    v = present.view(row, t, state.own_region(request, row), state.subsidies(request, row))
    link = str(request.url_for("result_page", name=rid).include_query_params(lang=lang))
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
    company = (row.get("profile") or {}).get("company", {})
    return page(request, "result.html", lang, status, r=row, v=v, rid=rid, company=company, answer_error=answer_error,
                info=state.service_info(), printed_at=now, ref=rid, qr=state.qr_svg(link))


def _download(request: Request, row: dict[str, Any], rid: str, ext: str, lang: str) -> Response:
    if ext not in DOWNLOADS:
        return page(request, "message.html", lang, 404, message=T(lang).ui("not_found"))
    media, fmt = DOWNLOADS[ext]
    if fmt == "json":
        body: str | bytes = json.dumps(row, ensure_ascii=False, indent=2, default=str)
    else:
        try:
            body = state.render(request, row, fmt, lang)
        except (ImportError, NotImplementedError):
            return page(request, "message.html", lang, 503, message=T(lang).ui("not_ready"))
    headers = {"Content-Disposition": f'attachment; filename="assessment-{rid}.{ext}"'}
    return Response(body, media_type=media, headers=headers)


@router.post("/result/{rid}/answer")
async def answer(request: Request, rid: str) -> Response:
    data = await request.form()
    lang = lang_of(str(data.get("lang") or "zh"))
    row = state.store(request).get(rid, state.OWNER)
    if row is None or not row.get("profile"):
        return page(request, "message.html", lang, 404, message=T(lang).ui("not_found"))
    try:
        profile = present.answer(row["profile"], str(data.get("field", "")), str(data.get("value", "")),
                                 str(data.get("list_id", "")))
        result = state.advisor(request).assess(profile)
    except present.AnswerError as exc:
        return show_result(request, row, rid, lang, 422, T(lang).ui(exc.key))
    except ProfileError as exc:
        words = "; ".join(T(lang).error(e.message, None) for e in exc.errors)
        return show_result(request, row, rid, lang, 422, words)
    return _store_and_show(request, profile, result, lang)


@router.get("/regions")
def regions(request: Request, q: str = "", limit: int = 10) -> JSONResponse:
    q = q.strip()
    if not q:
        return JSONResponse([])
    return JSONResponse(state.search_places(request, q, max(1, min(limit, 50))))


@router.get("/measures")
def measures(request: Request, lang: str = "zh", region: str = "", zone: str = "", sector: str = "",
             as_of: str = "", type: str = "", q: str = "") -> Response:  # noqa: A002 - the query's own name
    lang, t = lang_of(lang), T(lang)
    filters = {"region": region.strip(), "zone": zone, "sector": sector, "as_of": as_of.strip(), "type": type,
               "q": q.strip()[:100]}
    errors: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    try:
        when = dt.date.fromisoformat(filters["as_of"]) if filters["as_of"] else None
    except ValueError:
        errors["as_of"], when = t.error("invalid date", filters["as_of"]), None
    if not errors:
        try:
            notes: list[str] = []
            rows = present.usable_first(state.advisor(request).measures(
                region=filters["region"] or None, zone=zone or None, sector=sector or None, as_of=when, notes=notes))
            if notes:  # a zone outside the place's province: say so at the zone field
                errors["zone"] = t.error(notes[0], zone)
        except ProfileError as exc:
            for e in exc.errors:
                key = next((k for k in filters if k in e.loc), "region")
                errors.setdefault(key, t.error(e.message, e.value))
        except NotImplementedError:
            return page(request, "message.html", lang, 503, message=t.ui("service_down"))
    rows = [m for m in rows if (not type or type in present.types_of(m)) and present.matches(m, filters["q"])]
    cards = [present.measure_card({**m, "why": None}, lang, lambda _mid: False) for m in rows]
    choices = region_choices(filters["region"], lang) if "region" in errors else []
    picks = [(str(request.url.include_query_params(region=code)), name) for code, name in choices]
    return page(request, "measures.html", lang, 422 if errors else 200, rows=cards, s=filters, errors=errors, picks=picks,
                types=[(ty, label("measure_type", ty, lang)) for ty in MEASURE_FILTERS])


@router.get("/static/{name}")
def static(name: str) -> Response:
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        return Response("not found", status_code=404, media_type="text/plain")
    return FileResponse(path)


@router.get("/guide")
def guide_start(request: Request, lang: str = "zh") -> Response:
    return _guide_page(request, lang_of(lang), {})


@router.post("/guide")
async def guide_next(request: Request) -> Response:
    """One answer more: check it, then the next question that can change the route, or the result."""
    data = await request.form()
    lang = lang_of(data.get("lang") if isinstance(data.get("lang"), str) else None)
    answers = {k: v.strip() for k, v in data.multi_items() if isinstance(v, str) and k in guide.BY_NAME}
    current = guide.BY_NAME.get(str(data.get("step") or ""))
    action = str(data.get("action") or "next")
    if action.startswith("region:") and action[7:].isdigit():
        answers["company.region"] = action[7:]
    elif current is not None:
        if current.name not in answers:
            return _guide_page(request, lang, answers, current, "g_choose")
        error = guide.check_answer(current, answers[current.name], answers)
        if error is None and current.kind == "country":
            from advisor.countries import default_countries

            try:
                answers[current.name] = default_countries().resolve(answers[current.name]).code
            except LookupError:
                error = "g_country_unknown"
        if error is None and current.name == guide.REGION and answers[current.name]:
            choices = region_choices(answers[current.name], lang)
            if choices:
                return _guide_page(request, lang, {k: v for k, v in answers.items() if k != current.name}, current,
                                   "g_region_pick", region_choices=choices)
            error = guide.region_error(answers[current.name], answers)
        if error:
            return _guide_page(request, lang, {k: v for k, v in answers.items() if k != current.name}, current, error,
                               typed=answers.get(current.name, ""))
        answers[current.name] = answers[current.name].replace(",", "")
    return _guide_page(request, lang, answers)


def _guide_page(request: Request, lang: str, answers: dict[str, str], step: Any = None, error: str | None = None,
                **ctx: Any) -> Response:
    try:
        router_ = guide.Router(state.advisor(request))
        nxt, skipped = (step, []) if step is not None else router_.next_step(answers)
    except (AttributeError, NotImplementedError):  # no engine behind the page (a fake advisor)
        return page(request, "message.html", lang, 503, message=T(lang).ui("service_down"))
    if nxt is None:  # every question that can change the route is answered: the form's result page
        profile, errs, _ = form.to_profile(guide.form_state(answers))
        try:
            result = state.advisor(request).assess(profile)
        except ProfileError as exc:
            errs += exc.errors
        if errs:
            words = "; ".join(T(lang).error(e.message, e.value) for e in errs)
            return page(request, "message.html", lang, 422, message=words)
        return _store_and_show(request, profile, result, lang)
    t = T(lang)
    options = []
    if nxt.kind in ("select", "choice"):
        options = t.options(guide.OPTION_GROUPS[nxt.name])
    elif nxt.kind == "country":
        options = [o for _, group in t.countries() for o in group]
    return page(request, "guide.html", lang, 422 if error else 200, step=nxt, answers=answers, options=options,
                question=guide.question(nxt, answers),
                error=t.ui(error) if error else None, number=len(answers) + 1, **ctx)
