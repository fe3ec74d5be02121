"""The scenarios of a local data list, as the regional catalogue exposes them (contract §7,
`transfers[].local_list.scenario`).

The catalogue's scenario data belongs to the regional models (advisor/regional/models.py). This module
reads whatever a list's `list_rules.scenarios` holds: a plain slug (today: a purpose word), or an object
with an `id` (or `slug`) and optionally `purposes` and the scenario-level volume caps
`max_personal_info_subjects` / `max_sensitive_info_subjects` (persons, inclusive). Nothing here holds a
legal number: caps come from the catalogue.
"""
from __future__ import annotations

from typing import Any


def _slug(s: Any) -> str | None:
    if isinstance(s, str):
        return s
    return getattr(s, "id", None) or getattr(s, "slug", None)


def scenario_slugs(measure: Any) -> frozenset[str]:
    lr = getattr(measure, "list_rules", None)
    if lr is None:
        return frozenset()
    return frozenset(x for x in (_slug(s) for s in lr.scenarios) if x)


def scenario_of(measure: Any, slug: str) -> Any:
    for s in measure.list_rules.scenarios:
        if _slug(s) == slug:
            return s
    return None


def scenario_obstacles(measure: Any, slug: str, transfer: Any) -> list[str]:
    """Label keys (pack.yaml `list_obstacle`) for why the transfer is outside the named scenario."""
    s = scenario_of(measure, slug)
    if s is None or isinstance(s, str):
        return []
    out = []
    purposes = getattr(s, "purposes", None)
    if purposes and transfer.purpose not in purposes:
        out.append("scenario_purpose")
    cap = getattr(s, "max_personal_info_subjects", None)
    if cap is not None and transfer.personal_info_subjects > cap:
        out.append("scenario_volume")
    cap = getattr(s, "max_sensitive_info_subjects", None)
    if cap is not None and transfer.sensitive_info_subjects > cap:
        out.append("scenario_volume")
    return sorted(set(out))


def purpose_listed(measure: Any, purpose: str) -> bool:
    """True when the purpose is obviously one of the list's scenarios (contract §3 item 6)."""
    for s in measure.list_rules.scenarios:
        if s == purpose or purpose in (getattr(s, "purposes", None) or ()):
            return True
    return False
