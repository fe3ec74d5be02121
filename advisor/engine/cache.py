"""An exact memo in front of any Matcher.

A rule condition only compares facts with constants. Two fact dicts that fall in the same interval
between those constants for every int fact (and are equal on every other fact the phase reads), on
dates that fall between the same effective-date boundaries, match exactly the same rules. So the
memo key abstracts each int to its interval index; the engine runs once per distinct key.

decide() hands the facts over in layers (``CachedMatcher.split``/``match_split``): the company's once per
case, a transfer's enumerable facts once per shared dict, the totals once per phase; each layer is abstracted
once and every phase picks its part, so no whole fact dict is built but for the engine on a miss.
"""
from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import operator
import threading
from collections.abc import Callable, Sequence
from typing import Any

from advisor.engine.conditions import Cond, facts_used
from advisor.engine.matcher import Matcher
from advisor.facts_schema import FACTS
from advisor.packs import diskcache
from advisor.packs.loader import PackRule

# memo entries kept on disk, the newest: a one-profile run loads them within its 0.2 s start-up budget (12,000:
# ~10 ms; 100,000 took ~90 ms); a batch of 30,000 varied profiles learns ~8,000
PERSISTED = 12_000
# remembered answers kept on disk: the newest, half of what advisor.questions holds (ANSWERS) before it starts
# afresh, so a batch that takes them up has room to learn without clearing them at once
PERSISTED_ANSWERS = 10_000
# whole-vector memo entries a batch keeps for the next (~0.2 KB each; a 30,000-profile batch makes ~9,000)
PERSISTED_WHOLE = 20_000
_CODE = ("cache.py", "conditions.py", "durable.py", "matcher.py")
# the remembered answers (``answers``) are also a function of how facts are made, pathways decided and questions
# answered: a change there must not hand out answers an older version of it remembered
_ANSWERS_CODE = ("facts_schema.py", "facts.py", "decide.py", "questions.py")


def _code_digest() -> str:
    """The memo is a function of the rules and of this engine's code (and the fact vocabulary)."""
    from pathlib import Path

    h = hashlib.sha256()
    here = Path(__file__).parent
    for p in [*(here / name for name in _CODE), *(here.parent / name for name in _ANSWERS_CODE)]:
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


def _layer(fact: str) -> int:
    """Where a fact comes from, in the order of an abstract vector: the company (one dict per case), the company
    totals (volume phase, one dict per decision), the decided pathway (outcome phase), the transfer itself."""
    phase = FACTS[fact].phase
    return 1 if phase == "volume" else 2 if phase == "outcome" else 0 if fact.startswith("company.") else 3


