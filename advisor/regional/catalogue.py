"""The regional catalogue (rules/regional/*.yaml): loading, status at a date, and place/sector fit."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from advisor.errors import PackError
from advisor.packs.validate import validate_pack
from advisor.packs.yamlio import read_yaml
from advisor.regional.models import Measure

USABLE = ("active",)
STATUS_ORDER = ("active", "unverified", "not_yet_effective", "superseded", "expired")


def status_at(m: Measure, day: dt.date) -> str:
    """not_yet_effective before `from`; superseded from `replaced_on`; expired after `until`; else
    unverified for briefing-only measures, active otherwise (knowledge/regional-measures.md)."""
    if m.from_ is not None and day < m.from_.start:
        return "not_yet_effective"
    if m.replaced_on is not None and day >= m.replaced_on:
        return "superseded"
    if m.until is not None and day > m.until.end:
        return "expired"
    return "unverified" if m.confidence == "unverified" else "active"


@dataclass(frozen=True, eq=False)
class Catalogue:
    measures: tuple[Measure, ...]
    by_id: dict[str, Measure]
    files: dict[str, str]

    @classmethod
    def load(cls, folder: Path) -> Catalogue:
        measures: list[Measure] = []
        files: dict[str, str] = {}
        for path in sorted(folder.glob("*.yaml")):
            doc = read_yaml(path)
            if not isinstance(doc, dict) or not isinstance(doc.get("measures"), list):
                raise PackError(str(path), "expected `region:` and `measures:` with a list")
            for i, raw in enumerate(doc["measures"]):
                mid = raw.get("id") if isinstance(raw, dict) else None
                try:
                    m = validate_pack(Measure, raw, path)
                except PackError as exc:
                    raise PackError(exc.file, exc.message, rule=mid or f"measures.{i}", field_path=exc.field_path,
                                    extra=exc.extra) from None
                if m.id in files:
                    raise PackError(str(path), f"duplicate measure id (also in {files[m.id]})", rule=m.id)
                files[m.id] = str(path)
                measures.append(m)
        by_id = {m.id: m for m in measures}
        for m in measures:
            if m.replaced_by and m.replaced_by not in by_id:
                raise PackError(files[m.id], f"replaced_by names unknown measure {m.replaced_by!r}",
                                rule=m.id, field_path="replaced_by")
        return cls(tuple(measures), by_id, files)

    def lists(self) -> list[Measure]:
        return [m for m in self.measures if m.list_rules is not None]

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - the catalogue lives as long as the process
    def at_place(self, codes: tuple[str, ...], zones: frozenset[str]) -> tuple[Measure, ...]:
        """Measures whose `where` covers a company registered at ``codes`` (place, city, province) in ``zones``."""
        return tuple(m for m in self.measures if place_fits(m, codes, zones))


def place_fits(m: Measure, ancestors: tuple[str, ...], zones: frozenset[str]) -> bool:
    w = m.where
    return w.national or any(code in ancestors for code in w.regions) or bool(zones.intersection(w.zones))


def sector_fits(m: Measure, sector: str | None) -> bool:
    return not m.sectors or sector is None or sector in m.sectors
