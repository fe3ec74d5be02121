"""Schema of rules/national/filing_packs.yaml: one filing pack per route (materials in the official guide's
order and terms, the documents to prepare with their template headings, the preparer's note), the
extension application, the templates' layout and the words of the pack."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictFloat, StrictInt, StrictStr, model_validator

from advisor.models.base import Strict
from advisor.models.rules import Citation
from advisor.models.text import Bilingual
from advisor.packs.validate import validate_pack
from advisor.packs.yamlio import read_yaml
from advisor.resources import rules_dir, shipped_rules_dir
from advisor.vocab import DeadlineId, Mechanism

FILING_PACKS_FILE = Path("national") / "filing_packs.yaml"  # within a rules folder
FILING_PACKS_YAML = shipped_rules_dir() / FILING_PACKS_FILE  # the shipped one
Fill = Literal["purpose", "volume", "data_categories", "sensitive", "company", "clause", "legal_representative"]
How = Literal["online", "upload", "online_upload"]   # filled in on the system's form, uploaded, or both


class Page(Strict):
    width_cm: StrictFloat
    height_cm: StrictFloat


class Margins(Strict):
    top: StrictFloat
    bottom: StrictFloat
    left: StrictFloat
    right: StrictFloat


class Fonts(Strict):
    body_font: StrictStr
    latin_font: StrictStr
    body_pt: StrictInt
    size_name: StrictStr
    heading_fonts: Annotated[list[StrictStr], Field(min_length=3, max_length=3)]
    heading_bold: Annotated[list[StrictBool], Field(min_length=3, max_length=3)]
    title_font: StrictStr
    title_pt: StrictInt
    line_spacing_pt: StrictInt
    first_line_indent_chars: StrictInt


class Layout(Strict):
    page: Page
    margins_cm: Margins
    zh: Fonts
    en: Fonts


class Material(Bilingual):
    """One item of a materials list, in the source's words; ``how`` it is handed in (the online system's
    form, an uploaded file, or both), where the source says so."""
    how: How | None = None


class Route(Strict):
    id: Mechanism
    title: Bilingual
    mechanism: Mechanism
    filing_body: Bilingual
    channel: Bilingual
    when: Bilingual
    deadline: DeadlineId | None = None
    calendar_step: StrictStr | None = None   # a dated step (deadlines.yaml id) whose event lists the materials
    basis: Annotated[list[Citation], Field(min_length=1)]
    guide: StrictStr
    materials: Annotated[list[Material], Field(min_length=1)]
    materials_from: StrictStr | None = None   # the source (see ``sources``) whose list and order they follow
    materials_note: Bilingual | None = None   # how to read the list (e.g. "in the order of the system's wizard")
    account: Bilingual | None = None          # what registering an account on the channel takes
    contact: Bilingual | None = None          # the enquiry contacts the guide gives
    steps: list[Material] = Field(default_factory=list)     # the online system's steps, in its order and words
    steps_from: StrictStr | None = None       # the source (see ``sources``) of ``steps``
    before: list[Material] = Field(default_factory=list)    # what must be done before applying (not materials)
    before_basis: list[Citation] = Field(default_factory=list)
    documents: list[StrictStr]
    validity: Bilingual | None = None
    validity_basis: list[Citation] = Field(default_factory=list)
    refiling: StrictStr | None = None
    preparer: list[Bilingual] = Field(default_factory=list)


class Extension(Strict):
    title: Bilingual
    filing_body: Bilingual
    when: Bilingual
    basis: Annotated[list[Citation], Field(min_length=1)]
    steps_from: StrictStr | None = None   # the source (see ``sources``) whose ``steps`` these are
    calendar_step: StrictStr | None = None   # the dated step (deadlines.yaml id) whose event lists the steps
    fields: Annotated[list[Bilingual], Field(min_length=1)]   # the dates, pre-filled from the approval
    steps: list[Bilingual] = Field(default_factory=list)       # the application's steps, in the source's order
    preparer: list[Bilingual] = Field(default_factory=list)


class FieldSpec(Strict):
    label: Bilingual
    fill: Fill | None


class Item(Bilingual):
    """A numbered point of a report template (``1.基本情况简介…``), its sub-points (``（1）…``), and what the
    profile pre-fills under it: the transfers, the recipients, or a table (its columns; a row per data
    category of each transfer)."""
    points: list[Bilingual] = Field(default_factory=list)
    needs_pi: StrictBool = False    # "涉及个人信息的…": not applicable where no personal information leaves
    totals: StrictBool = False      # pre-filled with the year's de-duplicated outbound counts
    transfers: StrictBool = False
    recipients: StrictBool = False
    table: list[Bilingual] = Field(default_factory=list)


class SubSection(Strict):
    heading: Bilingual
    fill: Fill | None = None
    transfers: StrictBool = False
    blank: Bilingual | None = None
    items: list[Item] = Field(default_factory=list)


class Section(Strict):
    heading: Bilingual
    fill: Fill | None = None
    blank: Bilingual | None = None
    sub: list[SubSection] = Field(default_factory=list)
    transfers: StrictBool = False


class Document(Strict):
    id: StrictStr
    title: Bilingual
    per_transfer: StrictBool
    needs_pi: StrictBool = False
    parties: StrictBool = False
    declaration: StrictBool = False
    fields: list[FieldSpec] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    basis: list[Citation] = Field(default_factory=list)
    blank: Bilingual | None = None
    cover: Bilingual | None = None   # the template's cover line (个人信息处理者名称 / 数据处理者名称), signed and sealed
    instructions: list[Bilingual] = Field(default_factory=list)   # the template's 说明: for the preparer
    preparer: list[Bilingual] = Field(default_factory=list)


class Source(Strict):
    """An official document the packs follow (an instrument of rules/instruments.yaml, by id), with what of it
    was read and where."""
    instrument: StrictStr
    checked: Bilingual   # what of the document was read and where; shown to the preparer only


class FilingPacks(Strict):
    id: StrictStr
    last_reviewed: dt.date
    layout: Layout
    extension_lead_days: Annotated[StrictInt, Field(ge=0)]
    routes: Annotated[list[Route], Field(min_length=1)]
    extension: Extension
    sources: list[Source] = Field(default_factory=list)
    documents: list[Document]
    labels: dict[str, Bilingual]

    @model_validator(mode="after")
    def _references(self) -> FilingPacks:
        docs, sources = {d.id for d in self.documents}, {s.instrument for s in self.sources}
        for route in self.routes:
            for ref in route.documents:
                if ref not in docs:
                    raise ValueError(f"route {route.id!r} names unknown document {ref!r}")
            for ref in (route.materials_from, route.steps_from):
                if ref and ref not in sources:
                    raise ValueError(f"route {route.id!r}: {ref!r} is not a source")
            for how in sorted({m.how for m in route.materials + route.steps + route.before if m.how}):
                if f"how_{how}" not in self.labels:
                    raise ValueError(f"route {route.id!r}: no label how_{how}")
        if self.extension.steps_from and self.extension.steps_from not in sources:
            raise ValueError(f"extension: steps_from {self.extension.steps_from!r} is not a source")
        if len({r.id for r in self.routes}) != len(self.routes):
            raise ValueError("two routes share an id")
        return self

    def route(self, mechanism: str) -> Route | None:
        return next((r for r in self.routes if r.mechanism == mechanism), None)

    def document(self, ref: str) -> Document:
        return next(d for d in self.documents if d.id == ref)

    def source(self, instrument: str) -> Source | None:
        return next((s for s in self.sources if s.instrument == instrument), None)

    def steps(self, steps: list[Material], lang: str) -> list[str]:
        """A system's steps as the manual numbers them (①…, in the text), each with how it is handed in."""
        return [self._handed(s, s.pick(lang), lang) for s in steps]

    def materials(self, route: Route | list[Material], lang: str) -> list[str]:
        """A route's materials numbered as the guides number them (（一）… in Chinese, 1. … in English), each
        with how it is handed in (（在线填写）/（上传）) where the source says so."""
        from advisor.render.labels import zh_number
        return [self._handed(m, f"（{zh_number(i)}）{m.zh}" if lang == "zh" else f"{i}. {m.en}", lang)
                for i, m in enumerate(route.materials if isinstance(route, Route) else route, start=1)]

    def _handed(self, m: Material, text: str, lang: str) -> str:
        """``text`` with how the item is handed in, where the source says so: …（上传） / … (upload)."""
        if not m.how:
            return text
        how = self.word(f"how_{m.how}", lang)
        return f"{text}（{how}）" if lang == "zh" else f"{text} ({how})"

    def word(self, key: str, lang: str) -> str:
        return self.labels[key].pick(lang)


