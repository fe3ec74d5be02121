"""durable_rules behind the Matcher interface (knowledge/durable-rules.md: private host built once,
a lock, one fresh sid per call that is always deleted, facts asserted, actions only record)."""
from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Sequence
from typing import Any

import durable.engine as dre

from advisor.engine.conditions import compile_durable, facts_used, key
from advisor.engine.matcher import day_number
from advisor.packs.loader import PackRule


class _RecordingHost(dre.Host):
    """Every rule's action is the same recorder: it notes (sid, fact number) -> rule id, nothing else."""

    def __init__(self) -> None:
        self.hits: dict[str, list[tuple[int, str]]] = {}
        super().__init__()

    def _run(self) -> None:
        """Do not start durable's background threads. ``Host._run`` starts two timers that call
        ``ruleset.dispatch()`` and ``dispatch_timers()`` every 0.2 s with no lock; racing our
        synchronous ``assert_fact`` they corrupted the C heap here (``munmap_chunk(): invalid pointer``).
        We use no timers, queues or posted events, so nothing is lost."""

    def get_action(self, action_name: str):  # noqa: ANN201 - durable's callback type
        if action_name == SENTINEL:
            return _ignore

        def record(c: Any) -> None:
            self.hits.setdefault(c.m.sid, []).append((c.m.n, action_name))
        return record


def _ignore(c: Any) -> None:
    return None


# A rule every asserted fact matches. Measured here (durable_rules 2.0.28): a sid whose facts matched
# no rule still keeps state (100,000 such sids ended in MemoryError), yet ``delete_state`` on it
# double-frees and aborts the process. With the sentinel every sid has a match, so it can be deleted,
# and no MessageNotHandledException is raised on the hot path.
SENTINEL = "_sentinel"


def compile_rule(r: PackRule) -> dict[str, Any]:
    guards: list[dict[str, Any]] = [{"phase": r.spec.phase},
                                    {"$gte": {"as_of": day_number(r.spec.effective.from_)}}]
    if r.spec.effective.until is not None:
        guards.append({"$lte": {"as_of": day_number(r.spec.effective.until)}})
    return {"all": [{"m": {"$and": [*guards, compile_durable(r.cond)]}}], "run": r.spec.id}


class DurableMatcher:
    name = "durable_rules"

    def __init__(self, rules: Sequence[PackRule], digest: str) -> None:
        self._order = {r.spec.id: r.order for r in rules}
        used: set[str] = set()
        for r in rules:
            used |= facts_used(r.cond)
        self._keys = tuple((k, key(k)) for k in sorted(used))  # assert only what some rule reads
        self._ruleset = "advisor_" + digest.split(":")[-1][:16]
        self._lock = threading.Lock()
        self._host = _RecordingHost()
        compiled = {r.spec.id: compile_rule(r) for r in rules}
        compiled[SENTINEL] = {"all": [{"m": {"kind": "advisor_fact"}}], "run": SENTINEL}  # durable mutates it
        self._host.set_rulesets({self._ruleset: compiled})

    def match(self, phase: str, as_of: dt.date, facts: Sequence[dict[str, Any]]) -> list[list[str]]:
        if not facts:
            return []  # no state to make (delete_state on an unknown sid fails with error 309)
        sid = uuid.uuid4().hex
        day = day_number(as_of)
        out: list[list[str]] = [[] for _ in facts]
        with self._lock:
            try:
                for n, f in enumerate(facts):
                    fact = {dk: f[k] for k, dk in self._keys if k in f}
                    fact.update(sid=sid, n=n, phase=phase, as_of=day, kind="advisor_fact")
                    self._host.assert_fact(self._ruleset, fact)
                for n, rule_id in self._host.hits.pop(sid, ()):
                    if rule_id not in out[n]:  # a rule fires once per satisfied `$or` branch: keep one
                        out[n].append(rule_id)
            finally:
                self._host.hits.pop(sid, None)
                self._host.delete_state(self._ruleset, sid)
        for ids in out:
            ids.sort(key=self._order.__getitem__)
        return out
