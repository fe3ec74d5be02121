"""The regional catalogue (rules/regional/*.yaml): loading, status at a date, and place/sector fit."""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from advisor.errors import PackError
from advisor.packs.validate import validate_pack
from advisor.packs.yamlio import read_yaml
from advisor.regional.models import Measure
from advisor.regional.publishers import Allowlist

USABLE = ("active",)
STATUS_ORDER = ("active", "unverified", "draft", "not_yet_effective", "superseded", "expired")
BRIEFING_FILE = re.compile(r"seed/|\.txt\b")


def status_at(m: Measure, day: dt.date) -> str:
    """not_yet_effective before `from`; superseded from `replaced_on`; expired after `until`; else
    draft for a draft for comment, unverified for briefing-only measures, active otherwise
    (knowledge/regional-measures.md; contract §2 as revised)."""
    if m.from_ is not None and day < m.from_.start:
        return "not_yet_effective"
    if m.replaced_on is not None and day >= m.replaced_on:
        return "superseded"
    if m.until is not None and day > m.until.end:
        return "expired"
    if m.draft:
        return "draft"
    return "unverified" if m.confidence == "unverified" else "active"


@dataclass(frozen=True, eq=False)
class Catalogue:
    measures: tuple[Measure, ...]
    by_id: dict[str, Measure]
    files: dict[str, str]
    allowlist: Allowlist

    @classmethod
    def load(cls, folder: Path) -> Catalogue:
        allowlist = Allowlist.load(folder.parent / "publishers.yaml")
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
                _check_sources(m, allowlist, path)
                measures.append(m)
        by_id = {m.id: m for m in measures}
        for m in measures:
            if m.replaced_by and m.replaced_by not in by_id:
                raise PackError(files[m.id], f"replaced_by names unknown measure {m.replaced_by!r}",
                                rule=m.id, field_path="replaced_by")
        return cls(tuple(measures), by_id, files, allowlist)

    def shown_sources(self, m: Measure) -> list[dict[str, object]]:
        """The sources a user sees, as contract §2 objects, each link with its allowlisted publisher."""
        out = []
        for s in m.sources:
            pub = self.allowlist.publisher_of(s.url) if s.url else None
            out.append(s.as_dict(pub.name.as_dict() if pub else None))
        return out

    def lists(self) -> list[Measure]:
        return [m for m in self.measures if m.list_rules is not None]

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - the catalogue lives as long as the process
    def at_place(self, codes: tuple[str, ...], zones: frozenset[str]) -> tuple[Measure, ...]:
        """Measures whose `where` covers a company registered at ``codes`` (place, city, province) in ``zones``."""
        return tuple(m for m in self.measures if place_fits(m, codes, zones))


def _check_sources(m: Measure, allowlist: Allowlist, path: Path) -> None:
    """Every shown link is on the publisher allowlist; no source is a file name (the briefing is cited
    by its title and date)."""
    for i, s in enumerate(m.sources):
        if s.url is not None and allowlist.publisher_of(s.url) is None:
            raise PackError(str(path), f"link not on the publisher allowlist (rules/publishers.yaml): {s.url}; "
                            "move it to `trail:` or add an official source", rule=m.id, field_path=f"sources.{i}.url")
        if BRIEFING_FILE.search(s.title):
            raise PackError(str(path), f"a source is cited by its title and date, never by a file name: {s.title!r}",
                            rule=m.id, field_path=f"sources.{i}.title")


def contacts_for(m: Measure, ancestors: tuple[str, ...], zones: frozenset[str]) -> dict[str, str] | None:
    """The measure's contacts for a company at ``ancestors`` in ``zones``: only those whose place holds
    the company (a national measure thus shows the company's own province's contact, or none)."""
    hits = [c.text for c in m.contacts
            if any(code in ancestors for code in c.where.regions) or zones.intersection(c.where.zones)]
    if not hits:
        return None
    return {"zh": "；".join(h.zh for h in hits), "en": "; ".join(h.en for h in hits)}


def place_fits(m: Measure, ancestors: tuple[str, ...], zones: frozenset[str]) -> bool:
    w = m.where
    return w.national or any(code in ancestors for code in w.regions) or bool(zones.intersection(w.zones))


def sector_fits(m: Measure, sector: str | None) -> bool:
    return not m.sectors or sector is None or sector in m.sectors
