"""Open questions: unknown facts, each with ``changes_outcome`` found by deciding again with the
alternative answers (contract §2, §3 item 8)."""
from __future__ import annotations

import dataclasses
from typing import Any

from advisor.decide import Decision, TransferDecision, decide
from advisor.engine.matcher import Matcher
from advisor.models.profile import LocalList, Profile
from advisor.packs.loader import PackRule, RulePack
from advisor.profile_io import Case
from advisor.regional.lists import lists_available


def _set(profile: Profile, path: str, value: Any) -> Profile:
    head, *rest = path.split(".")
    if head == "company":
        return profile.model_copy(update={"company": profile.company.model_copy(update={rest[0]: value})})
    if head == "transfers":
        tid, name = rest
        ts = [t.model_copy(update={name: value}) if t.id == tid else t for t in profile.transfers]
        return profile.model_copy(update={"transfers": ts})
    raise ValueError(f"cannot set {path!r}")


def _lists(case: Case, pack: RulePack) -> tuple[Any, ...]:
    return lists_available(pack.catalogue, case.codes, case.zones, case.profile.company.sector,
                           bool(case.profile.company.ciio), case.as_of)


def _alternatives(r: PackRule, d: TransferDecision, case: Case, pack: RulePack) -> list[Profile]:
    tid = d.tf.transfer.id
    if r.then.alternatives == "local_lists":
        return [_set(case.profile, f"transfers.{tid}.local_list",
                     LocalList(id=m.id, data_on_list=m.list_rules.kind != "negative_list"))
                for m in _lists(case, pack)]
    out = []
    for alt in r.then.alternatives:
        p = case.profile
        for path, value in alt.items():
            p = _set(p, path.format(transfer=tid), value)
        out.append(p)
    return out


def open_questions(case: Case, pack: RulePack, matcher: Matcher, decision: Decision) -> list[dict[str, Any]]:
    asked: dict[str, tuple[PackRule, TransferDecision]] = {}
    for d in decision.transfers:
        for rid in d.hits:
            r = pack.by_id[rid]
            if r.spec.kind == "question":
                asked.setdefault(r.then.field.format(transfer=d.tf.transfer.id), (r, d))
    base = [d.pathway for d in decision.transfers]
    out = []
    for field, (r, d) in asked.items():
        changes = False
        for profile in _alternatives(r, d, case, pack):
            alt = decide(dataclasses.replace(case, profile=profile), pack, matcher, outcome=False)
            if [x.pathway for x in alt.transfers] != base:
                changes = True
                break
        if r.then.only_if_changes and not changes:
            continue
        q = {"field": field, "text": r.spec.text.as_dict(), "changes_outcome": changes, "rule": r.spec.id}
        if field.startswith("transfers."):
            q["transfer"] = d.tf.transfer.id
        if r.then.alternatives == "local_lists":
            q["candidates"] = [{"id": m.id, "title": m.title.as_dict(), "kind": m.list_rules.kind}
                               for m in _lists(case, pack)]
        out.append(q)
    return out
