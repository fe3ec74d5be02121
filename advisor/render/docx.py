"""The filing pack as one Word document for the whole assessment, in one language (``zh``: the version
to file; ``en``: an unofficial English rendering, a separate file).

Layout: a cover block (processor, credit code, legal representative, contact, seal and date lines, the
filings it holds), then one part per route (standard contract, GBA standard contract, security
assessment, certification, and the extension application when an approved assessment nears expiry):
where and how to file, the materials in the guide's order and terms, then each document to prepare on
its own pages with the template's headings and ``【待填写：…】`` blanks for what the profile does not
give. Last, on its own page, the note to the preparer (what the advisor could not confirm; not filed).
Content: rules/national/filing_packs.yaml; words for codes: advisor/render/labels.py.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from advisor.deadlines.filing_packs import Document as DocSpec
from advisor.deadlines.filing_packs import FilingPacks, Route, default_filing_packs, extensions_due, plan
from advisor.deadlines.rules import default_deadline_rules
from docx.shared import Cm

from advisor.render.docx_layout import apply_layout, header_footer
from advisor.render.labels import cite_all, document, label, transfer_name, zh_number
from advisor.render.words import number



def render_docx(assessment: dict[str, Any], lang: str, today: dt.date | None = None) -> bytes:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en' (got {lang!r})")
    today = today or dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return _Pack(_xml_safe(assessment), lang, default_filing_packs(), today).build()


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NUMBERED = re.compile(r"^\s*(?:\d+\.|（\d+）|\(\d+\)|（[一二三四五六七八九十]+）)\s*|[；。;.]\s*$")


def _bare(point: str) -> str:
    """A template point as the blank names it: without its number and closing punctuation."""
    return _NUMBERED.sub("", point)


def _xml_safe(value: Any) -> Any:
    """The assessment with the characters XML cannot carry (NUL, other control characters) removed from
    every string: a profile may hold them, a Word document may not."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, dict):
        return {k: _xml_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_xml_safe(v) for v in value]
    return value


