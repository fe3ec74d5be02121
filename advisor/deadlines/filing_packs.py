"""Schema of rules/national/filing_packs.yaml: materials checklists and report outlines per route."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StrictStr, model_validator

from advisor.resources import rules_dir, shipped_rules_dir
from advisor.packs.validate import validate_pack
from advisor.models.base import Strict
from advisor.models.rules import Citation
from advisor.models.text import Bilingual, BilingualList
from advisor.packs.yamlio import read_yaml
from advisor.vocab import Mechanism, Pathway

FILING_PACKS_FILE = Path("national") / "filing_packs.yaml"  # within a rules folder
FILING_PACKS_YAML = shipped_rules_dir() / FILING_PACKS_FILE  # the shipped one
Confidence = Literal["high", "medium", "low"]




class Route(Strict):
    pathway: Pathway
    title: Bilingual
    checklists: list[StrictStr]
    outlines: list[StrictStr]
    refiling: StrictStr | None = None


class Item(Strict):
    text: Bilingual
    confidence: Confidence


class Note(Strict):
    text: Bilingual
    basis: list[Citation]
    confidence: Confidence


class Checklist(Strict):
    id: StrictStr
    title: Bilingual
    basis: Annotated[list[Citation], Field(min_length=1)]
    items: Annotated[list[Item], Field(min_length=1)]
    note: Note | None = None


class Section(BilingualList):
    heading: Bilingual
    basis: Annotated[list[Citation], Field(min_length=1)]


class Outline(Strict):
    id: StrictStr
    title: Bilingual
    sections: Annotated[list[Section], Field(min_length=1)]


class FilingPacks(Strict):
    id: StrictStr
    last_reviewed: dt.date
    routes: list[Route]
    option_checklists: dict[Mechanism, StrictStr]
    checklists: list[Checklist]
    outlines: list[Outline]
    labels: dict[str, Bilingual]

    @model_validator(mode="after")
    def _references(self) -> FilingPacks:
        lists, outlines = {c.id for c in self.checklists}, {o.id for o in self.outlines}
        for route in self.routes:
            for ref in route.checklists:
                if ref not in lists:
                    raise ValueError(f"route {route.pathway!r} names unknown checklist {ref!r}")
            for ref in route.outlines:
                if ref not in outlines:
                    raise ValueError(f"route {route.pathway!r} names unknown outline {ref!r}")
        for mechanism, ref in self.option_checklists.items():
            if ref not in lists:
                raise ValueError(f"option {mechanism!r} names unknown checklist {ref!r}")
        return self

    def route(self, pathway: str) -> Route | None:
        return next((r for r in self.routes if r.pathway == pathway), None)

    def checklist(self, ref: str) -> Checklist:
        return next(c for c in self.checklists if c.id == ref)

    def outline(self, ref: str) -> Outline:
        return next(o for o in self.outlines if o.id == ref)


def load_filing_packs(path: Path | None = None) -> FilingPacks:
    path = path or rules_dir() / FILING_PACKS_FILE
    return validate_pack(FilingPacks, read_yaml(path), path)


def default_filing_packs() -> FilingPacks:
    """The filing packs of the rules folder in use, read once per folder."""
    return filing_packs_at(rules_dir())


@lru_cache(maxsize=4)
def filing_packs_at(root: Path) -> FilingPacks:
    return load_filing_packs(root / FILING_PACKS_FILE)
