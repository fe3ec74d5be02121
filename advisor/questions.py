"""Open questions: unknown facts, each with ``changes_outcome``: whether an alternative answer changes a
pathway (contract §2, §3 item 8), found from what is remembered of such answers by the matcher's abstract
vectors where that is exact (``_Alternatives._remembered``), else by deciding again."""
from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import operator
from typing import Any

from advisor.decide import (DECIDING, Decision, TransferDecision, _classes, _screen, _volume, decide,
                            pathways_after_change)
from advisor.engine.conditions import facts_used, int_constants
from advisor.engine.matcher import Matcher
from advisor.facts import FIELD_FACTS, TransferFacts, company_facts, screen_facts
from advisor.models.profile import LocalList, Profile
from advisor.packs.loader import PackRule, RulePack
from advisor.profile_io import Case
from advisor.regional.lists import lists_available


def _set(profile: Profile, path: str, value: Any, at: int) -> Profile:
    """``profile`` with one field changed; ``at`` is the position of the transfer the path names."""
    head, *rest = path.split(".")
    if head == "company":
        return profile.model_copy(update={"company": profile.company.model_copy(update={rest[0]: value})})
    if head == "transfers":
        tid, name = rest
        ts = list(profile.transfers)
        if ts[at].id != tid:
            raise ValueError(f"transfer {tid!r} is not at position {at}")
        ts[at] = ts[at].model_copy(update={name: value})
        return profile.model_copy(update={"transfers": ts})
    raise ValueError(f"cannot set {path!r}")


def _lists(case: Case, pack: RulePack) -> tuple[Any, ...]:
    return lists_available(pack.catalogue, case.codes, case.zones, case.profile.company.sector,
                           bool(case.profile.company.ciio), case.as_of)


def _list_choice(case: Case, tid: str, at: int, m: Any) -> Profile:
    """The profile with transfer ``tid`` (at ``at``) relying on local list ``m``. model_construct: the values are
    the catalogue's own, only read; validating them would build LocalList's deferred schema, a batch's one
    pydantic model, 15-20 ms."""
    return _set(case.profile, f"transfers.{tid}.local_list",
                LocalList.model_construct(id=m.id, data_on_list=m.list_rules.kind != "negative_list"), at)


def _alternative(alt: dict[str, Any], tid: str, at: int,
                 profile: Profile) -> tuple[Profile, str | None, tuple[str, Any] | None]:
    p, changed, field = profile, None, None
    for path, value in alt.items():
        path = path.format(transfer=tid)
        p = _set(p, path, value, at)
        changed = path.split(".")[1] if path.startswith("transfers.") else "company"
        field = (path.split(".")[2], value) if len(alt) == 1 and changed != "company" else None
    return p, None if changed == "company" else changed, field


def _one_field(alt: dict[str, Any]) -> list[str] | None:
    return next(iter(alt)).split(".") if len(alt) == 1 else None


def _given(facts: dict[str, Any]) -> Any:
    def given(_: int) -> dict[str, Any]:
        return facts
    return given


def _plan(r: PackRule) -> list[tuple[int, dict[str, Any], Any, bool]]:
    """Each alternative of question ``r`` (not a local-list question): (index, alternative, when it sets one
    field of the question's own transfer that gives only its own facts (``advisor.facts.FIELD_FACTS``) a getter
    of those facts for ``_Alternatives._remembered``, else None; whether it sets one company field of
    FACTS_ONLY, so that every transfer's facts are its own with the company's facts replaced by the changed
    company's)."""
    plan = []
    for i, alt in enumerate(r.then.alternatives):
        path, facts = _one_field(alt), None
        if path is not None and len(path) == 3 and path[:2] == ["transfers", "{transfer}"] and path[2] in FIELD_FACTS:
            facts = _given(FIELD_FACTS[path[2]](next(iter(alt.values()))))
        plan.append((i, alt, facts, path is not None and len(path) == 2 and path[0] == "company"
                     and path[1] in FACTS_ONLY))
    return plan


