"""Filing pack as a Word document: per transfer needing a mechanism, the materials checklist for its
route and outlines of the self-assessment and PIIA reports, pre-filled from the profile.

Content (bilingual, with citations) comes from rules/national/filing_packs.yaml; the document is in
both languages, ``lang`` first.
"""
from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from advisor.deadlines.filing_packs import (
    Checklist,
    FilingPacks,
    Outline,
    default_filing_packs,
)
from advisor.deadlines.rules import default_deadline_rules
from advisor.render.ics import cite

_SECOND = RGBColor(0x55, 0x55, 0x55)
_NEEDS_MECHANISM = ("security_assessment", "standard_contract_or_certification")


def render_docx(assessment: dict[str, Any], lang: str) -> bytes:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en' (got {lang!r})")
    return _Pack(assessment, lang, default_filing_packs()).build()


class _Pack:
    def __init__(self, assessment: dict[str, Any], lang: str, packs: FilingPacks) -> None:
        self.a, self.lang, self.packs = assessment, lang, packs
        self.other = "en" if lang == "zh" else "zh"
        self.profile = assessment.get("profile") or {}
        self.doc = Document()
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(10.5)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")

    def t(self, text: Any) -> str:
        """Both languages on one line (for headings and table labels), ``lang`` first."""
        d = text if isinstance(text, dict) else text.as_dict()
        return f"{d[self.lang]} / {d[self.other]}"

    def label(self, key: str) -> str:
        return self.t(self.packs.labels[key])

    def para(self, text: Any, style: str | None = None) -> None:
        """One paragraph: ``lang`` first, the other language on the next line in grey italics."""
        d = text if isinstance(text, dict) else text.as_dict()
        paragraph = self.doc.add_paragraph(d[self.lang], style=style)
        paragraph.add_run().add_break()
        second = paragraph.add_run(d[self.other])
        second.italic, second.font.color.rgb = True, _SECOND

    def build(self) -> bytes:
        self.doc.add_heading(self.label("title"), level=0)
        self.para(self.packs.labels["disclaimer"])
        self._company()
        needing = [t for t in self.a.get("transfers", []) if t.get("pathway") in _NEEDS_MECHANISM]
        if not needing:
            self.para(self.packs.labels["none_needed"])
        for transfer in needing:
            self._transfer(transfer)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def _table(self, rows: list[tuple[str, str]]) -> None:
        table = self.doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for key, value in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = key, value

    def _region(self, company: dict) -> str:
        """The resolved place name with its code when the assessment carries it, else the input."""
        place = (self.a.get("company") or {}).get("region") or {}
        if place.get(self.lang):
            return f"{place[self.lang]} ({place.get('code', '')})"
        return str(company.get("region", ""))

    def _company(self) -> None:
        company = self.profile.get("company") or {}
        self.doc.add_heading(self.label("company"), level=1)
        self._table([
            (self.label("name"), str(company.get("name") or self._word("unknown"))),
            (self.label("region"), self._region(company)),
            (self.label("sector"), str(company.get("sector", ""))),
            (self.label("as_of"), str(self.a.get("as_of", ""))),
        ])

    def _word(self, key: str) -> str:
        return str(getattr(self.packs.labels[key], self.lang))

    def _facts(self, transfer_id: str) -> list[tuple[str, str]]:
        raw = next((t for t in self.profile.get("transfers", []) if t.get("id") == transfer_id), {})
        rec = raw.get("recipient") or {}
        recipient = ", ".join(str(x) for x in (rec.get("name"), rec.get("kind"), rec.get("country")) if x)
        important = raw.get("important_data")
        rows = [(self.label("recipient"), recipient), (self.label("purpose"), str(raw.get("purpose", "")))]
        if raw.get("description"):
            rows.append((self.label("description"), str(raw["description"])))
        rows += [
            (self.label("pi_subjects"), f"{raw.get('personal_info_subjects', 0):,}"),
            (self.label("sensitive_subjects"), f"{raw.get('sensitive_info_subjects', 0):,}"),
            (self.label("important_data"),
             self._word("unknown") if important is None else self._word("yes" if important else "no")),
        ]
        return rows

    def _transfer(self, transfer: dict[str, Any]) -> None:
        route = self.packs.route(transfer["pathway"])
        tid = str(transfer["id"])
        title = f"{self._word('transfer')} {tid}"
        self.doc.add_heading(title + (f" — {route.title.pick(self.lang)}" if route else ""), level=1)
        self._table(self._facts(tid))
        self._deadlines(tid)
        if route is None:
            return
        refs = list(route.checklists)
        refs += [ref for opt, ref in self.packs.option_checklists.items() if opt in transfer.get("options", [])]
        for ref in refs:
            self._checklist(self.packs.checklist(ref))
        for ref in route.outlines:
            self._outline(self.packs.outline(ref), tid)
        if route.refiling:
            triggers = default_deadline_rules().triggers(route.refiling)
            self.doc.add_heading(self.t(triggers.title), level=2)
            self._basis([c.as_dict() for c in triggers.basis])
            for zh, en in zip(triggers.zh, triggers.en, strict=True):
                self.para({"zh": zh, "en": en}, style="List Bullet")

    def _deadlines(self, tid: str) -> None:
        mine = [d for d in self.a.get("deadlines", []) if d.get("transfer") == tid]
        if not mine:
            return
        self.doc.add_heading(self.label("deadlines"), level=2)
        for d in mine:
            flag = f" ({self._word('provisional')})" if d.get("provisional") else ""   # estimates say so in the label
            text = f"{d['date']}  {d['label'][self.lang]}{flag}"
            self.doc.add_paragraph(text + f" — {d['label'][self.other]}", style="List Bullet")

    def _basis(self, basis: list[dict[str, str]]) -> None:
        run = self.doc.add_paragraph().add_run(
            f"{self._word('basis')}: " + "; ".join(cite(b, self.lang) for b in basis))
        run.font.size, run.font.color.rgb = Pt(9), _SECOND

    def _checklist(self, checklist: Checklist) -> None:
        self.doc.add_heading(self.t(checklist.title), level=2)
        self._basis([c.as_dict() for c in checklist.basis])
        for item in checklist.items:
            mark = f" ({self._word('confidence_medium')})" if item.confidence != "high" else ""
            text = item.text.as_dict()
            self.para({self.lang: "☐ " + text[self.lang] + mark, self.other: text[self.other]}, style="List Bullet")
        if checklist.note:
            self.para(checklist.note.text)
            self._basis([c.as_dict() for c in checklist.note.basis])

    def _outline(self, outline: Outline, tid: str) -> None:
        self.doc.add_heading(self.t(outline.title), level=2)
        self.doc.add_heading(self.label("prefill"), level=3)
        company = self.profile.get("company") or {}
        self._table([(self.label("name"), str(company.get("name") or self._word("unknown"))),
                     (self.label("region"), self._region(company)),
                     (self.label("sector"), str(company.get("sector", "")))] + self._facts(tid))
        for number, section in enumerate(outline.sections, start=1):
            self.doc.add_heading(f"{number}. {self.t(section.heading)}", level=3)
            self._basis([c.as_dict() for c in section.basis])
            for zh, en in zip(section.zh, section.en, strict=True):
                self.para({"zh": zh, "en": en}, style="List Number")
