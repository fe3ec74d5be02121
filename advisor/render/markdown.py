"""A Markdown report of one assessment (for a client file or a ticket)."""
from __future__ import annotations

from typing import Any

from advisor.regional.cite import source_line
from advisor.render.words import HEAD, STATUS, USABLE, number, pick


def render_markdown(a: dict[str, Any], lang: str) -> str:
    h = HEAD[lang]
    c = a.get("company", {})
    out = [f"# {h['title']}", "",
           f"- **{h['company']}**: {c.get('name') or '-'} ({pick(c.get('region', {}), lang)})",
           f"- **{h['as_of']}**: {a['as_of']}",
           f"- **{h['rulepack']}**: {a['rulepack']['version']} (`{a['rulepack']['digest']}`)",
           f"- **{h['overall']}**: `{a['overall']}` — {pick(a['summary'], lang)}",
           f"- **{h['totals']}** ({h['since']} {a['totals']['counted_since']}): {h['nonsens']} "
           f"{number(a['totals']['personal_info_subjects'])}, {h['sens']} {number(a['totals']['sensitive_info_subjects'])}"]
    for room in a["totals"].get("headroom", []):
        out.append("  - " + h["headroom"].format(remaining=number(room["remaining"]), threshold=number(room["threshold"]),
                                                 then=pick(room["then"], lang)))
    for t in a["transfers"]:
        out += ["", f"## {h['transfer']} `{t['id']}`: `{t['pathway']}`" + (f" ({t['exemption']})" if t.get("exemption") else ""),
                "", pick(t["explanation"], lang)]
        if t["options"]:
            out += ["", f"**{h['options']}**: " + ", ".join(f"`{o}`" for o in t["options"])]
        if t["requirements"]:
            out += ["", f"**{h['requirements']}**", ""] + [f"- `{r['id']}`: {pick(r['text'], lang)}" for r in t["requirements"]]
        if t["obligations"]:
            out += ["", f"**{h['obligations']}**", ""] + [f"- {pick(o['text'], lang)}" for o in t["obligations"]]
    if a["deadlines"]:
        out += ["", f"## {h['deadlines']}", "", "| date | id | transfer |", "|---|---|---|"]
        out += [f"| {d['date']}{' ⚠' if d.get('provisional') else ''} | {pick(d.get('label', {}), lang) or d['id']} | "
                f"{d.get('transfer', '')} |" for d in a["deadlines"]]
    usable = [m for m in a["measures"] if m["status"] in USABLE]
    history = [m for m in a["measures"] if m["status"] not in USABLE]
    for title, rows in ((h["measures"], usable), (h["history"], history)):
        if rows:
            out += ["", f"## {title}", ""]
            for m in rows:
                out.append(f"- **{pick(m['title'], lang)}** (`{m['id']}`, {STATUS[lang][m['status']]}): {pick(m['why'], lang)}"
                           + (f" {h['contact']}: {pick(m['contact'], lang)}" if m.get("contact") else "")
                           + f" {h['sources']}: " + "; ".join(source_line(src, lang) for src in m["sources"][:2]))
    for title, items in ((h["questions"], [f"`{q['field']}`: {pick(q['text'], lang)} "
                                            f"{h['changes'] if q['changes_outcome'] else h['nochange']}"
                                            for q in a["questions"]]),
                         (h["warnings"], [pick(w, lang) for w in a["warnings"]]),
                         (h["notes"], [pick(n, lang) for n in a.get("notes", [])])):
        if items:
            out += ["", f"## {title}", ""] + [f"- {i}" for i in items]
    return "\n".join(out) + "\n"
