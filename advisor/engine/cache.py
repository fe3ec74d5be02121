"""An exact memo in front of any Matcher.

A rule condition only compares facts with constants. Two fact dicts that fall in the same interval
between those constants for every int fact (and are equal on every other fact the phase reads), on
dates that fall between the same effective-date boundaries, match exactly the same rules. So the
memo key abstracts each int to its interval index; the engine runs once per distinct key.
"""
from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import operator
import threading
from collections.abc import Sequence
from typing import Any

from advisor.engine.conditions import Cond, facts_used
from advisor.engine.matcher import Matcher
from advisor.facts_schema import FACTS
from advisor.packs import diskcache
from advisor.packs.loader import PackRule

PERSISTED = 100_000  # memo entries kept on disk (a few MB; loading them stays far below start-up's budget)
_CODE = ("cache.py", "conditions.py", "durable.py", "matcher.py")


def _code_digest() -> str:
    """The memo is a function of the rules and of this engine's code (and the fact vocabulary)."""
    from pathlib import Path

    import advisor.facts_schema

    h = hashlib.sha256()
    here = Path(__file__).parent
    for p in [*(here / name for name in _CODE), Path(advisor.facts_schema.__file__)]:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


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


class _Abstraction:
    """Maps a phase's fact values to the interval or word class that its rules can tell apart."""

    def __init__(self, rules: list[PackRule], facts: tuple[str, ...]) -> None:
        consts: dict[str, set[int]] = {}
        words: dict[str, set[str]] = {}
        bounds: set[dt.date] = set()
        for r in rules:
            _constants(r.cond, consts, words)
            bounds.add(r.spec.effective.from_)
            if r.spec.effective.until:
                bounds.add(r.spec.effective.until + dt.timedelta(days=1))
        self._get = operator.itemgetter(*facts, *facts[:1])  # always a tuple (last item is overwritten)
        self._ints = tuple((i, sorted(consts[f])) for i, f in enumerate(facts) if f in consts)
        self._strs = tuple((i, frozenset(words[f])) for i, f in enumerate(facts) if f in words)
        self.bounds = sorted(bounds)

    def __call__(self, day: dt.date, f: dict[str, Any]) -> list[Any]:
        v = list(self._get(f))
        for i, cuts in self._ints:
            v[i] = bisect.bisect_right(cuts, v[i])
        for i, words in self._strs:
            if v[i] not in words:
                v[i] = "\0other"
        v[-1] = bisect.bisect_right(self.bounds, day)
        return v


