"""Text listing of regional measures for `advisor measures` (a help desk browsing a district): titles, not
ids — a measure's id is shown only when asked for (``--ids``, for scripting; JSON always carries it)."""
from __future__ import annotations

from typing import Any

from advisor.regional.cite import source_line
from advisor.render.words import HEAD, STATUS, USABLE, pick


def measures_text(rows: list[dict[str, Any]], lang: str, args: Any) -> str:
    h = HEAD[lang]
    if not rows:
        return ("没有找到符合条件的措施。\n" if lang == "zh" else "No measures match.\n")
    out = []
    for title, group in ((h["measures"], [r for r in rows if r["status"] in USABLE]),
                         (h["history"], [r for r in rows if r["status"] not in USABLE])):
        if not group:
            continue
        out += [title, "-" * 40]
        for r in group:
            ident = f"  [{r['id']}]" if getattr(args, "ids", False) else ""
            out.append(f"{pick(r['title'], lang)}{h['open_l']}{h['status']}{h['colon']}{STATUS[lang][r['status']]}"
                       f"{h['open_r']}{ident}")
            out.append(f"    {_period(r, lang)}{'；' if lang == 'zh' else '; '}{pick(r['why'], lang)}")
            for point in r["offers"][lang]:
                out.append(f"    · {point}")
            if r.get("contact"):
                out.append(f"    {h['contact']}{h['colon']}{pick(r['contact'], lang)}")
            if r.get("replaced_by"):
                out.append(f"    → {pick(r['replaced_by']['title'], lang)}{h['open_l']}{r['replaced_by']['on']}{h['open_r']}")
            if r.get("note"):
                out.append(f"    ! {pick(r['note'], lang)}")
            out.append(f"    {h['sources']}{h['colon']}" + ("；" if lang == "zh" else "; ").join(
                source_line(src, lang) for src in r["sources"]))
        out.append("")
    return "\n".join(out)


def _period(r: dict[str, Any], lang: str) -> str:
    """When the measure applies: 2023-12-13起 / from 2023-12-13; 2023-09至2027-12-31 / 2023-09 to 2027-12-31."""
    start, end = r.get("from"), r.get("until")
    if lang == "zh":
        return (f"{start or '（起始日期不详）'}至{end}" if end else f"{start}起") if start or end else "施行日期不详"
    return (f"{start or '(start unknown)'} to {end}" if end else f"from {start}") if start or end else "dates unknown"
