"""An exact memo in front of any Matcher.

A rule condition only compares facts with constants. Two fact dicts that fall in the same interval
between those constants for every int fact (and are equal on every other fact the phase reads), on
dates that fall between the same effective-date boundaries, match exactly the same rules. So the
memo key abstracts each int to its interval index; the engine runs once per distinct key.
"""
from __future__ import annotations

import bisect
import datetime as dt
import operator
import threading
from collections.abc import Sequence
from typing import Any

from advisor.engine.conditions import Cond, facts_used
from advisor.engine.matcher import Matcher
from advisor.facts_schema import FACTS
from advisor.packs.loader import PackRule


def _constants(c: Cond, ints: dict[str, set[int]], words: dict[str, set[str]]) -> None:
    if c[0] != "leaf":
        for x in c[1]:
            _constants(x, ints, words)
        return
    _, fact, _, value = c
    values = value if isinstance(value, tuple) else (value,)
    if FACTS[fact].kind == "int":
        for v in values:
            ints.setdefault(fact, set()).update((v, v + 1))
    elif FACTS[fact].kind == "str":
        words.setdefault(fact, set()).update(values)


class _PhaseKey:
    def __init__(self, rules: list[PackRule]) -> None:
        consts: dict[str, set[int]] = {}
        words: dict[str, set[str]] = {}
        used: set[str] = set()
        bounds: set[dt.date] = set()
        for r in rules:
            _constants(r.cond, consts, words)
            used |= facts_used(r.cond)
            bounds.add(r.spec.effective.from_)
            if r.spec.effective.until:
                bounds.add(r.spec.effective.until + dt.timedelta(days=1))
        self.facts = tuple(sorted(used))
        self.cuts = {f: sorted(consts[f]) for f in consts}
        self.words = {f: frozenset(words[f]) for f in words}  # a word no rule names is "other"
        self._get = operator.itemgetter(*self.facts)
        self._ints = tuple((i, self.cuts[f]) for i, f in enumerate(self.facts) if f in self.cuts)
        self._strs = tuple((i, self.words[f]) for i, f in enumerate(self.facts) if f in self.words)
        self.bounds = sorted(bounds)

    def key(self, day: dt.date, f: dict[str, Any]) -> tuple[Any, ...]:
        values = list(self._get(f)) if len(self.facts) > 1 else [self._get(f)]
        for i, cuts in self._ints:
            values[i] = bisect.bisect_right(cuts, values[i])
        for i, words in self._strs:
            if values[i] not in words:
                values[i] = "\0other"
        values.append(bisect.bisect_right(self.bounds, day))
        return tuple(values)


class CachedMatcher:
    def __init__(self, inner: Matcher, rules: Sequence[PackRule], max_entries: int = 100_000) -> None:
        self.inner = inner
        self.name = f"{inner.name}+memo"
        by_phase: dict[str, list[PackRule]] = {}
        for r in rules:
            by_phase.setdefault(r.spec.phase, []).append(r)
        self._keys = {p: _PhaseKey(rs) for p, rs in by_phase.items()}
        self._memo: dict[tuple[Any, ...], list[str]] = {}
        self._max = max_entries
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def match(self, phase: str, as_of: dt.date, facts: Sequence[dict[str, Any]]) -> list[list[str]]:
        pk = self._keys.get(phase)
        if pk is None:
            return [[] for _ in facts]
        keys = [(phase,) + pk.key(as_of, f) for f in facts]
        memo = self._memo
        missing = [i for i, k in enumerate(keys) if k not in memo]
        if missing:
            found = self.inner.match(phase, as_of, [facts[i] for i in missing])
            with self._lock:
                if len(memo) + len(missing) > self._max:
                    memo.clear()
                for i, ids in zip(missing, found):
                    memo[keys[i]] = ids
            self.misses += len(missing)
        self.hits += len(facts) - len(missing)
        return [list(memo[k]) if k in memo else self.inner.match(phase, as_of, [f])[0]
                for k, f in zip(keys, facts)]
