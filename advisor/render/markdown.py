"""A Markdown report of one assessment (for a client file or a ticket): words, not codes (labels.py)."""
from __future__ import annotations

from typing import Any

from advisor.deadlines.filing_packs import default_filing_packs, extensions_due, plan
from advisor.regional.cite import source_line
from advisor.render.escape import escape_tree, md_code, md_text
from advisor.render.labels import cite_all, document, label, summary, transfer_name
from advisor.render.words import HEAD, STATUS, USABLE, number, pick

# values used as lookup keys, in code spans or as links: kept as they are (ids are put in md_code)
RAW = frozenset({"id", "status", "pathway", "exemption", "options", "digest", "field", "sources", "date", "as_of",
                 "counted_since", "overall"})


def _names(a: dict[str, Any], lang: str) -> dict[str, str]:
    """{transfer id: "第1项数据出境：description"} in profile order (ids are the user's keys, not words)."""
    transfers = (a.get("profile") or {}).get("transfers") or [{"id": t["id"]} for t in a.get("transfers", [])]
    return {str(t.get("id")): transfer_name(t, lang, i) for i, t in enumerate(transfers, start=1)}


def render_markdown(a: dict[str, Any], lang: str) -> str:
    h = HEAD[lang]
    # names and the summary are looked up on the codes, then escaped; every other text from the assessment is
    # escaped as it stands (text, never markup)
    names = {tid: md_text(name) for tid, name in _names(a, lang).items()}
    overall = md_text(summary(a, lang))
    a = escape_tree(a, md_text, keep=RAW)
    c = a.get("company", {})
    out = [f"# {h['title']}", "",
           f"- **{h['company']}**{h['colon']}{c.get('name') or '-'}{h['open_l']}{pick(c.get('region', {}), lang)}{h['open_r']}",
           f"- **{h['as_of']}**{h['colon']}{a['as_of']}",
           f"- **{h['rulepack']}**{h['colon']}{a['rulepack']['version']}{h['open_l']}{a['rulepack']['digest']}{h['open_r']}",
           f"- **{overall}**",
           f"- **{h['totals']}**{h['open_l']}{h['since']} {a['totals']['counted_since']}{h['open_r']}{h['colon']}"
           f"{h['nonsens']} {number(a['totals']['personal_info_subjects'])}, {h['sens']} "
           f"{number(a['totals']['sensitive_info_subjects'])}"]
    for room in a["totals"].get("headroom", []):
        out.append("  - " + h["headroom"].format(remaining=number(room["remaining"]), threshold=number(room["threshold"]),
                                                 then=pick(room["then"], lang)))
    for t in a["transfers"]:
        route = label("pathway", t["pathway"], lang)
        if t.get("exemption"):
            route += h["open_l"] + label("exemption", t["exemption"], lang) + h["open_r"]
        out += ["", f"## {names.get(str(t['id']), t['id'])}", "", f"**{h['route']}**{h['colon']}{route}", "",
                pick(t["explanation"], lang)]
        if t["options"]:
            out += ["", f"**{h['options']}**{h['colon']}" + ("、" if lang == "zh" else ", ").join(
                label("option", o, lang) for o in t["options"])]
        if t["requirements"]:
            out += ["", f"**{h['requirements']}**", ""] + [
                f"- {label('requirement', r['id'], lang)}{h['colon']}{pick(r['text'], lang)}" for r in t["requirements"]]
        if t["obligations"]:
            out += ["", f"**{h['obligations']}**", ""] + [
                f"- {pick(o['text'], lang)}{h['open_l']}{h['basis']}{h['colon']}{cite_all(o.get('basis', []), lang)}"
                f"{h['open_r']}" if o.get("basis") else f"- {pick(o['text'], lang)}" for o in t["obligations"]]
    if a["deadlines"]:
        out += ["", f"## {h['deadlines']}", "", f"| {h['date']} | {h['step']} | {h['transfer']} |", "|---|---|---|"]
        out += [f"| {d['date']}{' ⚠' if d.get('provisional') else ''} | {pick(d.get('label', {}), lang) or label('deadline', d['id'], lang)}"
                f"{h['estimate'] if d.get('estimate') else ''} | {names.get(str(d.get('transfer')), '')} |" for d in a["deadlines"]]
    out += _filing(a, names, lang)
    usable = [m for m in a["measures"] if m["status"] in USABLE]
    history = [m for m in a["measures"] if m["status"] not in USABLE]
    for title, rows in ((h["measures"], usable), (h["history"], history)):
        if rows:
            out += ["", f"## {title}", ""]
            for m in rows:
                out.append(f"- **{pick(m['title'], lang)}**{h['open_l']}{STATUS[lang][m['status']]}{h['open_r']}"
                           f"{h['colon']}{pick(m['why'], lang)}"
                           + (f" {h['contact']}{h['colon']}{pick(m['contact'], lang)}" if m.get("contact") else "")
                           + f" {h['sources']}{h['colon']}" + "; ".join(source_line(src, lang) for src in m["sources"][:2]))
    for title, items in ((h["questions"], [_question(q, names, lang) for q in a["questions"]]),
                         (h["warnings"], [pick(w, lang) for w in a["warnings"]]),
                         (h["notes"], [pick(n, lang) for n in a.get("notes", [])])):
        if items:
            out += ["", f"## {title}", ""] + [f"- {i}" for i in items]
    return "\n".join(out) + "\n"


