"""Guided mode (/guide, "一次一问"): one question per page, skipping every question whose answer cannot change
the route, ending on the same result page as the form.

Whether a question can change the route is found the way the engine finds a question's ``changes_outcome``
(advisor/questions.py): decide the case again with each alternative answer and compare the pathways. The
questions not yet answered take neutral values, with the person counts tried both at zero and very large, so
that a question is skipped only when no answer to it changes the route whatever the counts turn out to be.
No legal number is used here: the two counts are "none" and "more than any threshold".

Where the company is established (mainland China or abroad, PIPL Art 3(2) in the contract) never changes a
route, but it is always asked first: it decides what the region question asks (an overseas processor's place is
its representative's in China, and may be left empty) and it adds a duty to the result.

Answers travel in the page's hidden fields under the enquiry form's own names (``transfers.0.purpose``), so
the end of the guide is the form's profile builder (form.to_profile) and the result page is the form's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from advisor import vocab
from advisor.errors import ProfileError

def _most() -> int:  # the largest count a profile may give: more persons than any threshold, not a legal number
    from advisor.models.profile import Transfer

    return next(m.le for m in Transfer.model_fields["personal_info_subjects"].metadata if getattr(m, "le", None))


HUGE = _most()
T0 = "transfers.0."


@dataclass(frozen=True)
class Step:
    name: str  # the form field it fills
    label: str  # ui.yaml text key of the question
    kind: str  # text | select | choice | count | tri | bool | country
    alternatives: tuple[Any, ...] = ()  # values tried to see whether the answer matters; () = always asked
    neutral: Any = None  # the value while unanswered (or when skipped)
    help: str | None = None
    always: bool = False  # asked even when no answer changes the route


STEPS = (
    Step("company.established", "g_established", "choice", tuple(get_args(vocab.Established)), "mainland", "established",
         always=True),
    Step("company.region", "g_region", "text", help="region"),
    Step(T0 + "recipient.country", "g_country", "country", ("CN", "HK", "US"), "US", "recipient_country"),
    Step(T0 + "personal_info_subjects", "g_pi", "count", (0, HUGE), 0, "pi_subjects"),
    Step(T0 + "sensitive_info_subjects", "g_spi", "count", (0, HUGE), 0, "spi_subjects"),
    Step(T0 + "purpose", "g_purpose", "select", tuple(get_args(vocab.Purpose)), "other", "purpose"),
    Step(T0 + "recipient.kind", "g_kind", "select", tuple(get_args(vocab.RecipientKind)), "third_party", "recipient_kind"),
    Step(T0 + "collected_abroad", "g_abroad", "bool", (False, True), False, "collected_abroad"),
    Step("company.sector", "g_sector", "select", tuple(get_args(vocab.Sector)), "other", "sector"),
    Step("company.ciio", "g_ciio", "tri", (False, True), None, "ciio"),
    Step(T0 + "important_data", "g_important", "tri", (False, True), None, "important_data"),
)
BY_NAME = {s.name: s for s in STEPS}
OPTION_GROUPS = {T0 + "purpose": "purposes", T0 + "recipient.kind": "recipient_kinds", "company.sector": "sectors",
                 "company.established": "established"}
REGION = "company.region"


def abroad(answers: dict[str, Any]) -> bool:
    """An overseas processor: the region question asks for its representative's place, which may stay empty."""
    return answers.get("company.established") == "abroad"


def question(step: Step, answers: dict[str, Any]) -> str:
    """The ui.yaml key of the step's question for these answers."""
    return "g_region_abroad" if step.name == REGION and abroad(answers) else step.label


def _profile(values: dict[str, Any]) -> dict[str, Any]:
    g = lambda name: values.get(name, BY_NAME[name].neutral)  # noqa: E731
    company = {"established": g("company.established"), "sector": g("company.sector"), "ciio": g("company.ciio")}
    if g(REGION):  # an overseas processor may give none
        company["region"] = g(REGION)
    return {"company": company,
            "transfers": [{"id": "t1", "purpose": g(T0 + "purpose"),
                           "recipient": {"kind": g(T0 + "recipient.kind"), "country": g(T0 + "recipient.country")},
                           "personal_info_subjects": g(T0 + "personal_info_subjects"),
                           "sensitive_info_subjects": g(T0 + "sensitive_info_subjects"),
                           "important_data": g(T0 + "important_data"), "collected_abroad": g(T0 + "collected_abroad")}]}


