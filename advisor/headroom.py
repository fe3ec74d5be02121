"""Distance to the next threshold: how many more persons before the company's totals cross a boundary
that some rule in force draws (read from the rules' own conditions; Python holds no legal number)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from advisor.engine.conditions import Cond
from advisor.packs.loader import RulePack

TOTALS = {"company.personal_info_total": "personal_info_subjects",
          "company.sensitive_info_total": "sensitive_info_subjects",
          "company.all_info_total": "all_info_subjects"}


def _rising(c: Cond, out: list[tuple[str, int]]) -> None:
    """(fact, first value at which the leaf turns true) for every `gte`/`gt` leaf on a company total."""
    if c[0] != "leaf":
        for x in c[1]:
            _rising(x, out)
        return
    _, fact, op, value = c
    if fact in TOTALS and op in ("gte", "gt"):
        out.append((fact, value if op == "gte" else value + 1))


def _boundaries(pack: RulePack, day: dt.date) -> list[tuple[Any, str, int]]:
    """(rule, total, boundary) of the triggers in force on ``day`` (memoised per day)."""
    memo = pack.memo.setdefault("headroom", {})
    if day not in memo:
        out = []
        for r in pack.rules:
            if r.spec.kind == "trigger" and r.spec.effective.covers(day):
                found: list[tuple[str, int]] = []
                _rising(r.cond, found)
                out += [(r, fact, at) for fact, at in found]
        memo[day] = out
    return memo[day]


def headroom(pack: RulePack, day: dt.date, totals: dict[str, int]) -> list[dict[str, Any]]:
    """For each company total, the nearest boundary above it where a trigger in force starts to apply."""
    nearest: dict[str, tuple[int, list[Any]]] = {}
    for r, fact, at in _boundaries(pack, day):
        if at > totals.get(fact, 0):
            best = nearest.get(fact)
            if best is None or at < best[0]:
                nearest[fact] = (at, [r])
            elif at == best[0]:
                best[1].append(r)
    out = []
    for fact, (at, rules) in sorted(nearest.items()):
        out.append({"count": TOTALS[fact], "total": totals.get(fact, 0), "threshold": at,
                    "remaining": at - totals.get(fact, 0), "rules": [r.spec.id for r in rules],
                    "then": rules[0].spec.title.as_dict()})
    return out
