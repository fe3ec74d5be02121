"""Plain text a help-desk clerk can read aloud: the overall route first, then each transfer."""
from __future__ import annotations

from typing import Any

from advisor.render.labels import summary
from advisor.render.markdown import _names, _question
from advisor.render.words import HEAD, STATUS, USABLE, number, pick


def render_text(a: dict[str, Any], lang: str) -> str:
    h = HEAD[lang]
    c, names = a.get("company", {}), _names(a, lang)
    lines = [h["title"], "=" * 40,
             f"{h['company']}: {c.get('name') or '-'}  ({pick(c.get('region', {}), lang)})",
             f"{h['as_of']}: {a['as_of']}    {h['rulepack']}: {a['rulepack']['version']} {a['rulepack']['digest'][:19]}"]
    lines.append(summary(a, lang))
    tot = a["totals"]
    lines.append(f"{h['totals']} ({h['since']} {tot['counted_since']}): {h['nonsens']} "
                 f"{number(tot['personal_info_subjects'])}, {h['sens']} {number(tot['sensitive_info_subjects'])}")
    for room in tot.get("headroom", []):
        lines.append("  " + h["headroom"].format(remaining=number(room["remaining"]), threshold=number(room["threshold"]),
                                                 then=pick(room["then"], lang)))
    for t in a["transfers"]:
        lines += ["", f"[{names.get(str(t['id']), t['id'])}]", pick(t["explanation"], lang)]
        for r in t["requirements"]:
            lines.append(f"  ! {pick(r['text'], lang)}")
        for o in t["obligations"]:
            lines.append(f"  - {pick(o['text'], lang)}")
    _section(lines, h["deadlines"], [
        f"{d['date']}  {pick(d.get('label', {}), lang)}{h['open_l']}{names.get(str(d.get('transfer')), '')}{h['open_r']}"
        + (f" {h['provisional']}" if d.get("provisional") else "") + (f" {h['estimate']}" if d.get("estimate") else "")
        for d in a["deadlines"]])
    usable = [m for m in a["measures"] if m["status"] in USABLE]
    _section(lines, h["measures"], [
        f"{pick(m['title'], lang)} [{STATUS[lang][m['status']]}] — {pick(m['why'], lang)}"
        + (f" {h['contact']}: {pick(m['contact'], lang)}" if m.get("contact") else "") for m in usable])
    history = [m for m in a["measures"] if m["status"] not in USABLE]
    _section(lines, h["history"], [f"{pick(m['title'], lang)} [{STATUS[lang][m['status']]}]"
                                   + (f" → {pick(m['replaced_by']['title'], lang)}" if m.get("replaced_by") else "")
                                   for m in history])
    _section(lines, h["questions"], [_question(q, names, lang) for q in a["questions"]])
    _section(lines, h["warnings"], [pick(w, lang) for w in a["warnings"]])
    _section(lines, h["notes"], [pick(n, lang) for n in a.get("notes", [])])
    return "\n".join(lines) + "\n"


def _section(lines: list[str], title: str, items: list[str]) -> None:
    if items:
        lines += ["", title + ":"] + [f"  * {i}" for i in items]