def typed(answers: dict[str, str]) -> dict[str, Any]:
    """The guide's answers (strings from the page) as profile values; "" of a tri-state is "don't know"."""
    out: dict[str, Any] = {}
    for name, raw in answers.items():
        step = BY_NAME.get(name)
        if step is None:
            continue
        if step.kind == "count":
            out[name] = int(raw)
        elif step.kind in ("tri", "bool"):
            out[name] = {"true": True, "false": False}.get(raw)
        else:
            out[name] = raw
    return out


class Router:
    """Decides routes of guide profiles with the advisor's own pack and matcher (no outcome phase)."""

    def __init__(self, advisor: Any) -> None:
        self.advisor = advisor

    def route(self, values: dict[str, Any]) -> tuple[str, ...] | None:
        from advisor.decide import decide
        from advisor.profile_io import check_profile

        try:
            case = check_profile(_profile(values), self.advisor.pack)
        except ProfileError:
            return None
        return tuple(d.pathway for d in decide(case, self.advisor.pack, self.advisor.matcher, outcome=False).transfers)

    def matters(self, step: Step, known: dict[str, Any]) -> bool:
        """Can some answer to ``step`` change the route, whatever the unanswered counts turn out to be?"""
        if not step.alternatives or step.always:
            return True
        open_counts = [s.name for s in STEPS if s.kind == "count" and s.name not in known and s is not step]
        for many in ((False, True) if open_counts else (False,)):
            base = {**known, **{n: HUGE for n in open_counts if many}}
            routes = {self.route({**base, step.name: alt}) for alt in step.alternatives}
            if len(routes) > 1 or None in routes:  # an answer that cannot be decided: ask rather than guess
                return True
        return False

    def next_step(self, answers: dict[str, str]) -> tuple[Step | None, list[str]]:
        """The next question to ask (None: done) and the questions skipped so far."""
        known, skipped = typed(answers), []
        for step in STEPS:
            if step.name in answers:
                continue
            if self.matters(step, known):
                return step, skipped
            skipped.append(step.name)
        return None, skipped


def form_state(answers: dict[str, str]) -> dict[str, Any]:
    """The enquiry form's state for the answers, skipped questions at their neutral values."""
    state: dict[str, Any] = {"_n": 1, "company.zones": [], T0 + "special_categories": [], T0 + "id": "t1"}
    for step in STEPS:
        if step.name in answers:
            state[step.name] = answers[step.name]
        elif step.neutral is not None:
            state[step.name] = str(step.neutral).lower() if isinstance(step.neutral, bool) else str(step.neutral)
        else:
            state[step.name] = ""
    return state


def region_error(raw: str, answers: dict[str, Any]) -> str | None:
    """None when ``raw`` is a place in mainland China (kept as typed: 前海 brings its zone and 苏州工业园区 its
    name through profile validation), else the ui.yaml key of the error."""
    from advisor.regions import default_gazetteer

    try:
        hit = default_gazetteer().lookup(raw)
    except LookupError:
        hit = None
    if hit is not None and hit.place.mainland:
        return None
    if abroad(answers):  # the representative's place must be in mainland China
        return "region_abroad_unknown"
    return "g_region_unknown" if hit is None else "g_region_outside"


def check_answer(step: Step, raw: str, answers: dict[str, Any] | None = None) -> str | None:
    """None when ``raw`` answers ``step`` (given the earlier ``answers``), else the ui.yaml key of a plain error."""
    raw = raw.strip()
    if step.name == REGION and not raw and abroad(answers or {}):
        return None
    if step.kind == "count":
        return None if raw.replace(",", "").isdigit() else "answer_whole_number"
    if step.kind == "tri":
        return None if raw in ("true", "false", "") else "answer_choose_yes_no"
    if step.kind == "bool":
        return None if raw in ("true", "false") else "answer_choose_yes_no"
    if step.kind in ("select", "choice"):
        return None if raw in step.alternatives else "g_choose"
    return None if raw else "g_required"
