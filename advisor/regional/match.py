"""Which regional measures fit a company (place, sector, need) and how they stand at a date."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from advisor.packs.loader import RulePack
from advisor.regional.catalogue import STATUS_ORDER, contacts_for, sector_fits, status_at
from advisor.regional.models import Measure
from advisor.regions import default_gazetteer


def needs_of(pathways: dict[str, str], transfers: list[Any]) -> set[str]:
    """What the company's transfers call for: outbound, mechanism, assessment, affiliate, HK, MO."""
    return needs_for((pathways[t.id], t.recipient.kind, t.recipient.country) for t in transfers)


def needs_for(rows: Iterable[tuple[str, str, str]]) -> set[str]:
    """``needs_of`` from (pathway, recipient kind, recipient country) per transfer."""
    needs: set[str] = set()
    for p, kind, country in rows:
        if p == "not_outbound":
            continue
        needs.add("outbound")
        if p in ("standard_contract_or_certification", "security_assessment"):
            needs.add("mechanism")
        if p == "security_assessment":
            needs.add("assessment")
        if kind == "affiliate":
            needs.add("affiliate")
        if country in ("HK", "MO"):
            needs.add(country)
    return needs


def need_met(m: Measure, needs: set[str] | None, sector: str | None) -> bool:
    if needs is None:  # browsing: no transfers to judge by
        return True
    if "outbound" not in needs:
        return False
    return {"any": True, "mechanism": "mechanism" in needs, "assessment": "assessment" in needs,
            "affiliate_recipient": "affiliate" in needs, "hk_mo_recipient": m.need_country in needs,
            "sector": bool(m.sectors) and sector in m.sectors}[m.need]


def matching(pack: RulePack, ancestors: tuple[str, ...], zones: frozenset[str], sector: str | None,
             day: dt.date, needs: set[str] | None) -> list[dict[str, Any]]:
    return [row for m, row in placed(pack, ancestors, zones, sector, day, needs is None) if need_met(m, needs, sector)]


def placed(pack: RulePack, ancestors: tuple[str, ...], zones: frozenset[str], sector: str | None, day: dt.date,
           browsing: bool = False) -> list[tuple[Measure, dict[str, Any]]]:
    """Every measure at the place that fits the sector, with its row, usable first (whatever the needs: a
    row reads only whether there are needs, ``browsing`` when there are none). ``matching`` keeps the rows
    whose need the transfers meet; the order stays."""
    rows = [(m, measure_row(pack, m, day, ancestors, zones, sector, None if browsing else _SOME_NEEDS))
            for m in pack.catalogue.at_place(ancestors, zones) if sector_fits(m, sector)]
    rows.sort(key=lambda mr: STATUS_ORDER.index(mr[1]["status"]))
    return rows


_SOME_NEEDS: set[str] = set()  # (a row tells only "needs" from "none": None)


def whole_catalogue(pack: RulePack, sector: str | None, day: dt.date) -> list[dict[str, Any]]:
    """Every measure (of a sector, when given), each explained by the place it names; usable first."""
    rows = [measure_row(pack, m, day, tuple(m.where.regions), frozenset(m.where.zones), sector, None,
                        browse=True)
            for m in pack.catalogue.measures if sector_fits(m, sector)]
    rows.sort(key=lambda r: STATUS_ORDER.index(r["status"]))
    return rows


def _zone_name(slug: str, lang: str) -> str:
    z = default_gazetteer().zone(slug)
    return getattr(z, lang) if z else slug


def _place_name(code: str, lang: str) -> str:
    place = default_gazetteer().get(code)
    return (place.full_zh if lang == "zh" else place.full_en) if place else code


def _why(pack: RulePack, m: Measure, ancestors: tuple[str, ...], zones: frozenset[str], sector: str | None,
         needs: set[str] | None) -> dict[str, str]:
    """Why the measure is shown: where it fits, the sector, and the need (memoised: few distinct reasons)."""
    key = ("why", m.id, ancestors, zones, sector if m.sectors else None, needs is None)
    memo = pack.memo.setdefault("measures", {})
    if key not in memo:
        memo[key] = _why_now(pack, m, ancestors, zones, sector, needs)
    return memo[key]


