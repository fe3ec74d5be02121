"""The scenarios of a local data list, as the regional catalogue exposes them (contract §7,
`transfers[].local_list.scenario`; the data model is advisor/regional/models.py `ListRules`/`Scenario`).

Nothing here holds a legal number: scenario purposes and volume tiers come from the catalogue.
"""
from __future__ import annotations

from typing import Any


def scenario_slugs(measure: Any) -> frozenset[str]:
    lr = getattr(measure, "list_rules", None)
    return frozenset(s.slug for s in lr.scenarios) if lr is not None else frozenset()


def scenario_obstacles(measure: Any, slug: str, transfer: Any) -> list[str]:
    """Label keys (pack.yaml `list_obstacle`) for why the transfer is outside the named scenario: its
    purpose is not the scenario's, or its counts reach one of the scenario's volume tiers (from there the
    scenario's data is on the list and the national route applies)."""
    s = measure.list_rules.scenario(slug)
    if s is None:
        return []
    out = []
    if s.purposes and transfer.purpose not in s.purposes:
        out.append("scenario_purpose")
    if s.tier_for(transfer.personal_info_subjects, transfer.sensitive_info_subjects) is not None:
        out.append("scenario_volume")
    return out


def purpose_listed(measure: Any, purpose: str) -> bool:
    """True when the purpose is obviously one of the list's scenarios (contract §3 item 6)."""
    return purpose in measure.list_rules.scenario_purposes
