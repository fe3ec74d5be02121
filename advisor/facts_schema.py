"""The fact vocabulary rules may name, with types and the phase from which each fact exists.

Phases: ``screen`` (profile facts), ``volume`` (+ company totals over counted transfers), ``outcome``
(+ the decided pathway). A rule may only read facts available in its phase; the loader checks this.
List-valued profile fields are offered as one boolean fact per vocabulary word
(``transfer.special_categories.human_genetic_resources``), so conditions stay flat and typed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from advisor.vocab import (
    Mechanism,
    PATHWAY_ORDER,
    PURPOSES,
    SECTORS,
    SPECIAL_CATEGORIES,
    ZONES,
    Exemption,
)

PHASES = ("screen", "volume", "outcome")


@dataclass(frozen=True)
class FactType:
    kind: str  # "bool" | "int" | "str"
    phase: str = "screen"
    values: frozenset[str] | None = None  # allowed words for str facts


def _b(phase: str = "screen") -> FactType:
    return FactType("bool", phase)


def _i(phase: str = "screen") -> FactType:
    return FactType("int", phase)


def _s(values: frozenset[str] | None, phase: str = "screen") -> FactType:
    return FactType("str", phase, values)


RECIPIENT_KINDS = frozenset({"affiliate", "third_party", "processor", "individual"})
LIST_KINDS = frozenset({"negative_list", "general_data_list", "none"})
TRIGGERS = frozenset({"important_data", "core_data", "ciio", "volume", "all_pi", "none"})
ESTABLISHED = frozenset({"mainland", "abroad"})
ONWARD = frozenset({"none", "within_gba", "outside_gba"})

FACTS: dict[str, FactType] = {
    "company.ciio": _b(),
    "company.ciio_unknown": _b(),
    "company.sector": _s(SECTORS),
    "company.personal_info_processed": _i(),
    "company.personal_info_processed_unknown": _b(),
    "company.established": _s(ESTABLISHED),
    "company.region_given": _b(),
    "company.hr_rules_in_place": _b(),
    "company.hr_rules_in_place_unknown": _b(),
    "company.large_platform": _b(),
    "company.large_platform_unknown": _b(),
    "transfer.outbound": _b(),
    "transfer.purpose": _s(PURPOSES),
    "transfer.recipient_kind": _s(RECIPIENT_KINDS),
    "transfer.recipient_country": _s(None),
    "transfer.personal_info_subjects": _i(),
    "transfer.sensitive_info_subjects": _i(),
    "transfer.has_pi": _b(),
    "transfer.all_info_subjects": _i(),
    "transfer.important_data": _b(),
    "transfer.important_data_unknown": _b(),
    "transfer.collected_abroad": _b(),
    "transfer.necessary": _b(),
    "transfer.necessary_unknown": _b(),
    "transfer.onward_transfer": _s(ONWARD),
    "transfer.onward_transfer_unknown": _b(),
    "transfer.important_data_identified": _b(),
    "transfer.important_data_identified_unknown": _b(),
    "transfer.core_data": _b(),
    "transfer.core_data_unknown": _b(),
    "transfer.local_list_kind": _s(LIST_KINDS),
    "transfer.local_list_usable": _b(),
    "transfer.local_list_on_list": _b(),
    "transfer.local_list_unknown_but_available": _b(),
    "transfer.gba_contract_available": _b(),
    "company.counted_transfers": _i("volume"),
    "company.personal_info_total": _i("volume"),
    "company.sensitive_info_total": _i("volume"),
    "company.all_info_total": _i("volume"),
    "company.deduplicated": _b("volume"),  # company.unique_subjects replaced the sums
    "decision.pathway": _s(frozenset(PATHWAY_ORDER), "outcome"),
    "decision.exemption": _s(frozenset(get_args(Exemption)) | {"none"}, "outcome"),
    "decision.trigger": _s(TRIGGERS, "outcome"),
}
FACTS.update({f"company.zones.{z}": _b() for z in ZONES})
FACTS.update({f"transfer.special_categories.{c}": _b() for c in SPECIAL_CATEGORIES})
FACTS.update({f"transfer.approval.{m}": _b() for m in get_args(Mechanism)})  # mechanisms already obtained


def available(fact: str, phase: str) -> bool:
    """True when ``fact`` exists in rules of ``phase``."""
    ft = FACTS.get(fact)
    return ft is not None and PHASES.index(ft.phase) <= PHASES.index(phase)
