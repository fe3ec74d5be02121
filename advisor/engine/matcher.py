"""The matcher interface and the plain-Python reference implementation (the oracle)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from advisor.engine.conditions import evaluate
from advisor.packs.loader import PackRule


def day_number(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


class Matcher(Protocol):
    name: str

    def match(self, phase: str, as_of: dt.date, facts: Sequence[dict[str, Any]]) -> list[list[str]]:
        """For each fact dict, the ids of rules of ``phase`` in force at ``as_of`` whose condition holds,
        in pack order."""


class ReferenceMatcher:
    name = "reference"

    def __init__(self, rules: Sequence[PackRule]) -> None:
        self._by_phase: dict[str, list[PackRule]] = {}
        for r in rules:
            self._by_phase.setdefault(r.spec.phase, []).append(r)

    def match(self, phase: str, as_of: dt.date, facts: Sequence[dict[str, Any]]) -> list[list[str]]:
        live = [r for r in self._by_phase.get(phase, ()) if r.spec.effective.covers(as_of)]
        return [[r.spec.id for r in live if evaluate(r.cond, f)] for f in facts]
