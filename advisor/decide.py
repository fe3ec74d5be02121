"""Decide each transfer's pathway from the rules that matched, phase by phase.

Precedence is decided here, in plain Python over the set of matched rules (knowledge/durable-rules.md
item 4): a scope rule (not outbound) wins; else the first exemption of the screen phase in pack order;
else the strictest trigger after the company totals are known; else an exemption of the volume phase
(Art 5(4)). Company totals sum the transfers no screen exemption covers (contract §3 item 3).
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from advisor.engine.conditions import int_constants
from advisor.errors import FieldError, ProfileError
from advisor.engine.matcher import Matcher
from advisor.facts import FIELD_FACTS, TransferFacts, screen_facts
from advisor.packs.loader import PackRule, RulePack
from advisor.profile_io import Case
from advisor.vocab import PATHWAY_ORDER


@dataclass
class TransferDecision:
    tf: TransferFacts
    pathway: str = ""
    exemption: str | None = None
    trigger: str = "none"
    deciding: list[str] = field(default_factory=list)
    hits: list[str] = field(default_factory=list)  # every matched rule id, all phases
    counted: bool = False
    by_kind: dict[str, tuple[Any, ...]] | None = None  # hits grouped by rule kind, filled on first use
    # the matcher's abstract vectors of the screen and volume facts, where it gives them (advisor.engine.cache):
    # what a question's alternative answer is remembered by (advisor.questions)
    screen_key: tuple[Any, ...] | None = None
    volume_key: tuple[Any, ...] | None = None


@dataclass
class Decision:
    transfers: list[TransferDecision]
    totals: dict[str, Any]
    counting_rule: Any
    company_totals: dict[str, int] = field(default_factory=dict)  # the volume-phase facts
    index: dict[str, int] | None = None  # transfer id -> position, pathways: filled by pathways_after_change
    pathways: list[str] = field(default_factory=list)


def counting_window(pack: RulePack, day: dt.date) -> tuple[dt.date, Any]:
    memo = pack.memo.setdefault("counting_window", {})
    got = memo.get(day)
    if got is None:
        got = memo[day] = _counting_window(pack, day)
        if len(memo) > 4096:  # days: a batch rarely has more than a few
            memo.clear()
    return got


def _counting_window(pack: RulePack, day: dt.date) -> tuple[dt.date, Any]:
    for w in pack.meta.counting:
        if w.effective.covers(day):
            year = day.year - (1 if w.since == "previous_year" else 0)
            return dt.date(year, 1, 1), w
    raise LookupError(f"no counting window in force on {day}")


class _Facts:
    """Every transfer's facts as the matcher reads them: the company's and each transfer's own, abstracted once
    (``CachedMatcher.split``) where the matcher can; else whole fact dicts for ``Matcher.match``."""

    def __init__(self, matcher: Matcher, tfs: list[TransferFacts]) -> None:
        self.matcher = matcher
        self.company: dict[str, Any] = tfs[0].company if tfs else {}  # type: ignore[assignment]
        split = getattr(matcher, "split", None)
        self.split = split(self.company, [(tf.shared, tf.fields) for tf in tfs]) if split is not None else None
        self.rows = [tf.own for tf in tfs] if split is None else []

    def match(self, phase: str, day: dt.date, totals: dict[str, Any] | None = None,
              decisions: list[dict[str, Any]] | None = None,
              only: list[int] | None = None) -> tuple[list[Any], list[Any]]:
        """The rules matching the facts ``{**company, **totals, **decisions[j], **rows[i]}`` of rows ``only``
        (all when None), and their abstract vectors (None where the matcher gives none)."""
        if self.split is not None:
            match = self.matcher.match_split  # type: ignore[attr-defined]
            return match(phase, day, self.split, totals, decisions, only)  # type: ignore[no-any-return]
        rows = self.rows if only is None else [self.rows[i] for i in only]
        facts = [{**self.company, **(totals or {}), **(decisions[j] if decisions is not None else {}), **r}
                 for j, r in enumerate(rows)]
        return self.matcher.match(phase, day, facts), [None] * len(rows)


def decide(case: Case, pack: RulePack, matcher: Matcher, outcome: bool = True) -> Decision:
    """``outcome=False`` stops once every pathway is known (what a question's alternative needs)."""
    day = case.as_of
    tfs = screen_facts(case, pack)
    out = [TransferDecision(tf) for tf in tfs]
    facts = _Facts(matcher, tfs)
    found, keys = facts.match("screen", day)
    for d, ids, key in zip(out, found, keys):
        d.hits += ids
        d.screen_key = key
        _screened(d, pack, ids)
    at = [i for i, d in enumerate(out) if d.counted]
    counted = [out[i] for i in at]
    since, window = counting_window(pack, day)
    totals = company_totals(case, counted, strict=outcome)
    ns, s = totals["company.personal_info_total"], totals["company.sensitive_info_total"]
    found, keys = facts.match("volume", day, totals, only=at)
    for d, ids, key in zip(counted, found, keys):
        d.hits += ids
        d.volume_key = key
        _volumed(d, pack, ids)
    if outcome:
        decisions = [{"decision.pathway": d.pathway, "decision.exemption": d.exemption or "none",
                      "decision.trigger": d.trigger} for d in out]
        for d, ids in zip(out, facts.match("outcome", day, totals, decisions)[0]):
            d.hits += ids
    summary = {"personal_info_subjects": ns, "sensitive_info_subjects": s, "counted_since": since.isoformat(),
               "counted_transfers": [d.tf.transfer.id for d in counted]}
    if totals["company.deduplicated"]:
        summary["deduplicated"] = True
        summary["summed"] = {"personal_info_subjects": sum(d.tf.transfer.personal_info_subjects for d in counted),
                             "sensitive_info_subjects": sum(d.tf.transfer.sensitive_info_subjects for d in counted)}
    return Decision(out, summary, window, totals)


def company_totals(case: Case, counted: list[TransferDecision], strict: bool = True) -> dict[str, Any]:
    """The volume-phase facts: sums over the counted transfers (contract §3 item 3), or the de-duplicated
    totals of ``company.unique_subjects`` (§7). ``strict``: a de-duplicated total above the sum or below the
    largest counted transfer is invalid input; otherwise (a question's alternative answer, which may count
    other transfers than the profile describes) it is held between those bounds."""
    ns = sum(d.tf.transfer.personal_info_subjects for d in counted)
    s = sum(d.tf.transfer.sensitive_info_subjects for d in counted)
    unique = case.profile.company.unique_subjects
    if unique is not None:
        got = []
        for name, total in (("personal_info_subjects", ns), ("sensitive_info_subjects", s)):
            low = max((getattr(d.tf.transfer, name) for d in counted), default=0)
            value = getattr(unique, name)
            if strict and not low <= value <= total:
                ids = ", ".join(d.tf.transfer.id for d in counted) or "none"
                raise ProfileError([FieldError(
                    f"company.unique_subjects.{name}",
                    f"must lie between the largest counted transfer ({low}) and the sum of the counted transfers "
                    f"({total}; counted: {ids})", value)])
            got.append(min(max(value, low), total))
        ns, s = got
    return {"company.counted_transfers": len(counted), "company.personal_info_total": ns,
            "company.sensitive_info_total": s, "company.all_info_total": ns + s,
            "company.deduplicated": unique is not None}


def pathways_after_change(case: Case, pack: RulePack, matcher: Matcher, base: Decision, tid: str,
                          change: tuple[str, Any] | None = None, counted: list[bool] | None = None) -> list[str]:
    """The pathways once transfer ``tid`` alone has changed (a question's alternative answer).

    Every other transfer's facts depend only on its own data, the company's and the company totals, and
    matching is a function of the facts: where the totals come out as before, the other transfers keep
    their results and only ``tid`` is decided again; otherwise the volume phase runs again for every
    counted transfer. Exact; the totals are updated by the one transfer's change and it is found by
    index, so a question costs O(1) matching and one list copy however many transfers there are. ``change``:
    the (field, value) changed, when known; a field of ``advisor.facts.FIELD_FACTS`` then changes just its
    facts (the transfer's other facts are not built again). ``counted``: gets whether the changed transfer counts
    towards the company totals."""
    day = case.as_of
    if base.index is None:
        base.index = {d.tf.transfer.id: i for i, d in enumerate(base.transfers)}
        base.pathways = [d.pathway for d in base.transfers]
    at = base.index[tid]
    if change is not None and change[0] in FIELD_FACTS:  # one field that gives only its own facts: no rebuild
        was = base.transfers[at].tf
        tf = TransferFacts(case.profile.transfers[at], {**was.facts, **FIELD_FACTS[change[0]](change[1])},
                           list(was.list_obstacles), was.gba_measure)
    else:
        (tf,) = screen_facts(case, pack, only=tid, at=at)
    changed = TransferDecision(tf)
    _screen(changed, [pack.by_id[i] for i in matcher.match("screen", day, [tf.facts])[0]])
    if counted is not None:
        counted.append(changed.counted)
    if case.profile.company.unique_subjects is None:
        totals = dict(base.company_totals)
        for d, sign in ((base.transfers[at], -1), (changed, 1)):
            if d.counted:
                ns, s = d.tf.transfer.personal_info_subjects, d.tf.transfer.sensitive_info_subjects
                totals["company.counted_transfers"] += sign
                totals["company.personal_info_total"] += sign * ns
                totals["company.sensitive_info_total"] += sign * s
                totals["company.all_info_total"] += sign * (ns + s)
    else:  # de-duplicated totals are not sums: held between their bounds over the new counted set
        rows = [changed if i == at else d for i, d in enumerate(base.transfers)]
        totals = company_totals(case, [d for d in rows if d.counted], strict=False)
    if _classes(pack, totals) == _classes(pack, base.company_totals):
        if changed.counted:
            _volume(changed, [pack.by_id[i] for i in matcher.match("volume", day, [{**tf.facts, **totals}])[0]])
        after = list(base.pathways)
        after[at] = changed.pathway
        return after
    rows = [changed if i == at else d for i, d in enumerate(base.transfers)]
    todo = [changed if d is changed else TransferDecision(d.tf, counted=True) for d in rows if d.counted]
    for d, ids in zip(todo, matcher.match("volume", day, [{**d.tf.facts, **totals} for d in todo])):
        _volume(d, [pack.by_id[i] for i in ids])
    fresh = iter(todo)
    return [next(fresh).pathway if d.counted else d.pathway for d in rows]


def _classes(pack: RulePack, totals: dict[str, int]) -> tuple[int, ...]:
    """Where each company total lies among the constants that rules compare it with: totals in the same
    places make every condition come out the same, so the other transfers need no new decision. (The totals
    always have the same names, those of ``company_totals``.)"""
    cuts = pack.memo.get("total_cuts")
    if cuts is None:
        found: dict[str, set[int]] = {k: set() for k, v in totals.items() if not isinstance(v, bool)}
        for r in pack.rules:
            for fact, value in int_constants(r.cond):
                if fact in found:
                    found[fact].update((value, value + 1))
        cuts = pack.memo["total_cuts"] = tuple((k, sorted(found[k]) if k in found else None) for k in sorted(totals))
    return tuple(totals[k] if c is None else bisect.bisect_right(c, totals[k]) for k, c in cuts)


DECIDING = frozenset({"scope", "exemption", "trigger"})  # the only rule kinds _screen and _volume read


def _screen(d: TransferDecision, rules: list[PackRule]) -> None:
    for r in rules:
        if r.spec.kind == "scope":
            d.pathway, d.deciding = "not_outbound", [r.spec.id]
            return
    for r in rules:
        if r.spec.kind == "exemption":
            d.pathway, d.exemption, d.deciding = "exempt", r.then.exemption, [r.spec.id]
            d.counted = r.then.counted
            return
    d.counted = True


def _volume(d: TransferDecision, rules: list[PackRule]) -> None:
    triggers = [r for r in rules if r.spec.kind == "trigger"]
    if triggers:
        top = max(PATHWAY_ORDER.index(r.then.pathway) for r in triggers)
        winners = [r for r in triggers if PATHWAY_ORDER.index(r.then.pathway) == top]
        d.pathway, d.deciding, d.trigger = PATHWAY_ORDER[top], [r.spec.id for r in winners], winners[0].then.trigger
        return
    for r in rules:
        if r.spec.kind == "exemption":
            d.pathway, d.exemption, d.deciding = "exempt", r.then.exemption, [r.spec.id]
            return
    raise LookupError(f"no rule decides transfer {d.tf.transfer.id!r}: the rule pack has a gap")


_KEEP = object()  # a field _volume leaves as the screen phase set it
MEMO = 4096  # matched-rule sets remembered per phase (a few hundred in practice)


def _screened(d: TransferDecision, pack: RulePack, ids: tuple[str, ...] | list[str]) -> None:
    """``_screen`` of the rules ``ids``, remembered by them (it is a function of them alone)."""
    memo = pack.memo.setdefault("screened", {})
    key = tuple(ids)
    got = memo.get(key)
    if got is None:
        probe = TransferDecision(d.tf)
        _screen(probe, [pack.by_id[i] for i in ids])
        got = (probe.pathway, probe.exemption, tuple(probe.deciding), probe.counted)
        if len(memo) >= MEMO:
            memo.clear()
        memo[key] = got
    d.pathway, d.exemption, deciding, d.counted = got
    d.deciding = list(deciding)


def _volumed(d: TransferDecision, pack: RulePack, ids: tuple[str, ...] | list[str]) -> None:
    """``_volume`` of the rules ``ids``, remembered by them: what it sets (the rest stays as the screen set it)."""
    memo = pack.memo.setdefault("volumed", {})
    key = tuple(ids)
    got = memo.get(key)
    if got is None:
        probe = TransferDecision(d.tf, exemption=_KEEP, trigger=_KEEP)  # type: ignore[arg-type]
        _volume(probe, [pack.by_id[i] for i in ids])
        got = (probe.pathway, probe.exemption, tuple(probe.deciding), probe.trigger)
        if len(memo) >= MEMO:
            memo.clear()
        memo[key] = got
    pathway, exemption, deciding, trigger = got
    d.pathway, d.deciding = pathway, list(deciding)
    if exemption is not _KEEP:
        d.exemption = exemption
    if trigger is not _KEEP:
        d.trigger = trigger