def _picker(at: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """``v -> tuple(v[i] for i in at)``, as one C call."""
    if not at:
        return lambda v: ()
    if len(at) == 1:
        i = at[0]
        return lambda v: (v[i],)
    return operator.itemgetter(*at)


def _named(fact: str, words: set[str]) -> bool:
    """Every value of the word fact but one at most is a word some rule names."""
    values = FACTS[fact].values
    return values is not None and len(values - words) <= 1


class _Part:
    """The abstraction of some facts: a tuple of their interval indexes, word classes, or values (in ``facts``'
    order)."""

    def __init__(self, facts: Sequence[str], consts: dict[str, set[int]], words: dict[str, set[str]]) -> None:
        self.facts = tuple(facts)
        self._get = _picker(self.facts)  # over a dict: the same item look-ups
        self._ints = tuple((i, sorted(consts[f])) for i, f in enumerate(facts) if f in consts)
        # a word fact whose vocabulary has at most one value no rule names keeps its value: the same classes
        self._strs = tuple((i, frozenset(words[f])) for i, f in enumerate(facts)
                           if f in words and not _named(f, words[f]))

    def __call__(self, f: dict[str, Any]) -> tuple[Any, ...]:
        if not (self._ints or self._strs):
            return self._get(f)  # type: ignore[arg-type]
        v = list(self._get(f))  # type: ignore[arg-type]
        for i, cuts in self._ints:
            v[i] = bisect.bisect_right(cuts, v[i])
        for i, words in self._strs:
            if v[i] not in words:
                v[i] = "\0other"
        return tuple(v)


class _Abstraction:
    """Maps a phase's fact values to the interval or word class that rules can tell apart. The vector holds the
    facts layer by layer (``_layer``), each in name order, then the date's class. The company's and the
    transfer's facts are classed by the constants of all the pack's rules (classes no coarser than this phase's
    own: still exact), so that ``CachedMatcher.split`` abstracts them once for every phase (``company``,
    ``transfer``) and each phase picks its own from there; the totals and the decision by this phase's rules.
    A whole fact dict (``__call__``) gets the same vector in one go."""

    def __init__(self, rules: list[PackRule], facts: set[str], company: _Part, transfer: _Transfer,
                 every: tuple[dict[str, set[int]], dict[str, set[str]]]) -> None:
        consts: dict[str, set[int]] = {}
        words: dict[str, set[str]] = {}
        bounds: set[dt.date] = set()
        for r in rules:
            _constants(r.cond, consts, words)
            bounds.add(r.spec.effective.from_)
            if r.spec.effective.until:
                bounds.add(r.spec.effective.until + dt.timedelta(days=1))
        layers: list[list[str]] = [[], [], [], []]
        for f in sorted(facts):
            layers[_layer(f)].append(f)
        self.facts = tuple(f for layer in layers for f in layer)  # the vector's order
        self.totals, self.decision = _Part(layers[1], consts, words), _Part(layers[2], consts, words)
        self.pick_company = _picker([company.facts.index(f) for f in layers[0]])
        self.pick_transfer = _picker([transfer.facts.index(f) for f in layers[3]])
        self.bounds = sorted(bounds)
        # a whole fact dict in one go, each fact by the same constants as the parts above
        of = {f: (consts, words) if _layer(f) in (1, 2) else every for f in self.facts}
        self._whole = _Part(self.facts, {f: of[f][0][f] for f in self.facts if f in of[f][0]},
                            {f: of[f][1][f] for f in self.facts if f in of[f][1]})

    def day(self, day: dt.date) -> int:
        return bisect.bisect_right(self.bounds, day)

    def __call__(self, day: dt.date, f: dict[str, Any]) -> list[Any]:
        return [*self._whole(f), self.day(day)]


class _Transfer:
    """A transfer's own facts abstracted in two parts: those of its ``shared`` dict (advisor.facts.SHARED: one
    dict for many transfers, abstracted once while it lives) and the rest (``fields``)."""

    def __init__(self, facts: list[str], shared: frozenset[str], consts: dict[str, set[int]],
                 words: dict[str, set[str]]) -> None:
        self.shared = _Part([f for f in facts if f in shared], consts, words)
        self.fields = _Part([f for f in facts if f not in shared], consts, words)
        self.facts = self.shared.facts + self.fields.facts
        self._known: dict[int, tuple[dict[str, Any], tuple[Any, ...]]] = {}  # id -> (the dict, kept alive; its part)

    def __call__(self, f: dict[str, Any]) -> tuple[Any, ...]:
        return self.shared(f) + self.fields(f)

    def split(self, shared: dict[str, Any], fields: dict[str, Any]) -> tuple[Any, ...]:
        """``self({**shared, **fields})``; ``shared``'s part is remembered by the dict's identity (the entry keeps
        the dict alive, so no other dict can have its id meanwhile; the dicts are never changed)."""
        known = self._known.get(id(shared))
        if known is None or known[0] is not shared:
            if len(self._known) >= SHARED_KNOWN:
                self._known.clear()
            known = self._known[id(shared)] = (shared, self.shared(shared))
        return known[1] + self.fields(fields)


SHARED_KNOWN = 2048  # shared dicts whose part is remembered (each ~0.3 KB, and keeps its dict, ~1.3 KB, alive)


class Split:
    """Transfers' facts as ``CachedMatcher.match_split`` reads them: the company's (one dict) and each
    transfer's own (its shared and fields dicts), each abstracted once for every phase."""

    __slots__ = ("company", "rows", "company_vector", "vectors")

    def __init__(self, company: dict[str, Any], rows: list[tuple[dict[str, Any], dict[str, Any]]],
                 company_vector: tuple[Any, ...],
                 vectors: list[tuple[Any, ...]]) -> None:
        self.company, self.rows, self.company_vector, self.vectors = company, rows, company_vector, vectors


class _Kept:
    """A dict that only a batch takes up from the disk cache (``restore``) and keeps for the next one (``save``: its
    newest ``limit`` entries, when it grew; never saved by a run that did not take it up, so a short run cannot
    save its few over a batch's many). Its owner only adds entries, or clears it all when full. A --jobs worker hands
    what it added to its parent (``take_new``), which takes it up (``learn``: at most twice ``limit`` are held)."""

    def __init__(self, kind: str, items: dict[Any, Any], limit: int) -> None:
        self.kind, self.items, self.limit = kind, items, limit
        self.kept: int | None = None  # its size when taken up or last saved (None: not taken up)
        self.sent = 0  # the entries before this one are not new (``take_new``)

    def restore(self, key: str) -> None:
        saved = diskcache.load(self.kind, key)  # (keyed by the rule pack and this code)
        if isinstance(saved, dict) and len(saved) <= self.limit:
            self.items.update(saved)
        self.kept = self.sent = len(self.items)

    def save(self, key: str) -> None:
        if self.kept is not None and len(self.items) != self.kept:
            self.kept = len(self.items)
            diskcache.store(self.kind, key, dict(list(self.items.items())[-self.limit:]))

    def take_new(self) -> list[tuple[Any, Any]]:
        items = self.items
        start = self.sent if len(items) >= self.sent else 0  # (fewer than sent: it was cleared, all are new)
        self.sent = len(items)
        return list(itertools.islice(items.items(), start, None))

    def learn(self, new: list[tuple[Any, Any]]) -> None:
        items, cap = self.items, 2 * self.limit
        new = new[-cap:]
        over = len(items) + len(new) - cap
        if over > 0:  # the oldest make room
            for k in list(itertools.islice(items, over)):
                del items[k]
        items.update(new)


class CachedMatcher:
    """The memo is kept per phase and rule kind: each kind's key covers only the facts its own rules
    read, so far fewer keys are distinct. A miss in any kind costs one call of the inner matcher for
    the whole phase, and its hits fill every kind's entry."""

    def __init__(self, inner: Matcher, rules: Sequence[PackRule], max_entries: int = 200_000,
                 persist: str | None = None, shared: frozenset[str] | None = None) -> None:
        self.inner = inner
        self.name = f"{inner.name}+memo"
        groups: dict[tuple[str, str], list[PackRule]] = {}
        phase_facts: dict[str, set[str]] = {}
        for r in rules:
            groups.setdefault((r.spec.phase, r.spec.kind), []).append(r)
            phase_facts.setdefault(r.spec.phase, set()).update(facts_used(r.cond))
        consts: dict[str, set[int]] = {}
        words: dict[str, set[str]] = {}
        for r in rules:
            _constants(r.cond, consts, words)
        every = sorted(set().union(*phase_facts.values()))
        self._company = _Part([f for f in every if _layer(f) == 0], consts, words)
        if shared is None:
            from advisor.facts import SHARED as shared
        self._transfer = _Transfer([f for f in every if _layer(f) == 3], shared, consts, words)
        self._abstract = {p: _Abstraction([r for r in rules if r.spec.phase == p], fs, self._company, self._transfer,
                                          (consts, words))
                          for p, fs in phase_facts.items()}
        self._groups: dict[str, list[tuple[str, Any]]] = {}
        for (phase, kind), rs in groups.items():
            used = sorted(set().union(*(facts_used(r.cond) for r in rs)))
            order = self._abstract[phase].facts
            pick = operator.itemgetter(*(order.index(f) for f in used), -1)  # -1: the date class
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
            if isinstance(saved, dict) and len(saved) <= min(max_entries, PERSISTED):
                self._memo.update(saved)
        # what only a batch takes up from the disk cache and keeps for the next (``restore_answers``)
        self._batch = (_Kept("answers", self.answers, PERSISTED_ANSWERS), _Kept("whole", self._whole, PERSISTED_WHOLE))

    def restore_answers(self) -> None:
        """Take up what a batch kept (``save``): the questions' answers, the newest PERSISTED_ANSWERS, and the
        whole-vector memo, the newest PERSISTED_WHOLE (rebuilding it from the memo took ~7 % of a warm 10,000-profile
        batch). A batch asks for them; a short run would only pay to load them (and would then not save its few over
        them)."""
        if self._persist:
            for kept in self._batch:
                kept.restore(self._persist)

    def take_new_kept(self) -> dict[str, list[tuple[Any, Any]]]:
        """The answers and whole-vector entries this process added since the last call (or since
        ``restore_answers``, which a --jobs worker's parent called before it forked): the worker hands them to the
        parent, which keeps them for the next batch."""
        return {kept.kind: kept.take_new() for kept in self._batch}

    def learn_kept(self, new: dict[str, list[tuple[Any, Any]]]) -> None:
        """Add what a worker's ``take_new_kept`` gave."""
        for kept in self._batch:
            kept.learn(new.get(kept.kind, []))

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
        if self._persist:
            for kept in self._batch:
                kept.save(self._persist)
        with self._lock:
            if not (self._persist and (self._dirty or self._new)):
                return
            memo = self._memo if len(self._memo) <= PERSISTED else dict(list(self._memo.items())[-PERSISTED:])
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
        abstract = self._abstract.get(phase)
        if abstract is None or phase not in self._groups:
            return [[] for _ in facts], [None for _ in facts]
        vectors = [(phase, *abstract(as_of, f)) for f in facts]
        return [list(ids) for ids in self._lookup(phase, as_of, vectors, facts.__getitem__)], vectors

    def split(self, company: dict[str, Any], rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> Split:
        """The company's facts and each transfer's own (``rows``: its ``shared`` and ``fields`` dicts,
        advisor.facts.TransferFacts), abstracted once for ``match_split``."""
        split = self._transfer.split
        return Split(company, rows, self._company(company) if rows else (), [split(s, f) for s, f in rows])

    def match_split(self, phase: str, as_of: dt.date, split: Split, totals: dict[str, Any] | None = None,
                    decisions: Sequence[dict[str, Any]] | None = None, only: Sequence[int] | None = None,
                    ) -> tuple[list[tuple[str, ...]], list[tuple[Any, ...] | None]]:
        """``match_keyed`` of the fact dicts ``{**company, **totals, **decisions[j], **shared_i, **fields_i}`` of
        the rows ``only`` (all when None; ``decisions`` lists one dict per row matched) without building them:
        the same vectors, the same answers (as tuples, not to be changed); a whole dict is built for the inner
        matcher only."""
        abstract = self._abstract.get(phase)
        at = range(len(split.rows)) if only is None else only
        if not at:
            return [], []
        if abstract is None or phase not in self._groups:
            return [() for _ in at], [None for _ in at]
        head = (phase, *abstract.pick_company(split.company_vector), *abstract.totals(totals or {}))
        tail = (abstract.day(as_of),)
        pick, vs = abstract.pick_transfer, split.vectors
        if decisions is None:
            vectors = [head + pick(vs[i]) + tail for i in at]
        else:
            mid = abstract.decision
            vectors = [head + mid(d) + pick(vs[i]) + tail for i, d in zip(at, decisions, strict=True)]

        def whole(j: int) -> dict[str, Any]:
            shared, fields = split.rows[at[j]]
            return {**split.company, **(totals or {}), **(decisions[j] if decisions is not None else {}), **shared,
                    **fields}
        return self._lookup(phase, as_of, vectors, whole), vectors

    def _lookup(self, phase: str, as_of: dt.date, vectors: list[tuple[Any, ...]],
                whole_facts: Callable[[int], dict[str, Any]]) -> list[tuple[str, ...]]:
        """The rules each vector matches: the whole-vector memo, else ``_match_by_kind`` of the fact dicts
        (``whole_facts(i)``: row i's)."""
        whole = self._whole
        out: list[tuple[str, ...]] = []
        rest: list[int] = []
        for i, v in enumerate(vectors):
            ids = whole.get(v)
            if ids is None:
                rest.append(i)
                out.append(())
            else:
                out.append(ids)
        if rest:
            if len(whole) + len(rest) > self._max:
                whole.clear()
            found = self._match_by_kind(phase, as_of, [whole_facts(i) for i in rest], [vectors[i][1:] for i in rest])
            for i, ids in zip(rest, found):
                out[i] = whole[vectors[i]] = tuple(ids)
        self.hits += len(vectors) - len(rest)
        return out

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