class _Alternatives:
    """A decision's alternative answers (``changes``). Where the matcher gives every transfer's abstract vectors
    and the totals are sums (de-duplicated totals are held between bounds, not summed), each alternative is
    answered from what ``matcher.answers`` remembers (``_remembered``); otherwise it is decided again."""

    def __init__(self, case: Case, pack: RulePack, matcher: Matcher, decision: Decision,
                 lists: tuple[Any, ...]) -> None:
        self.case, self.pack, self.matcher, self.decision, self.lists = case, pack, matcher, decision, lists
        self.base = [d.pathway for d in decision.transfers]
        answers = getattr(matcher, "answers", None)
        if answers is not None and (case.profile.company.unique_subjects is not None or not all(
                x.screen_key is not None and (x.volume_key is not None or not x.counted) for x in decision.transfers)):
            answers = None
        self.answers = answers
        self.classes: tuple[Any, ...] | None = None  # the base totals' classes, made on first need

    def changes(self, r: PackRule, plan: list[tuple[int, dict[str, Any], Any, bool]] | None, d: TransferDecision,
                at: int) -> bool:
        """Whether some alternative answer of question ``r`` (asked by ``d``, at ``at``; ``plan``: ``_plan`` or
        None for the local lists) changes a pathway: the first one that does ends the search."""
        tid, rid = d.tf.transfer.id, r.spec.id
        if plan is None:
            for m in self.lists:
                profile = _list_choice(self.case, tid, at, m)
                if self._other(profile, at) if self.answers is not None else \
                        self._again(profile, tid, None):
                    return True
            return False
        for i, alt, facts, company in plan:
            if self.answers is None:
                got = self._again(*_alternative(alt, tid, at, self.case.profile))
            elif facts is not None:
                got = self._remembered([(rid, i)], (at,), facts)
            elif company:
                n = len(self.base)
                got = self._remembered([(rid, i)] * n, range(n), self._company_facts(alt))
            else:
                profile, changed, _ = _alternative(alt, tid, at, self.case.profile)
                got = self._other(profile, None if changed is None else at)
            if got:
                return True
        return False

    def _again(self, profile: Profile, tid: str | None, change: tuple[str, Any] | None) -> bool:
        """Decided again: the whole decision for a company change (``tid`` None), else the transfer changed."""
        case = dataclasses.replace(self.case, profile=profile)
        if tid is None:
            after = [x.pathway for x in decide(case, self.pack, self.matcher, outcome=False).transfers]
        else:
            after = pathways_after_change(case, self.pack, self.matcher, self.decision, tid, change)
        return after != self.base

    def _company_facts(self, alt: dict[str, Any]) -> Any:
        """The company facts once ``alt`` is answered, made on first need (for every transfer: any argument)."""
        made: list[dict[str, Any]] = []

        def facts(_: int) -> dict[str, Any]:
            if not made:
                profile = _alternative(alt, "", 0, self.case.profile)[0]
                made.append(company_facts(dataclasses.replace(self.case, profile=profile), self.pack.used_facts))
            return made[0]
        return facts

    def _other(self, profile: Profile, at: int | None) -> bool:
        """Any other alternative, as ``profile``, changing transfer ``at`` (None: the company): the facts are built
        again, and each transfer's changed facts among those that rules deciding a pathway read (``_route_facts``;
        but the totals; no other fact alters what ``_remembered`` keeps) then key what is remembered."""
        case = dataclasses.replace(self.case, profile=profile)
        ts = self.decision.transfers
        if case.profile.company.unique_subjects is not None:
            return self._again(profile, None if at is None else ts[at].tf.transfer.id, None)
        if at is None:
            new, rows = screen_facts(case, self.pack), range(len(ts))
        else:
            new, rows = screen_facts(case, self.pack, only=ts[at].tf.transfer.id, at=at), (at,)
        names, read = _own_route_facts(self.pack, self.decision.company_totals)
        tags, moved, facts = [], [], {}
        for k, tf in zip(rows, new):
            was = ts[k].tf
            if (tf.transfer.personal_info_subjects, tf.transfer.sensitive_info_subjects) != (
                    was.transfer.personal_info_subjects, was.transfer.sensitive_info_subjects):
                return self._again(profile, None if at is None else was.transfer.id, None)
            try:
                before, after = read(was.facts), read(tf.facts)
            except KeyError:  # a fact missing
                return self._again(profile, None if at is None else was.transfer.id, None)
            if before != after:
                tags.append(tuple((f, y) for f, x, y in zip(names, before, after) if x != y))
                moved.append(k)
                facts[k] = tf.facts
        return self._remembered(tags, moved, facts.__getitem__)

    def _remembered(self, tags: list[tuple[Any, ...]], rows: Any, facts: Any) -> bool:
        """Whether the alternative changes a pathway, where it gives transfer ``rows[n]`` the facts ``facts(k)``
        over its own, the same counts, and ``tags[n]`` determines the facts it changes; every other transfer is
        as it was.

        Exact, from what is remembered by the matcher's abstract vectors (``matcher.answers``): a changed
        transfer's screen vector is its base vector with the changed facts' entries replaced, so its screen
        result is a function of (tag, base screen vector): key "s". When no transfer's counting changes, the
        totals stay, and a changed transfer still counted has a volume result that is a function of (tag, base
        volume vector): key "w" with None. When the totals change, their classes (``advisor.decide._classes``:
        the places of each total among every constant a rule compares it with) settle every condition on a
        total: key "w" with the classes for a changed transfer still counted, key "t" (base volume vector,
        classes) for an unchanged counted one, and key "n" (``_own_place`` of its base facts, classes) for a
        transfer counted afresh, which has no volume vector yet."""
        answers, ts, day, pack, matcher = self.answers, self.decision.transfers, self.case.as_of, self.pack, self.matcher
        assert answers is not None
        new = []
        moved = False
        for n, k in enumerate(rows):
            x = ts[k]
            key = ("s", tags[n], x.screen_key)
            got = answers.get(key)
            if got is None:
                y = TransferDecision(TransferFacts(x.tf.transfer, {**x.tf.facts, **facts(k)}))
                _screen(y, [pack.by_id[j] for j in matcher.match("screen", day, [y.tf.facts])[0]])
                got = _keep(answers, key, (y.counted, y.pathway))
            new.append((n, k, x, got))
            moved = moved or got[0] != x.counted
        totals, cls = self.decision.company_totals, None
        if moved:
            totals = dict(totals)
            for _, _, x, (counted, _) in new:
                if counted != x.counted:
                    sign = 1 if counted else -1
                    ns, s = x.tf.transfer.personal_info_subjects, x.tf.transfer.sensitive_info_subjects
                    totals["company.counted_transfers"] += sign
                    totals["company.personal_info_total"] += sign * ns
                    totals["company.sensitive_info_total"] += sign * s
                    totals["company.all_info_total"] += sign * (ns + s)
            if self.classes is None:
                self.classes = _classes(pack, self.decision.company_totals)
            cls = placed = _classes(pack, totals)
            if cls == self.classes:
                cls = None  # every condition on a total comes out as before
        for n, k, x, (counted, pathway) in new:
            if counted:
                key = ("w", tags[n], x.volume_key, cls) if x.counted else \
                    ("n", tags[n], _own_place(pack, day, x.tf.facts, totals), placed)
                got = answers.get(key)
                if got is None:
                    y = TransferDecision(x.tf)
                    vol = matcher.match("volume", day, [{**x.tf.facts, **facts(k), **totals}])[0]
                    _volume(y, [pack.by_id[j] for j in vol])
                    got = _keep(answers, key, y.pathway)
                pathway = got
            if pathway != self.base[k]:
                return True
        if cls is not None:
            changed = set(rows)
            for k, x in enumerate(ts):
                if x.counted and k not in changed:
                    key = _unchanged(x, cls)
                    got = answers.get(key)
                    if got is None:
                        y = TransferDecision(x.tf)
                        vol = matcher.match("volume", day, [{**x.tf.facts, **totals}])[0]
                        _volume(y, [pack.by_id[j] for j in vol])
                        got = _keep(answers, key, y.pathway)
                    if got != self.base[k]:
                        return True
        return False


