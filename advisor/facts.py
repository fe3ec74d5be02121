"""Facts for matching, computed in Python before any rule runs (knowledge/durable-rules.md item 7).

Unknown tri-state facts are asserted as the value the law presumes plus an explicit ``*_unknown``
flag (contract §3 item 8), because durable_rules fails every comparison on a missing field.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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


@dataclass
class TransferFacts:
    transfer: Transfer
    facts: dict[str, Any]
    list_obstacles: list[str] = field(default_factory=list)
    gba_measure: str | None = None


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


def count_facts(personal: int, sensitive: int) -> dict[str, Any]:
    """Every fact a transfer's counts give (the batch hot path keys its caches by where these fall)."""
    return {"transfer.personal_info_subjects": personal, "transfer.sensitive_info_subjects": sensitive,
            "transfer.has_pi": personal > 0 or sensitive > 0, "transfer.all_info_subjects": personal + sensitive}


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


def screen_facts(case: Case, pack: RulePack, only: str | None = None, at: int | None = None) -> list[TransferFacts]:
    """Facts of every transfer (or of transfer ``only`` alone, found at position ``at`` when given)."""
    base = company_facts(case, pack.used_facts)
    approved: dict[str, set[str]] = {}
    for a in case.profile.approvals:
        approved.setdefault(a.transfer, set()).add(a.mechanism)
    ciio, anc, sector, day = base["company.ciio"], case.codes, case.profile.company.sector, case.as_of
    available = None
    out = []
    transfers = case.profile.transfers
    if only is not None:
        transfers = [transfers[at]] if at is not None else [t for t in transfers if t.id == only]
        if transfers[0].id != only:
            raise ValueError(f"transfer {only!r} is not at position {at}")
    for t in transfers:
        f = dict(base)
        f.update({
            "transfer.outbound": t.recipient.country != "CN",
            "transfer.purpose": t.purpose,
            "transfer.recipient_kind": t.recipient.kind,
            "transfer.recipient_country": t.recipient.country,
            **count_facts(t.personal_info_subjects, t.sensitive_info_subjects),
            **FIELD_FACTS["important_data"](t.important_data),
            "transfer.collected_abroad": t.collected_abroad,
        })
        for name in _LATER_FIELDS:
            f.update(FIELD_FACTS[name](getattr(t, name)))
        categories = t.special_categories
        for key, category in _CATEGORY_FACTS:
            f[key] = category in categories
        have = approved.get(t.id)
        if have:
            for key, mechanism in _APPROVAL_FACTS:
                f[key] = mechanism in have
        else:
            f.update(_NO_APPROVALS)
        tf = TransferFacts(t, f)
        kind, usable, on_list, unknown_available = "none", False, False, False
        if t.local_list is not None:
            m = pack.catalogue.by_id[t.local_list.id]
            assert m.list_rules is not None
            kind, on_list = m.list_rules.kind, t.local_list.data_on_list
            tf.list_obstacles = list_obstacles(m, anc, case.zones, sector, ciio, day)
            if t.local_list.scenario is not None and not tf.list_obstacles:
                tf.list_obstacles = scenario_obstacles(m, t.local_list.scenario, t)
            usable = not tf.list_obstacles
        else:
            if available is None:
                available = lists_available(pack.catalogue, anc, case.zones, sector, ciio, day)
            unknown_available = bool(available)
        gba = gba_contract_available(pack.catalogue, anc, t.recipient.country, day)
        tf.gba_measure = gba.id if gba else None
        f.update({"transfer.local_list_kind": kind, "transfer.local_list_usable": usable,
                  "transfer.local_list_on_list": on_list,
                  "transfer.local_list_unknown_but_available": unknown_available,
                  "transfer.gba_contract_available": gba is not None})
        out.append(tf)
    return out