class CachedMatcher:
    """The memo is kept per phase and rule kind: each kind's key covers only the facts its own rules
    read, so far fewer keys are distinct. A miss in any kind costs one call of the inner matcher for
    the whole phase, and its hits fill every kind's entry."""

    def __init__(self, inner: Matcher, rules: Sequence[PackRule], max_entries: int = 200_000,
                 persist: str | None = None) -> None:
        self.inner = inner
        self.name = f"{inner.name}+memo"
        groups: dict[tuple[str, str], list[PackRule]] = {}
        phase_facts: dict[str, set[str]] = {}
        for r in rules:
            groups.setdefault((r.spec.phase, r.spec.kind), []).append(r)
            phase_facts.setdefault(r.spec.phase, set()).update(facts_used(r.cond))
        facts = {p: tuple(sorted(fs)) for p, fs in phase_facts.items()}
        self._abstract = {p: _Abstraction([r for r in rules if r.spec.phase == p], fs) for p, fs in facts.items()}
        self._groups: dict[str, list[tuple[str, Any]]] = {}
        for (phase, kind), rs in groups.items():
            used = sorted(set().union(*(facts_used(r.cond) for r in rs)))
            pick = operator.itemgetter(*(facts[phase].index(f) for f in used), -1)  # -1: the date class
            self._groups.setdefault(phase, []).append((kind, pick))
        self._kind = {r.spec.id: r.spec.kind for r in rules}
        self._order = {r.spec.id: r.order for r in rules}
        self._memo: dict[tuple[Any, ...], tuple[str, ...]] = {}
        self._whole: dict[tuple[Any, ...], tuple[str, ...]] = {}  # (phase, whole abstract vector) -> ids
        self.answers: dict[tuple[Any, ...], bool] = {}  # kept by advisor.questions: keyed by these vectors
        self._max = max_entries
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        self._persist = persist and hashlib.sha256(f"{persist}\0{_code_digest()}".encode()).hexdigest()
        self._new: list[tuple[tuple[Any, ...], tuple[str, ...]]] = []  # learnt since take_new()
        self._dirty = False
        if self._persist:
            saved = diskcache.load("memo", self._persist)
            if isinstance(saved, dict) and len(saved) <= max_entries:
                self._memo.update(saved)
            saved = diskcache.load("answers", self._persist)  # (keyed by these vectors, and by this code)
            if isinstance(saved, dict) and len(saved) <= PERSISTED:
                self.answers.update(saved)
        self._answers_kept = len(self.answers)

    def take_new(self) -> list[tuple[tuple[Any, ...], tuple[str, ...]]]:
        """The entries learnt since the last call (a --jobs worker hands them to the parent)."""
        with self._lock:
            new, self._new = self._new, []
            self._dirty = self._dirty or bool(new)  # still in this memo: save() must keep them
        return new

    def learn(self, entries: list[tuple[tuple[Any, ...], tuple[str, ...]]]) -> None:
        """Add entries another process learnt from the same rule pack."""
        with self._lock:
            if entries and len(self._memo) + len(entries) <= self._max:
                self._memo.update(entries)
                self._dirty = True

    def save(self) -> None:
        """Keep what was learnt in the disk cache, under the rule pack's digest (and this code's), so that
        the next process, and each --jobs worker, starts warm. Up to PERSISTED entries. The questions' remembered
        answers (``answers``, keyed by the same abstract vectors) are kept alike."""
        if self._persist and len(self.answers) != self._answers_kept and len(self.answers) <= PERSISTED:
            self._answers_kept = len(self.answers)
            diskcache.store("answers", self._persist, self.answers)
        with self._lock:
            if not (self._persist and (self._dirty or self._new)):
                return
            memo = self._memo if len(self._memo) <= PERSISTED else dict(list(self._memo.items())[:PERSISTED])
            self._dirty = False
        diskcache.store("memo", self._persist, memo)

    def match(self, phase: str, as_of: dt.date, facts: Sequence[dict[str, Any]]) -> list[list[str]]:
        return self.match_keyed(phase, as_of, facts)[0]

    def match_keyed(self, phase: str, as_of: dt.date,
                    facts: Sequence[dict[str, Any]]) -> tuple[list[list[str]], list[tuple[Any, ...] | None]]:
        """``match``, with each fact dict's whole abstract vector (None where the phase has no rules): two fact
        dicts with the same vector match the same rules, and so do two that differ from them in the same facts
        by the same values (the abstraction is fact by fact). First the whole vector (one look-up, the answer
        already sorted), then the memo per rule kind (shared by more vectors), then the inner matcher."""
        groups = self._groups.get(phase)
        if not groups:
            return [[] for _ in facts], [None for _ in facts]
        abstract, whole = self._abstract[phase], self._whole
        out: list[list[str]] = []
        rest: list[int] = []
        vectors = []
        for i, f in enumerate(facts):
            v = (phase, *abstract(as_of, f))
            vectors.append(v)
            ids = whole.get(v)
            if ids is None:
                rest.append(i)
                out.append([])
            else:
                out.append(list(ids))
        if rest:
            if len(whole) + len(rest) > self._max:
                whole.clear()
            found = self._match_by_kind(phase, as_of, [facts[i] for i in rest], [vectors[i][1:] for i in rest])
            for i, ids in zip(rest, found):
                out[i] = ids
                whole[vectors[i]] = tuple(ids)
        self.hits += len(facts) - len(rest)
        return out, vectors

    def _match_by_kind(self, phase: str, as_of: dt.date, facts: Sequence[dict[str, Any]],
                       vectors: list[tuple[Any, ...]]) -> list[list[str]]:
        groups = self._groups[phase]
        memo = self._memo
        keys = [[(phase, kind, *pick(values)) for kind, pick in groups] for values in vectors]
        missing = [i for i, ks in enumerate(keys) if any(k not in memo for k in ks)]
        found: dict[int, list[str]] = {}
        if missing:
            for i, ids in zip(missing, self.inner.match(phase, as_of, [facts[i] for i in missing])):
                found[i] = ids
            with self._lock:
                if len(memo) + len(missing) * len(groups) > self._max:
                    memo.clear()
                    self._new.clear()
                for i, ids in found.items():
                    by_kind: dict[str, list[str]] = {kind: [] for kind, _ in groups}
                    for rid in ids:
                        by_kind[self._kind[rid]].append(rid)
                    for (kind, _), k in zip(groups, keys[i]):
                        if k not in memo:
                            memo[k] = tuple(by_kind[kind])
                            if self._persist:
                                self._new.append((k, memo[k]))
            self.misses += len(missing)
        self.hits += len(facts) - len(missing)
        out = []
        for i, ks in enumerate(keys):
            if i in found:
                out.append(found[i])
            else:
                parts = [memo.get(k) for k in ks]
                if any(p is None for p in parts):  # another thread cleared a full memo meanwhile
                    out.append(self.inner.match(phase, as_of, [facts[i]])[0])
                    continue
                ids = [rid for p in parts for rid in p]
                ids.sort(key=self._order.__getitem__)
                out.append(ids)
        return out
