"""Open questions: unknown facts, each with ``changes_outcome`` found by deciding again with the
alternative answers (contract §2, §3 item 8)."""
from __future__ import annotations

import dataclasses
from typing import Any

from advisor.decide import DECIDING, Decision, TransferDecision, decide, pathways_after_change
from advisor.engine.conditions import facts_used
from advisor.engine.matcher import Matcher
from advisor.facts import FIELD_FACTS
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


def _list_alternatives(d: TransferDecision, at: int, case: Case,
                       lists: tuple[Any, ...]) -> list[tuple[Profile, str | None, tuple[str, Any] | None]]:
    """Each local list the company could rely on, as an alternative profile for transfer ``d`` (in the form
    ``_alternative`` gives). model_construct: the values are the catalogue's own, only read; validating them
    would build LocalList's deferred schema, a batch's one pydantic model, 15-20 ms."""
    tid = d.tf.transfer.id
    return [(_set(case.profile, f"transfers.{tid}.local_list",
                  LocalList.model_construct(id=m.id, data_on_list=m.list_rules.kind != "negative_list"), at),
             tid, None) for m in lists]


def _alternative(alt: dict[str, Any], tid: str, at: int,
                 profile: Profile) -> tuple[Profile, str | None, tuple[str, Any] | None]:
    p, changed, field = profile, None, None
    for path, value in alt.items():
        path = path.format(transfer=tid)
        p = _set(p, path, value, at)
        changed = path.split(".")[1] if path.startswith("transfers.") else "company"
        field = (path.split(".")[2], value) if len(alt) == 1 and changed != "company" else None
    return p, None if changed == "company" else changed, field


def _facts_only_change(alt: dict[str, Any]) -> bool:
    """The alternative sets one field of the question's own transfer, a field that gives only its own facts
    (``advisor.facts.FIELD_FACTS``): its transfer's facts are the base facts with those replaced."""
    if len(alt) != 1:
        return False
    head, *rest = next(iter(alt)).split(".")
    return head == "transfers" and len(rest) == 2 and rest[0] == "{transfer}" and rest[1] in FIELD_FACTS


def _changes_outcome(r: PackRule, d: TransferDecision, at: int, case: Case, pack: RulePack, matcher: Matcher,
                     decision: Decision, lists: tuple[Any, ...], base: list[str]) -> bool:
    """Whether some alternative answer changes a pathway (the first one that does ends the search).

    Remembered (``matcher.answers``, where the matcher gives abstract vectors) for an alternative that changes
    only its transfer's own facts (``_facts_only_change``), when that transfer counts towards the totals
    exactly as before (so the totals, and every other transfer, stay as they were): its new pathway is then a
    function of the screen and volume vectors of the base transfer and the alternative (rule, answer), since
    the vectors of the changed facts are those vectors with the changed facts' entries replaced. Without
    de-duplicated totals only (those are held between bounds, not summed)."""
    answers = getattr(matcher, "answers", None)
    remember = answers is not None and d.screen_key is not None and case.profile.company.unique_subjects is None
    alts = r.then.alternatives
    if alts == "local_lists":
        todo = [(None, alt) for alt in _list_alternatives(d, at, case, lists)]
    else:
        todo = [((r.spec.id, i, d.screen_key, d.volume_key) if remember and _facts_only_change(alt) else None, alt)
                for i, alt in enumerate(alts)]
    for key, alt in todo:
        got = None if key is None else answers.get(key)
        if got is None:
            profile, tid, change = alt if alts == "local_lists" else _alternative(alt, d.tf.transfer.id, at,
                                                                                   case.profile)
            alt_case = dataclasses.replace(case, profile=profile)
            counted: list[bool] = []
            if tid is None:
                after = [x.pathway for x in decide(alt_case, pack, matcher, outcome=False).transfers]
            else:
                after = pathways_after_change(alt_case, pack, matcher, decision, tid, change, counted)
            got = after != base
            if key is not None and counted == [d.counted]:
                if len(answers) > ANSWERS:
                    answers.clear()
                answers[key] = got
        if got:
            return True
    return False


# remembered answers, cleared when full: about 0.5 KB each (at most ~11 MB); 30,000 profiles fill about 5,000
ANSWERS = 20_000


# Profile fields that enter the decision only as facts of the same name (advisor/facts.py): nothing in Python
# (lists, totals, GBA) reads them while pathways are decided.
FACTS_ONLY = frozenset({"important_data", "necessary", "onward_transfer", "important_data_identified",
                        "large_platform", "hr_rules_in_place", "personal_info_processed"})


def route_blind(r: PackRule, pack: RulePack) -> bool:
    """True when no alternative answer of question ``r`` can change a pathway: each alternative changes only
    FACTS_ONLY fields, and no rule that decides a pathway (advisor/decide.py: DECIDING kinds of the screen and
    volume phases) reads a fact of theirs, so deciding again would give the same pathways. Exact; spares the
    re-decision."""
    memo = pack.memo.setdefault("route_blind", {})
    if r.spec.id not in memo:
        read = set().union(*(facts_used(x.cond) for x in pack.rules if x.spec.phase in ("screen", "volume")
                             and x.spec.kind in DECIDING))
        blind = r.then.alternatives != "local_lists"
        for alt in (r.then.alternatives if blind else ()):
            for path in alt:
                head, *_, name = path.split(".")
                prefix = f"{'transfer' if head == 'transfers' else head}.{name}"
                if name not in FACTS_ONLY or any(f.startswith(prefix) for f in read):
                    blind = False
        memo[r.spec.id] = blind
    return memo[r.spec.id]


def open_questions(case: Case, pack: RulePack, matcher: Matcher, decision: Decision) -> list[dict[str, Any]]:
    asked: dict[str, tuple[PackRule, TransferDecision, int]] = {}
    memo = pack.memo.setdefault("questions_of", {})  # matched rules -> the questions among them
    for at, d in enumerate(decision.transfers):
        hits = tuple(d.hits)
        questions = memo.get(hits)
        if questions is None:
            if len(memo) > 50_000:
                memo.clear()
            questions = memo[hits] = tuple(r for r in map(pack.by_id.__getitem__, hits) if r.spec.kind == "question")
        for r in questions:
            asked.setdefault(r.then.field.format(transfer=d.tf.transfer.id), (r, d, at))
    lists = _lists(case, pack) if asked else ()
    base = [d.pathway for d in decision.transfers]
    out = []
    for field, (r, d, at) in asked.items():
        changes = not route_blind(r, pack) and _changes_outcome(r, d, at, case, pack, matcher, decision, lists, base)
        if r.then.only_if_changes and not changes:
            continue
        q = {"field": field, "text": r.spec.text.as_dict(), "changes_outcome": changes, "rule": r.spec.id}
        if field.startswith("transfers."):
            q["transfer"] = d.tf.transfer.id
        if r.then.alternatives == "local_lists":
            q["candidates"] = [{"id": m.id, "title": m.title.as_dict(), "kind": m.list_rules.kind}
                               for m in lists]
        out.append(q)
    return out
