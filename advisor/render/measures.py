"""Text listing of regional measures for `advisor measures` (a help desk browsing a district)."""
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
            out.append(f"{pick(r['title'], lang)}  [{r['id']}]  {h['status']}: {STATUS[lang][r['status']]}")
            period = f"{r.get('from') or '?'} – {r.get('until') or ''}"
            out.append(f"    {period}; {pick(r['why'], lang)}")
            for point in r["offers"][lang]:
                out.append(f"    · {point}")
            if r.get("contact"):
                out.append(f"    {h['contact']}: {pick(r['contact'], lang)}")
            if r.get("replaced_by"):
                out.append(f"    → {pick(r['replaced_by']['title'], lang)} ({r['replaced_by']['on']})")
            if r.get("note"):
                out.append(f"    ! {pick(r['note'], lang)}")
            out.append(f"    {h['sources']}: " + "; ".join(source_line(src, lang) for src in r["sources"]))
        out.append("")
    return "\n".join(out)
