"""Local data lists and the GBA contract: may this company rely on them for this transfer, and if not, why.

Contract §3 items 6 and 7. Whether a list *changes the route* is then decided by the national rules
(rules/national/*.yaml) from the facts this module derives; here only the list's own scope is judged.
"""
from __future__ import annotations

import datetime as dt
import functools

from advisor.regional.catalogue import Catalogue, place_fits, status_at
from advisor.regional.models import Measure


def list_obstacles(m: Measure, ancestors: tuple[str, ...], zones: frozenset[str], sector: str,
                   ciio: bool, day: dt.date) -> list[str]:
    """Reasons (label keys) why ``m`` cannot help this company today; empty when it can."""
    lr = m.list_rules
    assert lr is not None
    reasons = []
    status = status_at(m, day)
    if status != "active":
        reasons.append(f"status_{status}")
    if not place_fits(m, ancestors, zones):
        reasons.append("place")
    if not lr.sectors_known:
        reasons.append("sectors_unknown")
    elif m.sectors and sector not in m.sectors:
        reasons.append("sector")
    if lr.excludes_ciio and ciio:
        reasons.append("ciio")
    return reasons


@functools.lru_cache(maxsize=4096)
def lists_available(cat: Catalogue, ancestors: tuple[str, ...], zones: frozenset[str], sector: str,
                    ciio: bool, day: dt.date) -> tuple[Measure, ...]:
    """Lists in force that this company could rely on (an unknown ``local_list`` then becomes a question)."""
    return tuple(m for m in cat.at_place(ancestors, zones)
                 if m.list_rules is not None and not list_obstacles(m, ancestors, zones, sector, ciio, day))


@functools.lru_cache(maxsize=4096)
def gba_contract_available(cat: Catalogue, ancestors: tuple[str, ...], country: str, day: dt.date) -> Measure | None:
    """The GBA standard contract measure covering this company's place and the recipient's side, if in force."""
    for m in cat.at_place(ancestors, frozenset()):
        if ("gba_standard_contract" in m.types and m.need_country == country
                and status_at(m, day) == "active" and any(c in ancestors for c in m.where.regions)):
            return m
    return None
