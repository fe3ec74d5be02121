"""Schema of rules/national/filing_packs.yaml: one filing pack per route (materials in the official guide's
order and terms, the documents to prepare with their template headings, the preparer's note), the
extension application, the templates' layout and the words of the pack."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictFloat, StrictInt, StrictStr, model_validator

from advisor.models.base import Strict
from advisor.models.rules import Citation
from advisor.models.text import Bilingual
from advisor.packs.validate import validate_pack
from advisor.packs.yamlio import read_yaml
from advisor.resources import shipped_rules_dir
from advisor.vocab import DeadlineId, Mechanism

FILING_PACKS_YAML = shipped_rules_dir() / "national" / "filing_packs.yaml"
Fill = Literal["purpose", "volume", "data_categories", "sensitive", "company"]


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


class Route(Strict):
    id: Mechanism
    title: Bilingual
    mechanism: Mechanism
    filing_body: Bilingual
    channel: Bilingual
    when: Bilingual
    deadline: DeadlineId | None = None
    basis: Annotated[list[Citation], Field(min_length=1)]
    guide: StrictStr
    materials: Annotated[list[Bilingual], Field(min_length=1)]
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
    fields: Annotated[list[Bilingual], Field(min_length=1)]
    preparer: list[Bilingual] = Field(default_factory=list)


class FieldSpec(Strict):
    label: Bilingual
    fill: Fill | None


class SubSection(Strict):
    heading: Bilingual
    fill: Fill | None = None
    transfers: StrictBool = False
    items: list[Bilingual] = Field(default_factory=list)


class Section(Strict):
    heading: Bilingual
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
    preparer: list[Bilingual] = Field(default_factory=list)


class FilingPacks(Strict):
    id: StrictStr
    last_reviewed: dt.date
    layout: Layout
    extension_lead_days: Annotated[StrictInt, Field(ge=0)]
    routes: Annotated[list[Route], Field(min_length=1)]
    extension: Extension
    documents: list[Document]
    labels: dict[str, Bilingual]

    @model_validator(mode="after")
    def _references(self) -> FilingPacks:
        docs = {d.id for d in self.documents}
        for route in self.routes:
            for ref in route.documents:
                if ref not in docs:
                    raise ValueError(f"route {route.id!r} names unknown document {ref!r}")
        if len({r.id for r in self.routes}) != len(self.routes):
            raise ValueError("two routes share an id")
        return self

    def route(self, mechanism: str) -> Route | None:
        return next((r for r in self.routes if r.mechanism == mechanism), None)

    def document(self, ref: str) -> Document:
        return next(d for d in self.documents if d.id == ref)

    def word(self, key: str, lang: str) -> str:
        return self.labels[key].pick(lang)


def load_filing_packs(path: Path = FILING_PACKS_YAML) -> FilingPacks:
    return validate_pack(FilingPacks, read_yaml(path), path)


@lru_cache(maxsize=1)
def default_filing_packs() -> FilingPacks:
    return load_filing_packs()
