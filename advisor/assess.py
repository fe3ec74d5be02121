"""One assessment: a checked case in, the contract §2 dict out."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from advisor.decide import Decision, TransferDecision, decide
from advisor.engine.matcher import Matcher
from advisor.explain import explanation
from advisor.headroom import headroom
from advisor.list_scenarios import purpose_listed
from advisor.render.labels import transfer_name
from advisor.packs.loader import RulePack
from advisor.profile_io import Case
from advisor.questions import open_questions
from advisor.regional.match import matching, needs_of
from advisor.vocab import PATHWAY_ORDER

SCHEMA_VERSION = 2


def _by_kind(d: TransferDecision, pack: RulePack, kind: str) -> Sequence[Any]:
    """The matched rules of one kind, in pack order (grouped once per set of matched rules: shared, read only)."""
    if d.by_kind is None:
        memo = pack.memo.setdefault("by_kind", {})
        hits = tuple(d.hits)
        got = memo.get(hits)
        if got is None:
            got = {}
            for i in hits:
                r = pack.by_id[i]
                got.setdefault(r.spec.kind, []).append(r)
            got = {k: tuple(v) for k, v in got.items()}
            if len(memo) >= BY_KIND:
                memo.clear()
            memo[hits] = got
        d.by_kind = got
    return d.by_kind.get(kind, ())


BY_KIND = 20_000  # sets of matched rules kept per rule pack (a few hundred bytes each)


def _basis(rules: list[Any]) -> list[dict[str, str]]:
    if len(rules) == 1:
        return list(rules[0].basis_out)
    seen, out = set(), []
    for r in rules:
        for c in r.basis_out:
            k = tuple(c.values())
            if k not in seen:
                seen.add(k)
                out.append(c)
    return out


def _explained(d: TransferDecision, deciding: list[Any], basis: list[dict[str, str]], options: list[str],
               pack: RulePack) -> dict[str, str]:
    """The explanation depends only on the route, the deciding rules, the options and the articles cited
    (which name the rule that makes each option available on the day): built once each."""
    key = (d.pathway, d.exemption, tuple(d.deciding), tuple(options),
           tuple(tuple(sorted(b.items())) for b in basis))
    memo = pack.memo.setdefault("explanation", {})
    if key not in memo:
        memo[key] = explanation(d.pathway, d.exemption, [r.text_out for r in deciding], basis, options, pack)
    return memo[key]


def _list_step(d: TransferDecision, pack: RulePack) -> dict[str, Any] | None:
    """The named list's own filing or reporting step, where the company relies on the list: data off a
    negative list that exempted the transfer, or data on a general data list it may use."""
    ll = d.tf.transfer.local_list
    if ll is None or d.tf.list_obstacles:
        return None
    lr = pack.catalogue.by_id[ll.id].list_rules
    relied = (lr.kind == "negative_list" and d.exemption == "local_list") or (
        lr.kind == "general_data_list" and ll.data_on_list)
    if not relied or lr.filing_step is None:
        return None
    return {"id": "local-list-filing-step", "basis": [{"instrument": ll.id}],
            "text": lr.filing_step.as_dict()}


def _transfer(d: TransferDecision, pack: RulePack) -> dict[str, Any]:
    deciding = [pack.by_id[i] for i in d.deciding]
    options, offered, contested = [], [], []
    for r in _by_kind(d, pack, "option"):
        if d.pathway not in r.then.pathways:
            continue
        if r.then.contested:
            contested.append({"option": r.then.option, "basis": list(r.basis_out), "text": r.text_out,
                              "rule": r.spec.id})
        elif r.then.option not in options:
            options.append(r.then.option)
            offered.append(r)
    basis = _basis(deciding + offered)  # the deciding articles, then what makes each option available
    obligations, seen = [], set()
    for r in _by_kind(d, pack, "obligation"):
        if r.then.obligation not in seen:
            seen.add(r.then.obligation)
            obligations.append({"id": r.then.obligation, "basis": list(r.basis_out), "text": r.text_out})
    requirements = [{"id": r.then.requirement, "blocking": r.then.blocking, "basis": list(r.basis_out),
                     "text": r.text_out} for r in _by_kind(d, pack, "requirement")]
    out: dict[str, Any] = {"id": d.tf.transfer.id, "pathway": d.pathway}
    if d.exemption:
        out["exemption"] = d.exemption
    if d.exemption == "automotive_guide":
        out["scenario"] = d.tf.transfer.purpose
    out.update({
        "options": options, "contested_options": contested, "basis": basis, "obligations": obligations, "requirements": requirements,
        "rules": [r.spec.id for r in deciding],
        "matched": list(d.hits),
        "reasons": [{"rule": r.spec.id, "text": r.text_out} for r in deciding],
        "explanation": _explained(d, deciding, basis, options, pack),
    })
    step = _list_step(d, pack)
    if step is not None:
        obligations.append(step)
    if d.tf.gba_measure and "gba_standard_contract" in options:
        out["gba_measure"] = d.tf.gba_measure
    return out


TRANSFER_BODIES = 5_000  # kept per rule pack (each a few hundred bytes: the texts are the rules' own)


def _transfer_reused(d: TransferDecision, pack: RulePack) -> dict[str, Any]:
    """``_transfer``, its body (all but the id) built once per decision: it depends only on the route, the
    matched rules, the scenario where the automotive guide exempts, and the GBA measure; a transfer naming
    a local list is built afresh (its filing step depends on the list). The body's lists are shared between
    assessments: read them, do not change them."""
    tf = d.tf
    if tf.transfer.local_list is not None:
        return _transfer(d, pack)
    key = (d.pathway, d.exemption, tuple(d.hits), tuple(d.deciding),
           tf.transfer.purpose if d.exemption == "automotive_guide" else None, tf.gba_measure)
    bodies = pack.memo.setdefault("transfer_bodies", {})
    body = bodies.get(key)
    if body is None:
        out = _transfer(d, pack)
        if len(bodies) >= TRANSFER_BODIES:
            bodies.clear()
        bodies[key] = {k: v for k, v in out.items() if k != "id"}
        return out
    return {"id": tf.transfer.id, **body}


def _warnings(decision: Decision, pack: RulePack) -> dict[str, list[dict[str, Any]]]:
    """Each warning once, naming the transfers it concerns: {severity: [warning, ...]} ("warning", "note")."""
    found: dict[str, dict[str, dict[str, Any]]] = {"warning": {}, "note": {}}
    for d in decision.transfers:
        for r in _by_kind(d, pack, "warning"):
            seen = found[r.then.severity]
            item = seen.get(r.spec.id)
            if item is None:
                item = seen[r.spec.id] = {**r.text_out, "rule": r.spec.id, "transfers": []}
            item["transfers"].append(d.tf.transfer.id)
    return {severity: list(items.values()) for severity, items in found.items()}


def _list_warnings(decision: Decision, pack: RulePack) -> list[dict[str, Any]]:
    """Why a named local list does not help (contract §3 item 6), or, where it does, that the data must
    fall within one of its scenarios when the purpose is not obviously one of them."""
    out = []
    for d in decision.transfers:
        ll = d.tf.transfer.local_list
        if ll is None or d.pathway == "not_outbound":
            continue
        m = pack.catalogue.by_id[ll.id]
        title = m.title
        reasons = list(d.tf.list_obstacles)
        if not reasons and ll.scenario is None and m.list_rules.scenario_purposes and not purpose_listed(m, d.tf.transfer.purpose):
            reasons.append("scenario")
        for reason in reasons:
            lab = pack.label("list_obstacle", reason)
            name = {lang: transfer_name(d.tf.transfer.model_dump(mode="json"), lang) for lang in ("zh", "en")}
            out.append({"zh": lab["zh"].format(title=title.zh, transfer=name["zh"]),
                        "en": lab["en"].format(title=title.en, transfer=name["en"]),
                        "rule": f"list_obstacle.{reason}", "transfers": [d.tf.transfer.id]})
    return out


_NAMING = {"description", "purpose", "recipient"}   # what transfer_name reads


def _names(transfer: dict[str, Any], number: int) -> dict[str, str]:
    return {lang: transfer_name(transfer, lang, number) for lang in ("zh", "en")}


def _summary(overall: str, pathways: list[str], naming: Callable[[int], dict[str, Any]], pack: RulePack,
             name: Callable[[dict[str, Any], int], dict[str, str]] = _names) -> dict[str, str]:
    """The overall route in one sentence (what a clerk says first): a sentence, so the deciding transfers are
    named in words (``transfer_name`` of ``naming(i)``, what names the i-th transfer of the profile; numbered
    in profile order; ``name``: both languages' names, maybe remembered), never by id."""
    if not pathways:
        return pack.label("summary", "none")
    route = pack.label("pathway", overall)
    named = [name(naming(i - 1), i) for i, p in enumerate(pathways, start=1) if p == overall]
    lab = pack.label("summary", "overall")
    return {lang: lab[lang].format(route=route[lang], n=len(pathways), ids=("、" if lang == "zh" else "; ").join(
        n[lang] for n in named)) for lang in ("zh", "en")}


def assessment(case: Case, pack: RulePack, matcher: Matcher, deadlines_fn: Any = None,
               reuse: bool = True) -> dict[str, Any]:
    """``reuse``: transfer bodies built once per decision (``_transfer_reused``); else each built afresh."""
    decision = decide(case, pack, matcher)
    build = _transfer_reused if reuse else _transfer
    transfers = [build(d, pack) for d in decision.transfers]
    pathways = {t["id"]: t["pathway"] for t in transfers}
    overall = max((t["pathway"] for t in transfers), key=PATHWAY_ORDER.index, default="not_outbound")
    company = case.profile.company
    needs = needs_of(pathways, list(case.profile.transfers))
    measures = matching(pack, case.codes, case.zones, company.sector, case.as_of, needs)
    warned = _warnings(decision, pack)
    warnings = _list_warnings(decision, pack) + warned["warning"]
    deadlines: list[dict[str, Any]] = []
    if deadlines_fn is not None:
        deadlines, extra = deadlines_fn(case.profile, case.as_of, pathways)
        warnings += extra
    return {
        "schema_version": SCHEMA_VERSION,
        "summary": _summary(overall, [t["pathway"] for t in transfers],
                            lambda i: case.profile.transfers[i].model_dump(mode="json", include=_NAMING), pack),
        "as_of": case.as_of.isoformat(),
        "rulepack": {"version": pack.meta.version, "digest": pack.digest},
        "overall": overall,
        "totals": {**decision.totals, "headroom": headroom(pack, case.as_of, decision.company_totals)
                   if decision.totals["counted_transfers"] else []},
        "transfers": transfers,
        "measures": measures,
        "deadlines": deadlines,
        "questions": open_questions(case, pack, matcher, decision),
        "warnings": warnings,
        "notes": warned["note"],
        "company": {"name": company.name, "established": company.established,
                    "region": None if case.place is None else {
                        "code": case.place.code, "zh": case.place.full_zh, "en": case.place.full_en},
                    "zones": sorted(case.zones), "sector": company.sector, "ciio": company.ciio},
        "profile": case.profile.model_dump(mode="json"),
    }
