"""Turn approvals (and a planned security assessment) into dated deadlines on China's working-day calendar.

All periods, citations and texts come from rules/national/deadlines.yaml; this module only reckons.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from advisor.calendar import (
    CalendarRangeError,
    WorkCalendar,
    add_months,
    default_calendar,
)
from advisor.deadlines.rules import (
    DeadlineRule,
    DeadlineRules,
    TriggerSet,
    Variant,
    default_deadline_rules,
)
from advisor.models.profile import Approval, Profile
from advisor.models.text import Bilingual


def compute_deadlines(profile: Profile, as_of: dt.date, pathways: Mapping[str, str],
                      calendar: WorkCalendar | None = None,
                      rules: DeadlineRules | None = None) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Deadlines sorted by date, and bilingual warnings (deduplicated, in order of first appearance)."""
    run = _Run(calendar or default_calendar(), rules or default_deadline_rules(), as_of)
    run.names = _Names(profile)
    countries = {t.id: t.recipient.country for t in profile.transfers}
    assessed = {a.transfer for a in profile.approvals if a.mechanism == "security_assessment"}
    for index, approval in enumerate(profile.approvals):
        todo = [r for r in run.rules.deadlines if r.applies_to.approval == approval.mechanism]
        if todo:
            done = run.chain(todo, approval.transfer, countries.get(approval.transfer), approval, index)
            if approval.extension_applied_on is not None:
                run.extension(approval, done, countries.get(approval.transfer))
    for transfer_id, pathway in pathways.items():
        if pathway == "security_assessment" and transfer_id not in assessed:
            todo = [r for r in run.rules.deadlines if r.applies_to.planned == "security_assessment"]
            run.chain(todo, transfer_id, countries.get(transfer_id), None, None)
    return run.finish()


def refiling_triggers(triggers: TriggerSet) -> dict[str, Any]:
    out: dict[str, Any] = {"id": triggers.id, "title": triggers.title.as_dict(),
                           "basis": [c.as_dict() for c in triggers.basis], "confidence": triggers.confidence,
                           "points": {"zh": list(triggers.zh), "en": list(triggers.en)}}
    if triggers.note is not None:
        out["note"] = triggers.note.as_dict()
    return out



_RECKONED: dict[int, dict[tuple[str, int, dt.date], tuple[Any, dt.date, bool, set[int]]]] = {}
_STATIC: dict[tuple[str, int], tuple[Any, dict[str, Any]]] = {}


def _static(rule: DeadlineRule, variant: Variant, rules: DeadlineRules) -> dict[str, Any]:
    """The parts of a deadline that do not depend on the profile, built once per rule variant."""
    key = (rule.id, id(variant))
    hit = _STATIC.get(key)
    if hit is None or hit[0] is not variant:
        part: dict[str, Any] = {
            "basis": [c.as_dict() for c in variant.basis], "label": rule.label.as_dict(),
            "explanation": rule.explanation.as_dict(), "period": variant.period.as_dict(),
            "moves_off_rest_days": rule.moves_off_rest_days}
        if rule.estimate:
            part["estimate"] = True
        if rule.conditions is not None:
            c = rule.conditions
            part["conditions"] = {"zh": list(c.zh), "en": list(c.en), "confidence": c.confidence,
                                  "basis": [b.as_dict() for b in c.basis]}
        if rule.refiling is not None:
            part["refiling_triggers"] = refiling_triggers(rules.triggers(rule.refiling))
        hit = _STATIC[key] = (variant, part)
    return hit[1]

class _Names(dict):
    """{transfer id: {lang: the transfer in words}}: warnings name a transfer by what it is, not by its id.
    Each is put in words when first asked for: most runs name none."""

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self._transfers = {t.id: t for t in profile.transfers}

    def get(self, tid: str, default: Any = None) -> Any:
        if tid not in self and tid in self._transfers:
            from advisor.render.labels import transfer_name

            data = self._transfers[tid].model_dump(mode="json")
            self[tid] = {lang: transfer_name(data, lang) for lang in ("zh", "en")}
        return super().get(tid, default)


