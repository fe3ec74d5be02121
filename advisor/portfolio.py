"""A portfolio of stored assessments as tables a partner reads: one row per transfer, and every upcoming
deadline in one calendar. Pure functions over assessments (the API's /v1/assessments.csv|.xlsx and
/v1/deadlines[.ics] use them); words come from the one label renderer, formula injection is neutralised.

    transfer_rows(assessment, lang) -> [row]      COLUMNS order; `id` and `created_at` from the record
    deadline_rows(assessment, lang, before=None) -> [row]   upcoming deadlines, each naming client and transfer
    safe_cell(value) -> str                       a cell that no spreadsheet runs as a formula
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from advisor.render.labels import label, transfer_names

COLUMNS = ("company", "credit_code", "place", "transfer", "route", "exemption", "options", "next_deadline",
           "next_deadline_date", "open_questions", "assessment_id", "as_of", "created_at")
HEADERS = {
    "zh": ("公司", "统一社会信用代码", "所在地", "数据出境", "路径", "豁免情形", "可选机制", "下一期限", "期限日期",
           "可能改变结论的待答问题", "评估编号", "评估日期", "创建时间"),
    "en": ("Company", "Credit code", "Place", "Transfer", "Route", "Exemption", "Options", "Next deadline",
           "Deadline date", "Open questions that can change the outcome", "Assessment id", "As of", "Created at"),
}
_FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n", "｜", "|")


def safe_cell(value: Any) -> str:
    """Text for a CSV/XLSX cell: a leading =, +, -, @, tab, CR or pipe gets a quote so that no spreadsheet
    evaluates it (OWASP CSV injection); control characters become spaces."""
    text = "" if value is None else str(value)
    text = "".join(" " if (ord(c) < 32 and c not in "\t") or c == "\x7f" else c for c in text)
    return "'" + text if text.startswith(_FORMULA) else text


def _place(a: dict[str, Any], lang: str) -> str:
    region = (a.get("company") or {}).get("region") or {}
    return region.get(lang) or region.get("zh") or ""


def _upcoming(a: dict[str, Any], today: dt.date | None) -> list[dict[str, Any]]:
    day = today or dt.date.fromisoformat(a["as_of"])
    return sorted((d for d in a.get("deadlines") or () if dt.date.fromisoformat(d["date"]) >= day),
                  key=lambda d: d["date"])


def transfer_rows(a: dict[str, Any], lang: str, *, record_id: str | None = None, created_at: str | None = None,
                  today: dt.date | None = None) -> list[dict[str, str]]:
    profile = a.get("profile") or {}
    company = profile.get("company") or {}
    names = transfer_names(profile, lang)
    upcoming = _upcoming(a, today)
    out = []
    for t in a["transfers"]:
        tid = t["id"]
        mine = [d for d in upcoming if d.get("transfer") in (tid, None)]
        questions = [q for q in a.get("questions") or ()
                     if q.get("changes_outcome") and q.get("transfer") in (tid, None)]
        out.append({
            "company": company.get("name") or "", "credit_code": company.get("credit_code") or "",
            "place": _place(a, lang), "transfer": names.get(str(tid), str(tid)),
            "route": label("pathway", t["pathway"], lang),
            "exemption": label("exemption", t["exemption"], lang) if t.get("exemption") else "",
            "options": "; ".join(label("option", o, lang) for o in t.get("options") or ()),
            "next_deadline": label("deadline", mine[0]["id"], lang) if mine else "",
            "next_deadline_date": mine[0]["date"] if mine else "",
            "open_questions": " / ".join((q.get("text") or {}).get(lang, "") for q in questions),
            "assessment_id": record_id or a.get("id") or "", "as_of": a["as_of"], "created_at": created_at or "",
        })
    return out


def deadline_rows(a: dict[str, Any], lang: str, *, record_id: str, before: dt.date | None = None,
                  today: dt.date | None = None) -> list[dict[str, Any]]:
    profile = a.get("profile") or {}
    names = transfer_names(profile, lang)
    company = (profile.get("company") or {}).get("name") or ""
    out = []
    for d in _upcoming(a, today):
        if before is not None and dt.date.fromisoformat(d["date"]) >= before:
            continue
        tid = d.get("transfer")
        out.append({"uid": f"{record_id}-{d['id']}-{tid or 'company'}", "assessment_id": record_id,
                    "company": company, "transfer": tid, "transfer_name": names.get(str(tid), "") if tid else "",
                    "deadline": d["id"], "label": label("deadline", d["id"], lang), "date": d["date"],
                    "provisional": bool(d.get("provisional"))})
    return out