def _filing(a: dict[str, Any], names: dict[str, str], lang: str) -> list[str]:
    """Per route the assessment needs: where, when, and the materials in the guide's order and terms."""
    packs, h = default_filing_packs(), HEAD[lang]
    out: list[str] = []
    for route, transfers in plan(a, packs):
        out += ["", f"## {route.title.pick(lang)}", "",
                f"- **{packs.word('filing_body', lang)}**{h['colon']}{route.filing_body.pick(lang)}",
                f"- **{packs.word('channel', lang)}**{h['colon']}{route.channel.pick(lang)}",
                f"- **{packs.word('when', lang)}**{h['colon']}{route.when.pick(lang)}",
                f"- **{packs.word('basis', lang)}**{h['colon']}{cite_all([b.as_dict() for b in route.basis], lang)}",
                f"- **{packs.word('covers', lang)}**{h['colon']}"
                + ("；" if lang == "zh" else "; ").join(names.get(str(t["id"]), "") for t in transfers),
                "", f"**{packs.word('materials', lang)}**", ""]
        if route.materials_note:
            source = f"{packs.word('list_source', lang)}{h['colon']}{document(route.materials_from, lang)}" \
                if route.materials_from else ""
            out += [route.materials_note.pick(lang) + (f"{h['open_l']}{source}{h['open_r']}" if source else ""), ""]
        out += [f"- {item}" if lang == "zh" else item for item in packs.materials(route, lang)]
        if route.steps:
            out += ["", f"**{packs.word('system_steps', lang)}**{h['open_l']}"
                    f"{document(route.steps_from, lang) if route.steps_from else ''}{h['open_r']}", ""]
            out += [f"- {step}" for step in packs.steps(route.steps, lang)]
        if route.contact:
            out += ["", f"**{packs.word('enquiries', lang)}**{h['colon']}{route.contact.pick(lang)}"]
        if route.before:
            out += ["", f"**{packs.word('before_applying', lang)}**{h['open_l']}"
                    f"{cite_all([b.as_dict() for b in route.before_basis], lang)}{h['open_r']}", ""]
            out += [f"- {item}" if lang == "zh" else item for item in packs.materials(route.before, lang)]
    ext = packs.extension
    for due in extensions_due(a, packs):   # an approved assessment nearing expiry: the extension application
        out += ["", f"## {ext.title.pick(lang)}", "",
                f"- **{packs.word('covers', lang)}**{h['colon']}{names.get(str(due['transfer']), '')}",
                f"- **{packs.word('filing_body', lang)}**{h['colon']}{ext.filing_body.pick(lang)}",
                f"- **{packs.word('when', lang)}**{h['colon']}{ext.when.pick(lang)}",
                f"- **{packs.word('extension_when', lang)}**{h['colon']}{due['opens'].isoformat()} – "
                f"{due['expires'].isoformat()}",
                f"- **{packs.word('basis', lang)}**{h['colon']}{cite_all([b.as_dict() for b in ext.basis], lang)}"]
        if ext.steps:
            out += ["", f"**{packs.word('steps', lang)}**", ""] + [f"- {s.pick(lang)}" for s in ext.steps]
    return out


def _question(q: dict[str, Any], names: dict[str, str], lang: str) -> str:
    h = HEAD[lang]
    head = f"{names.get(str(q['transfer']), '')}{h['colon']}" if q.get("transfer") else ""
    lists = "".join(f"{h['open_l']}{pick(c['title'], lang)}{h['open_r']}" for c in q.get("candidates", []))
    return f"{head}{pick(q['text'], lang)}{lists} {h['changes'] if q['changes_outcome'] else h['nochange']}"
