"""What changed between two assessments of the same profile: the routes, and why (issue: portfolio).

    route_of(assessment) -> {"overall", "transfers": {id: {"pathway", "exemption", "options"}}}
    compare(before, after, *, id=None) -> a change entry, or None when nothing a client acts on moved

A change entry:
    {"id", "company", "as_of": {"before", "after"}, "rulepack": {"before", "after"},
     "before": route, "after": route,
     "why": {"rules_stopped": [{"transfer", "rule"}], "rules_started": [...],
             "deadlines_moved": [{"id", "transfer", "before", "after"}]},
     "warnings": [{"zh", "en"}]}

Nothing here decides law: it reads two assessments (each with its `matched` audit trail and deadlines).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

Route = dict[str, Any]


def route_of(a: dict[str, Any]) -> Route:
    return {"overall": a["overall"],
            "transfers": {t["id"]: {"pathway": t["pathway"], "exemption": t.get("exemption"),
                                    "options": sorted(t.get("options") or [])} for t in a["transfers"]}}


def _matched(a: dict[str, Any]) -> set[tuple[str, str]]:
    return {(t["id"], r) for t in a["transfers"] for r in t.get("matched") or ()}


def _deadlines(a: dict[str, Any]) -> dict[tuple[str, str | None], str]:
    return {(d["id"], d.get("transfer")): d["date"] for d in a.get("deadlines") or ()}


def _window_start(a: dict[str, Any]) -> str | None:
    return (a.get("totals") or {}).get("counted_since")


def _window_warning(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    """Counts are kept as the profile declared them: say so when the later date counts another window."""
    b, f = _window_start(before), _window_start(after)
    if not b or not f or b == f:
        return []
    return [{"zh": f"人数按原档案申报的口径（自{b}起计算）沿用；按{after['as_of']}的规则应自{f}起重新统计，"
                   "结论可能随实际人数变化。",
             "en": f"The counts are kept as the profile declared them (counted since {b}); at {after['as_of']} "
                   f"the rules count since {f}, so the result may change with the real figures."}]


def compare(before: dict[str, Any], after: dict[str, Any], *, id: str | None = None) -> dict[str, Any] | None:
    """The change from ``before`` to ``after`` (two assessments of one profile), or None if the routes
    and the deadlines are the same."""
    rb, ra = route_of(before), route_of(after)
    db, da = _deadlines(before), _deadlines(after)
    moved = [{"id": k[0], "transfer": k[1], "before": db.get(k), "after": da.get(k)}
             for k in sorted(set(db) | set(da), key=lambda k: (k[0], k[1] or "")) if db.get(k) != da.get(k)]
    if rb == ra and not moved:
        return None
    mb, ma = _matched(before), _matched(after)
    company = (after.get("profile") or before.get("profile") or {}).get("company", {})
    return {
        "id": id or after.get("id") or before.get("id") or after.get("source") or before.get("source"),
        "company": company.get("name"),
        "as_of": {"before": before["as_of"], "after": after["as_of"]},
        "rulepack": {"before": before["rulepack"]["digest"], "after": after["rulepack"]["digest"]},
        "before": rb, "after": ra,
        "why": {"rules_stopped": [{"transfer": t, "rule": r} for t, r in sorted(mb - ma)],
                "rules_started": [{"transfer": t, "rule": r} for t, r in sorted(ma - mb)],
                "deadlines_moved": moved},
        "warnings": _window_warning(before, after),
    }


def changed_transfers(entry: dict[str, Any]) -> list[str]:
    b, a = entry["before"]["transfers"], entry["after"]["transfers"]
    return [t for t in sorted(set(b) | set(a)) if b.get(t) != a.get(t)]
