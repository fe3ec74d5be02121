"""iCalendar export of an assessment's deadlines: one all-day VEVENT per deadline, each with a reminder;
and for every route the assessment needs that has no dated step yet (its start date is not known, e.g.
the standard contract has not taken effect), one VTODO without a date saying when the step falls due
("file within 10 working days of the contract taking effect"). Texts in words (advisor/render/labels.py).

The output is deterministic: UIDs derive from the assessment, deadline id and transfer, and DTSTAMP
from ``as_of``, so re-exporting the same assessment updates events instead of duplicating them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from icalendar import Alarm, Calendar, Event, Todo, vText

from advisor.render.escape import one_line

from advisor.deadlines.filing_packs import default_filing_packs, plan
from advisor.deadlines.rules import default_deadline_rules
from advisor.render.labels import cite_all, transfer_name
from advisor.render.words import HEAD

REMINDER = dt.timedelta(days=7)   # a courtesy reminder, not a legal period
PRODID = "-//cbdt-advisor//outbound data transfer deadlines//ZH-EN"


def render_ics(assessment: dict[str, Any], lang: str) -> bytes:
    """An RFC 5545 calendar with the assessment's deadlines, texts in ``lang`` (zh or en)."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en' (got {lang!r})")
    ui = default_deadline_rules().ui
    key = assessment_key(assessment)
    stamp = dt.datetime.combine(dt.date.fromisoformat(str(assessment["as_of"])), dt.time(), dt.timezone.utc)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    company = (assessment.get("profile") or {}).get("company") or {}
    name = " · ".join(one_line(str(x)) for x in (company.get("name"), _word(ui, "calendar_name", lang)) if x)
    cal.add("x-wr-calname", vText(name))  # vText: RFC 5545 TEXT escaping
    names = _names(assessment, lang)
    for item in assessment.get("deadlines", []):
        cal.add_component(_event(item, lang, key, stamp, ui, names))
    for todo in _undated(assessment, lang, key, stamp, names):
        cal.add_component(todo)
    return cal.to_ical()


def _names(assessment: dict[str, Any], lang: str) -> dict[str, str]:
    transfers = (assessment.get("profile") or {}).get("transfers") or []
    return {str(t.get("id")): transfer_name(t, lang, i) for i, t in enumerate(transfers, start=1)}


def _undated(assessment: dict[str, Any], lang: str, key: str, stamp: dt.datetime,
             names: dict[str, str]) -> list[Todo]:
    """A VTODO per route needed whose transfers have none of that route's dated steps yet."""
    rules = default_deadline_rules()
    packs = default_filing_packs()
    dated = {(str(d.get("transfer")), d.get("id")) for d in assessment.get("deadlines", [])}
    todos = []
    for route, transfers in plan(assessment, packs):
        ids = {r.id for r in rules.deadlines if route.mechanism in (r.applies_to.approval, r.applies_to.planned)}
        waiting = [str(t["id"]) for t in transfers if not any((str(t["id"]), i) in dated for i in ids)]
        if not waiting:
            continue
        todo = Todo()
        todo.add("uid", hashlib.sha256(f"{key}|todo|{route.id}".encode()).hexdigest()[:32] + "@cbdt-advisor")
        todo.add("dtstamp", stamp)
        todo.add("summary", f"{route.title.pick(lang)}{'：' if lang == 'zh' else ': '}{route.when.pick(lang)}")
        lines = [route.when.pick(lang), route.filing_body.pick(lang)]
        lines += [names.get(tid, tid) for tid in waiting]
        lines.append(f"{_word(rules.ui, 'basis', lang)}{'：' if lang == 'zh' else ': '}"
                     + cite_all([b.as_dict() for b in route.basis], lang))
        lines += [packs.word("materials", lang) + ("：" if lang == "zh" else ":")] + packs.materials(route, lang)
        lines += _route_extras(packs, route, lang)
        todo.add("description", "\n".join(lines))
        todo.add("status", "NEEDS-ACTION")
        todos.append(todo)
    return todos


def assessment_key(assessment: dict[str, Any]) -> str:
    """The assessment's id where it has one (API), else a digest of its profile and as_of (CLI)."""
    if assessment.get("id"):
        return str(assessment["id"])
    basis = {"profile": assessment.get("profile"), "as_of": assessment.get("as_of")}
    return hashlib.sha256(json.dumps(basis, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:24]


def _event(item: dict[str, Any], lang: str, key: str, stamp: dt.datetime, ui: dict[str, Any],
           names: dict[str, str]) -> Event:
    day = dt.date.fromisoformat(item["date"])
    # an estimate's label already says "(Estimate)"; a provisional date is flagged here
    label = item["label"][lang] + (f" [{_word(ui, 'provisional', lang)}]" if item.get("provisional") else "")
    summary = one_line(f"{label} — {names.get(str(item['transfer']), item['transfer'])}")
    uid_src = f"{key}|{item['id']}|{item['transfer']}"
    ev = Event()
    ev.add("uid", hashlib.sha256(uid_src.encode()).hexdigest()[:32] + "@cbdt-advisor")
    ev.add("dtstamp", stamp)
    ev.add("dtstart", day)
    ev.add("dtend", day + dt.timedelta(days=1))
    ev.add("summary", summary)
    ev.add("description", _description(item, lang, ui))
    ev.add("transp", "TRANSPARENT")
    ev.add("categories", [_word(ui, "estimate", lang) if item.get("estimate") else HEAD[lang]["deadlines"]])
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -REMINDER)
    ev.add_component(alarm)
    return ev


def _description(item: dict[str, Any], lang: str, ui: dict[str, Any]) -> str:
    lines = [item.get("explanation", {}).get(lang, "")]
    if item.get("provisional"):
        lines.append(f"[{_word(ui, 'provisional', lang)}]")
    conditions = item.get("conditions")
    if conditions:
        lines.append(_word(ui, "conditions", lang) + ":")
        lines.extend(f"- {c}" for c in conditions.get(lang, []))
    lines.append(f"{_word(ui, 'basis', lang)}{'：' if lang == 'zh' else ': '}" + cite_all(item.get("basis", []), lang))
    packs = default_filing_packs()
    route = next((r for r in packs.routes if item.get("id") in (r.deadline, r.calendar_step)), None)
    if route is not None:   # the filing falls due: what to hand in, as the guide lists it
        lines += [packs.word("materials", lang) + ("：" if lang == "zh" else ":")] + packs.materials(route, lang)
        lines += _route_extras(packs, route, lang)
    ext = packs.extension
    if ext.steps and item.get("id") == ext.calendar_step:   # the extension window opens: the application's steps
        lines += [f"{ext.title.pick(lang)}{'：' if lang == 'zh' else ':'}"] + [s.pick(lang) for s in ext.steps]
    return "\n".join(x for x in lines if x)


def _route_extras(packs: Any, route: Any, lang: str) -> list[str]:
    """After a route's materials: the online system's steps, the duties before applying, the enquiry contacts."""
    colon = "：" if lang == "zh" else ":"
    lines: list[str] = []
    if route.steps:
        lines += [packs.word("system_steps", lang) + colon] + packs.steps(route.steps, lang)
    if route.before:
        lines += [packs.word("before_applying", lang) + colon] + packs.materials(route.before, lang)
    if route.contact:
        lines.append(packs.word("enquiries", lang) + colon + (" " if lang == "en" else "") + route.contact.pick(lang))
    return lines


def _word(ui: dict[str, Any], key: str, lang: str) -> str:
    return str(getattr(ui[key], lang))