class _Run:
    def __init__(self, calendar: WorkCalendar, rules: DeadlineRules, as_of: dt.date) -> None:
        self.cal, self.rules, self.as_of = calendar, rules, as_of
        self.deadlines: list[dict[str, Any]] = []
        self.warnings: list[dict[str, str]] = []
        self.provisional_years: set[int] = set()
        self.estimates = False
        self.names: dict[str, dict[str, str]] = {}  # transfer id -> {lang: the transfer in words}

    def warn(self, text: Bilingual, **values: str) -> None:
        def words(lang: str) -> dict[str, str]:
            from advisor.render.labels import label

            out = dict(values)
            named = self.names.get(values.get("transfer", ""), {}).get(lang)
            if named:
                out["transfer"] = named
            if "mechanism" in values:
                out["mechanism"] = label("option", values["mechanism"], lang)
            return out

        item = {lang: getattr(text, lang).format(**words(lang)) for lang in ("zh", "en")}
        if item not in self.warnings:
            self.warnings.append(item)

    def chain(self, todo: list[DeadlineRule], transfer: str, country: str | None,
              approval: Approval | None, index: int | None) -> dict[str, tuple[dt.date, bool]]:
        done: dict[str, tuple[dt.date, bool]] = {}
        for rule in todo:
            start = self._start(rule, transfer, approval, index, done)
            if start is None:
                continue
            (day, inherited), field = start
            variant = next((v for v in rule.variants if v.fits(day, country)), None)
            if variant is None:
                continue
            try:
                date, provisional = self._reckon(rule, variant, day)
            except (CalendarRangeError, ValueError, OverflowError) as exc:
                ui = self.rules.ui["out_of_range"]
                self.warnings.append({lang: getattr(ui, lang).format(
                    transfer=transfer, label=getattr(rule.label, lang), reason=str(exc)) for lang in ("zh", "en")})
                continue
            provisional = provisional or inherited
            done[rule.id] = (date, provisional)
            self._emit(rule, variant, transfer, approval, date, provisional, field, day)
        return done

    def extension(self, approval: Approval, done: dict[str, tuple[dt.date, bool]], country: str | None) -> None:
        """Where an extension of an assessment result was applied for (contract §7): was it inside the
        window (deadlines.yaml `assessment_extension_window_opens` .. `assessment_expiry`), and if approved,
        when would the extended validity end (the expiry period again, counted from the expiry)."""
        applied = approval.extension_applied_on
        expiry, opens = done.get("assessment_expiry"), done.get("assessment_extension_window_opens")
        if applied is None or expiry is None or opens is None:
            return
        values = {"transfer": approval.transfer, "applied": applied.isoformat(), "opens": opens[0].isoformat(),
                  "expiry": expiry[0].isoformat()}
        if applied < opens[0]:
            self.warn(self.rules.ui["extension_early"], **values)
        elif applied > expiry[0]:
            self.warn(self.rules.ui["extension_late"], **values)
        else:
            rule = next(r for r in self.rules.deadlines if r.id == "assessment_expiry")
            variant = next((v for v in rule.variants if v.fits(expiry[0], country)), None)
            if variant is None:
                return
            extended, _ = self._reckon_now(rule, variant, expiry[0])
            self.warn(self.rules.ui["extension_in_window"], extended=extended.isoformat(), **values)

    def _start(self, rule: DeadlineRule, transfer: str, approval: Approval | None, index: int | None,
               done: dict[str, tuple[dt.date, bool]]) -> tuple[tuple[dt.date, bool], dict[str, str]] | None:
        src = rule.from_
        if src.as_of:
            return (self.as_of, False), {"field": "as_of", "date": self.as_of.isoformat()}
        if src.deadline is not None:
            if src.deadline not in done:
                return None
            day, prov = done[src.deadline]
            return (day, prov), {"deadline": src.deadline, "date": day.isoformat()}
        assert approval is not None and src.approval_date is not None
        wanted = src.approval_date
        used = wanted if getattr(approval, wanted) is not None else (
            "effective_on" if wanted == "issued_on" else "issued_on")
        if used != wanted:
            self.warn(self.rules.ui["date_fallback"], transfer=transfer, mechanism=approval.mechanism,
                      wanted=wanted, used=used)
        day = getattr(approval, used)
        return (day, False), {"field": f"approvals.{index}.{used}", "date": day.isoformat()}

    def _reckon(self, rule: DeadlineRule, variant: Variant, start: dt.date) -> tuple[dt.date, bool]:
        """Dates are a pure function of the rule, the period and the start: memoised per calendar."""
        key = (rule.id, id(variant), start)
        memo = _RECKONED.setdefault(id(self.cal), {})
        hit = memo.get(key)
        if hit is None or hit[0] is not variant:  # ids are only trusted while the object lives
            years_before = set(self.provisional_years)
            hit = memo[key] = (variant, *self._reckon_now(rule, variant, start),
                               self.provisional_years - years_before)
        _, date, provisional, years = hit
        self.provisional_years.update(years)
        return date, provisional

    def _reckon_now(self, rule: DeadlineRule, variant: Variant, start: dt.date) -> tuple[dt.date, bool]:
        period = variant.period
        if period.unit == "working_days":
            step = self.cal.add_working_days if period.direction == "after" else self.cal.working_days_before
            got = step(start, period.count)
            date, provisional = got.date, got.provisional
        else:
            months = period.count * (12 if period.unit == "years" else 1)
            date, provisional = add_months(start, months if period.direction == "after" else -months), False
        if rule.moves_off_rest_days:
            moved = self.cal.next_working_day(date)
            date, provisional = moved.date, provisional or moved.provisional
        if provisional:
            lo, hi = sorted((start.year, date.year))
            self.provisional_years.update(y for y in range(lo, hi + 1) if self.cal.is_provisional_year(y))
        return date, provisional

    def _emit(self, rule: DeadlineRule, variant: Variant, transfer: str, approval: Approval | None,
              date: dt.date, provisional: bool, counts_from: dict[str, str], start: dt.date) -> None:
        status = "upcoming" if date >= self.as_of else "passed"
        if rule.done_when_filed and approval is not None and approval.filed_on is not None:
            status = "done"
        item: dict[str, Any] = {
            "id": rule.id, "transfer": transfer, "date": date.isoformat(), **_static(rule, variant, self.rules),
            "provisional": provisional, "status": status, "counts_from": counts_from,
        }
        if rule.estimate:
            self.estimates = True
        self.deadlines.append(item)
        if variant.warning is not None:
            self.warn(variant.warning, transfer=transfer, date=date.isoformat())
        if status == "passed" and rule.passed_warning is not None:
            self.warn(rule.passed_warning, transfer=transfer, date=date.isoformat())

    def finish(self) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
        if self.provisional_years:
            years = "、".join(str(y) for y in sorted(self.provisional_years))
            years_en = ", ".join(str(y) for y in sorted(self.provisional_years))
            text = self.cal.rules.provisional_warning
            self.warnings.append({"zh": text.zh.format(years=years), "en": text.en.format(years=years_en)})
        if self.estimates:
            self.warn(self.rules.estimate_warning)
        self.deadlines.sort(key=lambda d: (d["date"], d["transfer"], d["id"]))
        return self.deadlines, self.warnings