def _unchanged(x: TransferDecision, classes: tuple[Any, ...]) -> tuple[Any, ...]:
    """The key of a counted transfer's volume result under totals of these classes (key "t")."""
    return ("t", x.volume_key, classes)


def _own_place(pack: RulePack, day: dt.date, facts: dict[str, Any], totals: dict[str, Any]) -> tuple[Any, ...]:
    """A transfer's own facts as the volume rules can tell them apart: the day's place among every rule's
    effective dates, each int fact the volume rules read (but the totals) by its place among every constant a
    rule compares it with, any other such fact as it is. With the totals' classes (``_classes``) this settles
    every volume condition, as the transfer's volume vector would."""
    how = pack.memo.get("own_places")
    if how is None:
        used = set().union(*(facts_used(r.cond) for r in pack.rules if r.spec.phase == "volume")) - set(totals)
        cuts: dict[str, set[int]] = {}
        for r in pack.rules:
            for fact, value in int_constants(r.cond):
                if fact in used:
                    cuts.setdefault(fact, set()).update((value, value + 1))
        days = {r.spec.effective.from_ for r in pack.rules} | {
            r.spec.effective.until + dt.timedelta(days=1) for r in pack.rules if r.spec.effective.until}
        how = pack.memo["own_places"] = (sorted(days), tuple((f, sorted(cuts[f]) if f in cuts else None)
                                                              for f in sorted(used)))
    days, places = how
    return (bisect.bisect_right(days, day),
            *(facts[f] if cuts is None else bisect.bisect_right(cuts, facts[f]) for f, cuts in places))


def _keep(answers: dict[tuple[Any, ...], Any], key: tuple[Any, ...], value: Any) -> Any:
    if len(answers) >= ANSWERS:
        answers.clear()
    answers[key] = value
    return value