class _Pack:
    def __init__(self, assessment: dict[str, Any], lang: str, packs: FilingPacks, today: dt.date) -> None:
        self.a, self.lang, self.packs, self.today = assessment, lang, packs, today
        self.profile = assessment.get("profile") or {}
        self.company = self.profile.get("company") or {}
        self.raw = {str(t.get("id")): t for t in self.profile.get("transfers", [])}
        self.numbers = {str(t.get("id")): i for i, t in enumerate(self.profile.get("transfers", []), start=1)}
        self.doc = Document()
        self.fonts = apply_layout(self.doc, packs.layout, lang)
        self.notes: list[tuple[str, list[str]]] = []
        self.instructed: set[str] = set()
        self.processor = "processor"   # 个人信息处理者; 数据处理者 in a security assessment

    # --- small helpers ------------------------------------------------------------------------------
    def w(self, key: str, **kw: Any) -> str:
        text = self.packs.word(key, self.lang)
        return text.format(**kw) if kw else text

    def blank(self, what: str) -> str:
        return self.w("blank", what=what)

    def or_blank(self, value: Any, what_key: str) -> str:
        return str(value) if value not in (None, "", []) else self.blank(self.w(what_key))

    def para(self, text: str, style: str = "Pack Body") -> None:
        self.doc.add_paragraph(text, style=style)

    def title(self, text: str, style: str = "Pack Title") -> None:
        """A title that starts a new page (not the cover's)."""
        self.doc.add_paragraph(text, style=style).paragraph_format.page_break_before = True

    def table(self, rows: list[tuple[str, str]]) -> None:
        table = self.doc.add_table(rows=0, cols=2)
        table.style, table.autofit = self.doc.styles["Table Grid"], False
        layout = self.packs.layout
        text_width = layout.page.width_cm - layout.margins_cm.left - layout.margins_cm.right
        for key, value in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = key, value
            cells[0].width, cells[1].width = Cm(text_width * 0.36), Cm(text_width * 0.64)
        for column, share in zip(table.columns, (0.36, 0.64), strict=True):
            column.width = Cm(text_width * share)
        self.doc.add_paragraph()

    def tname(self, tid: str) -> str:
        return transfer_name(self.raw.get(tid, {"id": tid}), self.lang, self.numbers.get(tid))

    # --- content --------------------------------------------------------------------------------------
    def build(self) -> bytes:
        routes = plan(self.a, self.packs)
        extensions = extensions_due(self.a, self.packs)
        name = self.company.get("name") or self.blank(self.w("cover_company"))
        header_footer(self.doc, f"{name}  {self.w('title')}（{self.w('draft')}）" if self.lang == "zh"
                      else f"{name} — {self.w('title')} ({self.w('draft')})",
                      self.w("page"), f"{self.w('generated')} {self.today.isoformat()}    "
                      f"{self.w('rulepack')} {self.a.get('rulepack', {}).get('version', '')}")
        self._cover(routes, extensions)
        for number_, (route, transfers) in enumerate(routes, start=1):
            self._route(number_, route, transfers)
        for number_, ext in enumerate(extensions, start=len(routes) + 1):
            self._extension(number_, ext)
        self._preparer(routes, extensions)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def _company_rows(self) -> list[tuple[str, str]]:
        c, contact = self.company, self.company.get("contact") or {}
        region = (self.a.get("company") or {}).get("region") or {}
        return [
            (self.w("cover_company"), self.or_blank(c.get("name"), "cover_company")),
            (self.w("credit_code"), self.or_blank(c.get("credit_code"), "credit_code")),
            (self.w("legal_representative"), self.or_blank(c.get("legal_representative"), "legal_representative")),
            (self.w("contact"), self.or_blank(contact.get("name"), "contact")),
            (self.w("phone"), self.or_blank(contact.get("phone"), "phone")),
            (self.w("email"), self.or_blank(contact.get("email"), "email")),
            (self.w("region"), region.get(self.lang) or self.or_blank(None, "region")),
            (self.w("sector"), label("sector", str(c.get("sector", "")), self.lang)),
        ]

    def _cover(self, routes: list, extensions: list) -> None:
        self.doc.add_paragraph(self.w("title"), style="Pack Title")
        self.table(self._company_rows() + [
            (self.w("as_of"), str(self.a.get("as_of", ""))),
            (self.w("generated"), self.today.isoformat()),
            (self.w("rulepack"), str(self.a.get("rulepack", {}).get("version", ""))),
        ])
        self.doc.add_heading(self.w("contents"), level=1)
        titles = [r.title.pick(self.lang) for r, _ in routes] + [self.packs.extension.title.pick(self.lang)] * len(extensions)
        if not titles:
            self.para(self.w("no_route"))
        for i, title in enumerate(titles, start=1):
            self.para(self._part_title(i, title))
        self.para(self.w("english_note"), style="Pack Small")
        for text in (self.w("seal"), self.w("date_line")):
            p = self.doc.add_paragraph(text)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def _route_facts(self, route: Route, transfers: list[dict[str, Any]]) -> list[tuple[str, str]]:
        rows = [(self.w("filing_body"), route.filing_body.pick(self.lang)),
                (self.w("channel"), route.channel.pick(self.lang))]
        if route.account:
            rows.append((self.w("account"), route.account.pick(self.lang)))
        if route.contact:
            rows.append((self.w("enquiries"), route.contact.pick(self.lang)))
        rows.append((self.w("when"), route.when.pick(self.lang)))
        if route.deadline:
            ids = {str(t["id"]) for t in transfers}
            dates = [f"{d['date']}（{self.tname(str(d['transfer']))}）" if self.lang == "zh"
                     else f"{d['date']} ({self.tname(str(d['transfer']))})"
                     for d in self.a.get("deadlines", []) if d.get("id") == route.deadline and str(d.get("transfer")) in ids]
            rows.append((self.w("due"), "；".join(dates) if self.lang == "zh" and dates else
                         "; ".join(dates) if dates else self.blank(route.when.pick(self.lang))))
        rows.append((self.w("basis"), cite_all([b.as_dict() for b in route.basis], self.lang)))
        rows.append((self.w("covers"), ("\n").join(self.tname(str(t["id"])) for t in transfers)))
        return rows

    def _route(self, index: int, route: Route, transfers: list[dict[str, Any]]) -> None:
        self.processor = "cover_company" if route.mechanism == "security_assessment" else "processor"
        self.title(self._part_title(index, route.title.pick(self.lang)))
        if route.mechanism == "certification":
            self.para(self.w("alternative"))
        self.table(self._route_facts(route, transfers))
        part = iter(range(1, 10))
        self.doc.add_heading(self._part(next(part), self.w("materials")), level=1)
        if route.materials_note:
            self.para(route.materials_note.pick(self.lang), style="Pack Small")
        for item in self.packs.materials(route, self.lang):
            self.para(f"☐ {item}", style="Normal")
        if route.steps:   # how the online system takes them, step by step
            self.para(self.w("system_steps") + ("：" if self.lang == "zh" else ":"), style="Normal")
            for step in self.packs.steps(route.steps, self.lang):
                self.para(f"☐ {step}", style="Normal")
        if route.before:   # duties to meet before applying: not materials, but checked off all the same
            sep = "：" if self.lang == "zh" else ":"
            self.para(f"{self.w('before_applying')}（{cite_all([b.as_dict() for b in route.before_basis], self.lang)}）{sep}"
                      if self.lang == "zh" else f"{self.w('before_applying')} "
                      f"({cite_all([b.as_dict() for b in route.before_basis], self.lang)}){sep}", style="Normal")
            for item in self.packs.materials(route.before, self.lang):
                self.para(f"☐ {item}", style="Normal")
        if route.validity:
            self.doc.add_heading(self._part(next(part), self.w("validity")), level=1)
            self.para(route.validity.pick(self.lang))
            self.para(f"{self.w('basis')}：{cite_all([b.as_dict() for b in route.validity_basis], self.lang)}"
                      if self.lang == "zh" else f"{self.w('basis')}: "
                      f"{cite_all([b.as_dict() for b in route.validity_basis], self.lang)}", style="Pack Small")
        if route.refiling:
            triggers = default_deadline_rules().triggers(route.refiling)
            self.doc.add_heading(self._part(next(part), getattr(triggers.title, self.lang)), level=1)
            for i, point in enumerate(getattr(triggers, self.lang), start=1):
                self.para(f"{i}. {point}")
        notes = [n.pick(self.lang) for n in route.preparer]
        has_pi = any(self._persons(str(t["id"])) for t in transfers)
        for ref in route.documents:
            spec = self.packs.document(ref)
            if spec.needs_pi and not has_pi:
                continue
            self._document(spec, transfers)
            notes += [n.pick(self.lang) for n in spec.preparer]
            if spec.id in self.instructed:   # the template's instructions once per pack
                continue
            self.instructed.add(spec.id)
            sep = "：" if self.lang == "zh" else ": "
            notes += [f"{spec.title.pick(self.lang)}{self.w('template_notes')}{sep}{n.pick(self.lang)}" if self.lang == "zh"
                      else f"{spec.title.pick(self.lang)} — {self.w('template_notes')}{sep}{n.pick(self.lang)}"
                      for n in spec.instructions]
        self.notes.append((route.title.pick(self.lang), notes))

    def _part_title(self, n: int, text: str) -> str:
        return f"第{zh_number(n)}部分　{text}" if self.lang == "zh" else f"Part {n}. {text}"

    def _part(self, n: int, text: str) -> str:
        return f"{zh_number(n)}、{text}" if self.lang == "zh" else f"{n}. {text}"

    def _persons(self, tid: str) -> int:
        raw = self.raw.get(tid, {})
        return int(raw.get("personal_info_subjects") or 0) + int(raw.get("sensitive_info_subjects") or 0)

    # --- documents ------------------------------------------------------------------------------------
    def _document(self, spec: DocSpec, transfers: list[dict[str, Any]]) -> None:
        self.title(spec.title.pick(self.lang), style="Document Title")
        if spec.basis:
            self.para(f"{self.w('basis')}{'：' if self.lang == 'zh' else ': '}"
                      f"{cite_all([b.as_dict() for b in spec.basis], self.lang)}", style="Pack Small")
        if spec.declaration:
            self.para(self.w("declaration_intro"))
            if not spec.sections:
                self.table(self._company_rows())
        if spec.sections:
            self._sections(spec, transfers)
            return
        for t in transfers if (spec.per_transfer or spec.declaration) else []:
            tid = str(t["id"])
            self.doc.add_heading(self.tname(tid), level=2)
            if spec.parties or spec.declaration:
                self.table(self._parties(tid))
            if spec.fields:
                self.table([(f.label.pick(self.lang), self._fill(f.fill, tid, _bare(f.label.pick(self.lang))))
                            for f in spec.fields])
            if spec.blank:
                self.para(self.blank(spec.blank.pick(self.lang)))

    def _sections(self, spec: DocSpec, transfers: list[dict[str, Any]]) -> None:
        """A report on its template: the cover line (name, seal, date) unless it is the online form's pre-fill,
        then every heading, numbered point and sub-point in the template's order, each with what the profile
        gives (company, transfers, recipients, the data-item table) or a blank naming what to write."""
        if spec.cover:
            name = self.company.get("name") or ""
            for text in ((f"{spec.cover.zh}：{name}{self.w('seal')}" if self.lang == "zh"
                          else f"{spec.cover.en}: {name} {self.w('seal')}"), self.w("date_line")):
                self.doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.CENTER
        # the recipients get their own point where the template has one: the transfer tables then leave them out
        own_recipients = any(i.recipients for sec in spec.sections for sub in sec.sub for i in sub.items)
        for section in spec.sections:
            self.doc.add_heading(section.heading.pick(self.lang), level=1)
            if section.fill == "company":
                self.table(self._company_rows())
            elif section.fill == "legal_representative":
                self.table(self._company_rows()[2:3])
            if section.blank:
                self.para(self.blank(section.blank.pick(self.lang)))
            for sub in section.sub:
                self.doc.add_heading(sub.heading.pick(self.lang), level=2)
                if sub.fill == "company":
                    self.table(self._company_rows())
                if sub.blank:
                    self.para(self.blank(sub.blank.pick(self.lang)))
                for item in sub.items:
                    self._item(item, transfers, own_recipients)
                if sub.transfers:
                    self._transfer_tables(transfers, parties=not own_recipients)
            if section.transfers:
                self._transfer_tables(transfers, parties=not own_recipients)

    def _item(self, item: Any, transfers: list[dict[str, Any]], own_recipients: bool) -> None:
        self.doc.add_heading(item.pick(self.lang), level=3)
        for point in item.points:
            self.para(point.pick(self.lang))
        if item.needs_pi and not any(self._persons(str(t["id"])) for t in transfers):
            self.para(self.w("no_pi"))
            return
        if item.totals:
            totals = self.a.get("totals") or {}
            self.table([(self.w("counted_since"), str(totals.get("counted_since") or self.blank(self.w("counted_since")))),
                        (self.w("pi_subjects"), number(int(totals.get("personal_info_subjects") or 0))),
                        (self.w("sensitive_subjects"), number(int(totals.get("sensitive_info_subjects") or 0)))])
        if item.transfers:
            self._transfer_tables(transfers, parties=not own_recipients)
        elif item.recipients:
            for t in transfers:
                self.doc.add_heading(self.tname(str(t["id"])), level=4)
                self.table(self._parties(str(t["id"]))[1:])
        elif item.table:
            self._item_table(item, transfers)
        if not item.table:
            self.para(self.blank(_bare(item.pick(self.lang))))

    def _item_table(self, item: Any, transfers: list[dict[str, Any]]) -> None:
        """The template's list of data items, one table per transfer (scenario): a row per data category the
        profile gives, the columns it does not give left blank."""
        columns = [c.pick(self.lang) for c in item.table]
        for t in transfers:
            tid = str(t["id"])
            self.doc.add_heading(self.tname(tid), level=4)
            cats = self.raw.get(tid, {}).get("data_categories") or []
            rows = [[str(i), cat] + [""] * (len(columns) - 2) for i, cat in enumerate(cats, start=1)]
            rows = rows or [["1", self.blank(columns[1])] + [""] * (len(columns) - 2)]
            grid = self.doc.add_table(rows=1, cols=len(columns))
            grid.style, grid.autofit = self.doc.styles["Table Grid"], False
            layout = self.packs.layout
            width = layout.page.width_cm - layout.margins_cm.left - layout.margins_cm.right
            shares = [0.09] + [0.91 / (len(columns) - 1)] * (len(columns) - 1)   # a narrow first (number) column
            for row in [columns] + rows:
                cells = grid.add_row().cells if row is not columns else grid.rows[0].cells
                for cell, text, share in zip(cells, row, shares, strict=True):
                    cell.text, cell.width = text, Cm(width * share)
            self.doc.add_paragraph()

    def _transfer_tables(self, transfers: list[dict[str, Any]], parties: bool = True) -> None:
        for t in transfers:
            tid = str(t["id"])
            self.doc.add_heading(self.tname(tid), level=4)
            self.table((self._parties(tid) if parties else self._parties(tid)[:1]) + [
                (self.w("purpose"), self._fill("purpose", tid, "")),
                (self.w("pi_subjects"), number(int(self.raw.get(tid, {}).get("personal_info_subjects") or 0))),
                (self.w("sensitive_subjects"), number(int(self.raw.get(tid, {}).get("sensitive_info_subjects") or 0))),
                (self.w("data_categories"), self._fill("data_categories", tid, self.w("data_categories"))),
                (self.w("important_data"), self._important(tid)),
            ])

    def _important(self, tid: str) -> str:
        value = self.raw.get(tid, {}).get("important_data")
        return self.blank(self.w("important_data")) if value is None else self.w("yes" if value else "no")

    def _parties(self, tid: str) -> list[tuple[str, str]]:
        rec = self.raw.get(tid, {}).get("recipient") or {}
        contact = rec.get("contact") or {}
        reach = " ".join(str(x) for x in (contact.get("name"), contact.get("phone"), contact.get("email")) if x)
        r = self.w("recipient")
        sep = "：" if self.lang == "zh" else ": "
        return [
            (self.w(self.processor), self.or_blank(self.company.get("name"), "cover_company")),
            (r + sep + self.w("name"), rec.get("name") or self.blank(r + self.w("name"))),
            (r + sep + self.w("recipient_country"), label("country", str(rec.get("country", "")), self.lang)),
            (r + sep + self.w("recipient_kind"), label("recipient_kind", str(rec.get("kind", "")), self.lang)),
            (r + sep + self.w("address"), rec.get("address") or self.blank(r + self.w("address"))),
            (r + sep + self.w("contact"), reach or self.blank(r + self.w("contact"))),
        ]

    def _fill(self, fill: str | None, tid: str, what: str) -> str:
        raw = self.raw.get(tid, {})
        if fill == "purpose":
            words = label("purpose", str(raw.get("purpose", "")), self.lang)
            return f"{words}：{raw['description']}" if raw.get("description") and self.lang == "zh" else (
                f"{words}: {raw['description']}" if raw.get("description") else words)
        if fill == "volume":
            n, s = int(raw.get("personal_info_subjects") or 0), int(raw.get("sensitive_info_subjects") or 0)
            return self.w("persons_mixed", n=number(n), s=number(s)) if s else self.w("persons", n=number(n))
        if fill == "data_categories":
            cats = raw.get("data_categories") or []
            return ("、" if self.lang == "zh" else ", ").join(cats) if cats else self.blank(what)
        if fill == "clause":
            return self.blank(self.w("clause"))
        if fill == "sensitive":
            return self.blank(self.w("sensitive_blank")) if raw.get("sensitive_info_subjects") else self.w("none_sensitive")
        return self.blank(what)

    # --- extension and the preparer's note --------------------------------------------------------------
    def _extension(self, index: int, ext: dict[str, Any]) -> None:
        spec = self.packs.extension
        self.title(self._part_title(index, spec.title.pick(self.lang)))
        tid = ext["transfer"]
        approval = next((a for a in self.profile.get("approvals", []) if a.get("transfer") == tid
                         and a.get("mechanism") == "security_assessment"), {})
        self.table([(self.w("covers"), self.tname(tid)),
                    (self.w("filing_body"), spec.filing_body.pick(self.lang)),
                    (self.w("when"), spec.when.pick(self.lang)),
                    (self.w("basis"), cite_all([b.as_dict() for b in spec.basis], self.lang))])
        known = [str(approval.get("issued_on") or ""), ext["expires"].isoformat(), ext["opens"].isoformat()]
        self.table([(f.pick(self.lang), known[i] if i < len(known) and known[i] else self.blank(f.pick(self.lang)))
                    for i, f in enumerate(spec.fields)])
        if spec.steps:   # the online application's steps, in the system manual's order
            self.doc.add_heading(self.w("steps"), level=1)
            self.table([(step.pick(self.lang), self.blank(_bare(step.pick(self.lang)[1:])))
                        for step in spec.steps])
        self.notes.append((spec.title.pick(self.lang), [n.pick(self.lang) for n in spec.preparer]))

    def _preparer(self, routes: list, extensions: list) -> None:
        self.title(self.w("preparer_title"))
        self.para(self.w("preparer_intro"))
        for title, notes in self.notes:
            self.doc.add_heading(title, level=1)
            for i, note in enumerate(notes, start=1):
                self.para(f"{i}. {note}")
        self.doc.add_heading(self.w("preparer_sources"), level=1)
        seen: list[dict[str, str]] = []
        for route, _ in routes:
            own = [route.guide] + [r for r in (route.materials_from, route.steps_from) if r]
            for b in [{"instrument": i} for i in own] + [{"instrument": c.instrument} for c in route.basis]:
                if b not in seen:
                    seen.append(b)
        if extensions:
            seen += [{"instrument": c.instrument} for c in self.packs.extension.basis
                     if {"instrument": c.instrument} not in seen]
        if extensions and self.packs.extension.steps_from:
            seen += [{"instrument": self.packs.extension.steps_from}] if {"instrument": self.packs.extension.steps_from} not in seen else []
        for b in seen:
            src = self.packs.source(b["instrument"])
            self.para("· " + document(b["instrument"], self.lang)
                      + (("：" if self.lang == "zh" else ": ") + src.checked.pick(self.lang) if src else ""), style="Normal")
        fonts = self.fonts
        self.para((f"版式：A4；正文{fonts.body_font}{fonts.size_name}，标题{'/'.join(fonts.heading_fonts)}，"
                   f"固定行距{fonts.line_spacing_pt}磅（依模板）。未安装这些字体的电脑会以其他字体替代显示。")
                  if self.lang == "zh" else
                  (f"Layout: A4; body {fonts.body_font} {fonts.size_name}, exactly {fonts.line_spacing_pt} pt line "
                   "spacing. The Chinese version uses the template's fonts; a computer without them substitutes others."),
                  style="Pack Small")