def plan(assessment: dict[str, Any], packs: FilingPacks) -> list[tuple[Route, list[dict[str, Any]]]]:
    """The routes this assessment needs, in pack order, each with the transfers it covers."""
    out = []
    for route in packs.routes:
        covered = [t for t in assessment.get("transfers", []) if route.mechanism in (t.get("options") or [])
                   and t.get("pathway") in ("standard_contract_or_certification", "security_assessment")]
        if covered:
            out.append((route, covered))
    return out


def extensions_due(assessment: dict[str, Any], packs: FilingPacks) -> list[dict[str, Any]]:
    """Approved security assessments whose extension window opens within the lead time (or is open) and
    that have not yet expired: ``{"transfer", "opens", "expires"}`` each."""
    as_of = dt.date.fromisoformat(str(assessment["as_of"]))
    by_transfer: dict[str, dict[str, str]] = {}
    for d in assessment.get("deadlines", []):
        if d.get("id") in ("assessment_extension_window_opens", "assessment_expiry"):
            by_transfer.setdefault(str(d.get("transfer")), {})[d["id"]] = d["date"]
    out = []
    for tid, dates in by_transfer.items():
        if len(dates) < 2:
            continue
        opens, expires = (dt.date.fromisoformat(dates[k]) for k in
                          ("assessment_extension_window_opens", "assessment_expiry"))
        if expires >= as_of and (opens - as_of).days <= packs.extension_lead_days:
            out.append({"transfer": tid, "opens": opens, "expires": expires})
    return out


def load_filing_packs(path: Path | None = None) -> FilingPacks:
    path = path or rules_dir() / FILING_PACKS_FILE
    return validate_pack(FilingPacks, read_yaml(path), path)


def default_filing_packs() -> FilingPacks:
    """The filing packs of the rules folder in use, read once per folder."""
    return filing_packs_at(rules_dir())


@lru_cache(maxsize=4)
def filing_packs_at(root: Path) -> FilingPacks:
    from advisor.packs.diskcache import cached_files  # read and validated once per content (and code)

    return cached_files("filing_packs", [root / FILING_PACKS_FILE], lambda: load_filing_packs(root / FILING_PACKS_FILE))
