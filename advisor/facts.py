"""Facts for matching, computed in Python before any rule runs (knowledge/durable-rules.md item 7).

Unknown tri-state facts are asserted as the value the law presumes plus an explicit ``*_unknown``
flag (contract §3 item 8), because durable_rules fails every comparison on a missing field.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from advisor.list_scenarios import scenario_obstacles
from advisor.models.profile import Transfer
from advisor.packs.loader import RulePack
from advisor.profile_io import Case
from advisor.regional.lists import (
    gba_contract_available,
    list_obstacles,
    lists_available,
)
from advisor.vocab import MECHANISMS, SPECIAL_CATEGORIES


class TransferFacts:
    """A transfer's facts in three dicts: the company's (``company``, one dict for every transfer of a case), those
    of its enumerable fields (``shared``, one dict for every transfer with the same such fields: ``_enumerated``)
    and the rest of its own (``fields``: ``FIELDS``). ``own`` (shared and fields) and ``facts`` (all of them) are
    built on first use; the memo's matcher reads the three apart (advisor.engine.cache ``CachedMatcher.split``).
    ``TransferFacts(transfer, facts, ...)`` with the whole dict given is the same thing read one way only. None of
    these dicts is ever changed."""

    __slots__ = ("transfer", "company", "shared", "fields", "list_obstacles", "gba_measure", "_own", "_facts")

    def __init__(self, transfer: Transfer, facts: dict[str, Any] | None = None,
                 list_obstacles: list[str] | None = None, gba_measure: str | None = None,
                 company: dict[str, Any] | None = None, shared: dict[str, Any] | None = None,
                 fields: dict[str, Any] | None = None) -> None:
        if (facts is None) == (company is None or shared is None or fields is None):
            raise TypeError("give either the whole facts or company, shared and fields")
        self.transfer, self._facts, self.company, self.shared, self.fields = transfer, facts, company, shared, fields
        self._own: dict[str, Any] | None = None
        self.list_obstacles = [] if list_obstacles is None else list_obstacles
        self.gba_measure = gba_measure

    @property
    def own(self) -> dict[str, Any]:
        """The transfer's own facts (not the company's); only for split facts."""
        if self._own is None:
            self._own = {**self.shared, **self.fields}  # type: ignore[dict-item]
        return self._own

    @property
    def facts(self) -> dict[str, Any]:
        if self._facts is None:
            self._facts = {**self.company, **self.shared, **self.fields}  # type: ignore[dict-item]
        return self._facts

    def __repr__(self) -> str:
        return f"TransferFacts({self.transfer.id!r}, list_obstacles={self.list_obstacles!r}, gba={self.gba_measure!r})"


def company_facts(case: Case, used: frozenset[str]) -> dict[str, Any]:
    c = case.profile.company
    facts: dict[str, Any] = {
        "company.ciio": bool(c.ciio),
        "company.ciio_unknown": c.ciio is None,
        "company.sector": c.sector,
        "company.personal_info_processed": c.personal_info_processed or 0,
        "company.personal_info_processed_unknown": c.personal_info_processed is None,
        "company.established": c.established,
        "company.region_given": c.region is not None,
        "company.hr_rules_in_place": c.hr_rules_in_place is not False,  # presumed true
        "company.hr_rules_in_place_unknown": c.hr_rules_in_place is None,
        "company.large_platform": bool(c.large_platform),  # presumed false
        "company.large_platform_unknown": c.large_platform is None,
    }
    zone_facts = _ZONE_FACTS.get(used)
    if zone_facts is None:
        zone_facts = _ZONE_FACTS[used] = tuple((k, k[len("company.zones."):]) for k in sorted(used)
                                               if k.startswith("company.zones."))
    facts.update({k: zone in case.zones for k, zone in zone_facts})
    return facts


_ZONE_FACTS: dict[frozenset[str], tuple[tuple[str, str], ...]] = {}  # per rule pack's facts: (fact, zone)


# Transfer fields read nowhere else while pathways are decided: each gives exactly these facts, so a question's
# alternative answer to one of them changes only these (advisor.decide.pathways_after_change).
FIELD_FACTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "important_data": lambda v: {"transfer.important_data": bool(v), "transfer.important_data_unknown": v is None},
    "necessary": lambda v: {"transfer.necessary": v is not False,  # presumed true
                            "transfer.necessary_unknown": v is None},
    "onward_transfer": lambda v: {"transfer.onward_transfer": v or "none",  # presumed none
                                  "transfer.onward_transfer_unknown": v is None},
    "important_data_identified": lambda v: {"transfer.important_data_identified": bool(v),
                                            "transfer.important_data_identified_unknown": v is None},
    "core_data": lambda v: {"transfer.core_data": bool(v),  # presumed not core data
                            "transfer.core_data_unknown": v is None},
}
_LATER_FIELDS = ("necessary", "onward_transfer", "important_data_identified", "core_data")
_CATEGORY_FACTS = tuple((f"transfer.special_categories.{s}", s) for s in sorted(SPECIAL_CATEGORIES))
_APPROVAL_FACTS = tuple((f"transfer.approval.{m}", m) for m in sorted(MECHANISMS))
_NO_APPROVALS = {key: False for key, _ in _APPROVAL_FACTS}


# A transfer's facts from its enumerable fields (tri-states, words, categories, approvals, lists, GBA), keyed by
# those fields: a few hundred combinations in practice; cleared when full.
_ENUMERATED: dict[tuple[Any, ...], dict[str, Any]] = {}
ENUMERATED = 2048  # about 1.3 KB each


def _enumerated(key: tuple[Any, ...]) -> dict[str, Any]:
    got = _ENUMERATED.get(key)
    if got is None:
        got = _enumerated_facts(key)
        if len(_ENUMERATED) >= ENUMERATED:
            _ENUMERATED.clear()
        _ENUMERATED[key] = got
    return got


def _enumerated_facts(key: tuple[Any, ...]) -> dict[str, Any]:
    *fields, categories, have, kind, usable, on_list, unknown_available, gba = key
    got: dict[str, Any] = {}
    for name, value in zip(("important_data", *_LATER_FIELDS), fields):
        got.update(FIELD_FACTS[name](value))
    got.update({k: category in categories for k, category in _CATEGORY_FACTS})
    got.update({k: mechanism in have for k, mechanism in _APPROVAL_FACTS} if have else _NO_APPROVALS)
    got.update({"transfer.local_list_kind": kind, "transfer.local_list_usable": usable,
                "transfer.local_list_on_list": on_list, "transfer.local_list_unknown_but_available": unknown_available,
                "transfer.gba_contract_available": gba})
    return got


# The facts of a transfer's ``shared`` dict; the others of its own are in ``fields`` (TransferFacts).
SHARED = frozenset(_enumerated_facts((None, None, None, None, None, (), None, "none", False, False, False, False)))


def screen_facts(case: Case, pack: RulePack, only: str | None = None, at: int | None = None) -> list[TransferFacts]:
    """Facts of every transfer (or of transfer ``only`` alone, found at position ``at`` when given): each
    transfer's own, and the company's (one dict, shared)."""
    base = company_facts(case, pack.used_facts)
    approved: dict[str, frozenset[str]] = {}
    for a in case.profile.approvals:
        approved[a.transfer] = approved.get(a.transfer, frozenset()) | {a.mechanism}
    ciio, anc, sector, day = base["company.ciio"], case.codes, case.profile.company.sector, case.as_of
    available = None
    gbas: dict[str, Any] = {}
    out = []
    transfers = case.profile.transfers
    if only is not None:
        transfers = [transfers[at]] if at is not None else [t for t in transfers if t.id == only]
        if transfers[0].id != only:
            raise ValueError(f"transfer {only!r} is not at position {at}")
    for t in transfers:
        obstacles: list[str] = []
        kind, usable, on_list, unknown_available = "none", False, False, False
        if t.local_list is not None:
            m = pack.catalogue.by_id[t.local_list.id]
            assert m.list_rules is not None
            kind, on_list = m.list_rules.kind, t.local_list.data_on_list
            obstacles = list_obstacles(m, anc, case.zones, sector, ciio, day)
            if t.local_list.scenario is not None and not obstacles:
                obstacles = scenario_obstacles(m, t.local_list.scenario, t)
            usable = not obstacles
        else:
            if available is None:
                available = lists_available(pack.catalogue, anc, case.zones, sector, ciio, day)
            unknown_available = bool(available)
        r = t.recipient
        country = r.country
        gba = gbas.get(country, False)
        if gba is False:
            gba = gbas[country] = gba_contract_available(pack.catalogue, anc, country, day)
        pi, sensitive = t.personal_info_subjects, t.sensitive_info_subjects
        fields = {
            "transfer.outbound": country != "CN",
            "transfer.purpose": t.purpose,
            "transfer.recipient_kind": r.kind,
            "transfer.recipient_country": country,
            "transfer.personal_info_subjects": pi,
            "transfer.sensitive_info_subjects": sensitive,
            "transfer.has_pi": pi > 0 or sensitive > 0,
            "transfer.all_info_subjects": pi + sensitive,
            "transfer.collected_abroad": t.collected_abroad,
        }
        key = (t.important_data, t.necessary, t.onward_transfer, t.important_data_identified, t.core_data,
               tuple(t.special_categories), approved.get(t.id) if approved else None, kind, usable, on_list,
               unknown_available, gba is not None)
        shared = _ENUMERATED.get(key) or _enumerated(key)
        out.append(TransferFacts(t, None, obstacles, gba.id if gba else None, base, shared, fields))
    return out
