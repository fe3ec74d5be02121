"""iCalendar export of an assessment's deadlines: one all-day VEVENT per deadline, each with a reminder.

The output is deterministic: UIDs derive from the assessment, deadline id and transfer, and DTSTAMP
from ``as_of``, so re-exporting the same assessment updates events instead of duplicating them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from icalendar import Alarm, Calendar, Event, vText

from advisor.render.escape import one_line

from advisor.deadlines.rules import default_deadline_rules

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
    for item in assessment.get("deadlines", []):
        cal.add_component(_event(item, lang, key, stamp, ui))
    return cal.to_ical()


def assessment_key(assessment: dict[str, Any]) -> str:
    """The assessment's id where it has one (API), else a digest of its profile and as_of (CLI)."""
    if assessment.get("id"):
        return str(assessment["id"])
    basis = {"profile": assessment.get("profile"), "as_of": assessment.get("as_of")}
    return hashlib.sha256(json.dumps(basis, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:24]


def _event(item: dict[str, Any], lang: str, key: str, stamp: dt.datetime, ui: dict[str, Any]) -> Event:
    day = dt.date.fromisoformat(item["date"])
    # an estimate's label already says "(Estimate)"; a provisional date is flagged here
    label = item["label"][lang] + (f" [{_word(ui, 'provisional', lang)}]" if item.get("provisional") else "")
    summary = one_line(f"{label} — {_word(ui, 'transfer', lang)} {item['transfer']}")
    uid_src = f"{key}|{item['id']}|{item['transfer']}"
    ev = Event()
    ev.add("uid", hashlib.sha256(uid_src.encode()).hexdigest()[:32] + "@cbdt-advisor")
    ev.add("dtstamp", stamp)
    ev.add("dtstart", day)
    ev.add("dtend", day + dt.timedelta(days=1))
    ev.add("summary", summary)
    ev.add("description", _description(item, lang, ui))
    ev.add("transp", "TRANSPARENT")
    ev.add("categories", ["estimate" if item.get("estimate") else "deadline"])
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
    lines.append(f"{_word(ui, 'basis', lang)}: " + "; ".join(cite(b, lang, ui) for b in item.get("basis", [])))
    return "\n".join(x for x in lines if x)


def cite(basis: dict[str, str], lang: str, ui: dict[str, Any] | None = None) -> str:
    """``sc-measures-2023 Art 7`` / ``sc-measures-2023 第7条``."""
    ui = ui if ui is not None else default_deadline_rules().ui
    if not basis.get("article"):
        return basis["instrument"]
    sep = " " if lang == "en" else ""
    return basis["instrument"] + sep + _word(ui, "article", lang).format(article=basis["article"])


def _word(ui: dict[str, Any], key: str, lang: str) -> str:
    return str(getattr(ui[key], lang))