# remembered answers (screen and volume results by abstract vectors), cleared when full: 0.4-0.5 KB each (at most
# ~10 MB); 30,000 bench profiles fill about 6,000 (2.5 MB), 2,500 with many unknown facts about 14,000
ANSWERS = 20_000


# Profile fields that enter the decision only as facts of the same name (advisor/facts.py): nothing in Python
# (lists, totals, GBA) reads them while pathways are decided.
FACTS_ONLY = frozenset({"important_data", "necessary", "onward_transfer", "important_data_identified",
                        "large_platform", "hr_rules_in_place", "personal_info_processed"})


def _route_facts(pack: RulePack) -> set[str]:
    """The facts that rules deciding a pathway read (advisor/decide.py: DECIDING kinds of the screen and volume
    phases)."""
    return set().union(*(facts_used(x.cond) for x in pack.rules
                         if x.spec.phase in ("screen", "volume") and x.spec.kind in DECIDING))


def _own_route_facts(pack: RulePack, totals: dict[str, Any]) -> tuple[tuple[str, ...], Any]:
    """Those of ``_route_facts`` that are a transfer's own (not company totals), sorted, and a getter of their
    values (a tuple)."""
    got = pack.memo.get("own_route_facts")
    if got is None:
        names = tuple(sorted(_route_facts(pack) - set(totals)))
        got = pack.memo["own_route_facts"] = (names, operator.itemgetter(*names, names[0]))
    return got


def route_blind(r: PackRule, pack: RulePack) -> bool:
    """True when no alternative answer of question ``r`` can change a pathway: each alternative changes only
    FACTS_ONLY fields, and no rule that decides a pathway (advisor/decide.py: DECIDING kinds of the screen and
    volume phases) reads a fact of theirs, so deciding again would give the same pathways. Exact; spares the
    re-decision."""
    memo = pack.memo.setdefault("route_blind", {})
    if r.spec.id not in memo:
        read = _route_facts(pack)
        blind = r.then.alternatives != "local_lists"
        for alt in (r.then.alternatives if blind else ()):
            for path in alt:
                head, *_, name = path.split(".")
                prefix = f"{'transfer' if head == 'transfers' else head}.{name}"
                if name not in FACTS_ONLY or any(f.startswith(prefix) for f in read):
                    blind = False
        memo[r.spec.id] = blind
    return memo[r.spec.id]


def _asking(r: PackRule, pack: RulePack) -> tuple[Any, ...]:
    """Question ``r`` as open_questions reads it: (rule, field, whether the field names the transfer (formatted
    with its id), whether the question names its transfer, whether it is route-blind, whether its answers
    are the local lists, its ``_plan`` (None for the local lists))."""
    field, lists = r.then.field, r.then.alternatives == "local_lists"
    return (r, field, "{" in field or "}" in field, field.startswith("transfers."), route_blind(r, pack), lists,
            None if lists else _plan(r))


def open_questions(case: Case, pack: RulePack, matcher: Matcher, decision: Decision) -> list[dict[str, Any]]:
    asked: dict[str, tuple[tuple[Any, ...], TransferDecision, int]] = {}
    memo = pack.memo.get("questions_of")  # matched rules -> the questions among them (_asking)
    if memo is None:
        memo = pack.memo["questions_of"] = {}
    for at, d in enumerate(decision.transfers):
        hits = tuple(d.hits)
        questions = memo.get(hits)
        if questions is None:
            if len(memo) > 50_000:
                memo.clear()
            questions = memo[hits] = tuple(_asking(r, pack) for r in map(pack.by_id.__getitem__, hits)
                                           if r.spec.kind == "question")
        for q in questions:
            asked.setdefault(q[1].format(transfer=d.tf.transfer.id) if q[2] else q[1], (q, d, at))
    if not asked:
        return []
    lists = _lists(case, pack) if any(q[5] for q, _, _ in asked.values()) else ()
    alternatives = None
    out = []
    for field, ((r, _, _, names_transfer, blind, on_lists, plan), d, at) in asked.items():
        changes = False
        if not blind:
            if alternatives is None:
                alternatives = _Alternatives(case, pack, matcher, decision, lists)
            changes = alternatives.changes(r, plan, d, at)
        if r.then.only_if_changes and not changes:
            continue
        q = {"field": field, "text": r.spec.text.as_dict(), "changes_outcome": changes, "rule": r.spec.id}
        if names_transfer:
            q["transfer"] = d.tf.transfer.id
        if on_lists:
            q["candidates"] = [{"id": m.id, "title": m.title.as_dict(), "kind": m.list_rules.kind}
                               for m in lists]
        out.append(q)
    return out