def _why_now(pack: RulePack, m: Measure, ancestors: tuple[str, ...], zones: frozenset[str], sector: str | None,
             needs: set[str] | None) -> dict[str, str]:
    parts = []
    if m.where.national:
        parts.append(pack.label("measure_why", "national"))
    elif zones.intersection(m.where.zones):
        slugs = sorted(zones.intersection(m.where.zones))
        lab = pack.label("measure_why", "zone")
        parts.append({lang: lab[lang].format(zones=("、" if lang == "zh" else ", ").join(_zone_name(s, lang) for s in slugs))
                      for lang in ("zh", "en")})
    else:
        code = next(c for c in m.where.regions if c in ancestors)
        lab = pack.label("measure_why", "region")
        parts.append({lang: lab[lang].format(code=code, name=_place_name(code, lang)) for lang in ("zh", "en")})
    if m.sectors and sector:
        from advisor.render.labels import label  # the one renderer of words (lazy: it reads the catalogue)

        parts.append({k: v.format(sector=label("sector", sector, k)) for k, v in pack.label("measure_why", "sector").items()})
    if needs is not None:
        parts.append(pack.label("measure_why", f"need_{m.need}"))
    return {"zh": "；".join(p["zh"] for p in parts) + "。", "en": "; ".join(p["en"] for p in parts) + "."}


def measure_row(pack: RulePack, m: Measure, day: dt.date, ancestors: tuple[str, ...], zones: frozenset[str],
                sector: str | None, needs: set[str] | None, browse: bool = False) -> dict[str, Any]:
    memo = pack.memo.setdefault("measures", {})
    static = memo.get(m.id)
    if static is None:
        static = memo[m.id] = _static_row(pack, m)
    row = {"id": m.id, "type": m.types[0], "status": status_at(m, day),
           "why": _why(pack, m, ancestors, zones, sector, needs)}
    row.update(static)
    contact = _browse_contact(m) if browse else contacts_for(m, ancestors, zones)
    if contact is not None:
        row["contact"] = contact
    return row


def _browse_contact(m: Measure) -> dict[str, str] | None:
    """Browsing the whole catalogue there is no company: show only contacts that serve the measure's
    whole place (never one province's contact under a measure for many places)."""
    whole = [c for c in m.contacts if not m.where.national
             and set(m.where.zones) <= set(c.where.zones) and set(m.where.regions) <= set(c.where.regions)]
    if not whole:
        return None
    return {"zh": "；".join(c.text.zh for c in whole), "en": "; ".join(c.text.en for c in whole)}


def _static_row(pack: RulePack, m: Measure) -> dict[str, Any]:
    """What a measure row says whoever asks (built once per measure)."""
    row: dict[str, Any] = {
        "types": list(m.types), "title": m.title.as_dict(),
        "offers": {"zh": list(m.offers.zh), "en": list(m.offers.en)}, "confidence": m.confidence,
        "from": m.from_.text if m.from_ else None, "until": m.until.text if m.until else None,
        "sources": pack.catalogue.shown_sources(m), "last_verified": m.last_verified.isoformat(),
    }
    if m.list_rules is not None and m.list_rules.scenarios:
        row["scenarios"] = [{"slug": s.slug, "title": s.title.as_dict(), "confidence": s.confidence}
                            for s in m.list_rules.scenarios]
    for name in ("issuer", "eligible", "how_to_use", "note"):
        value = getattr(m, name)
        if value is not None:
            row[name] = value.as_dict()
    if m.replaced_by:
        succ = pack.catalogue.by_id[m.replaced_by]
        row["replaced_by"] = {"id": succ.id, "title": succ.title.as_dict(), "on": m.replaced_on.isoformat()}
    return row
