"""The reviewed outcome snapshot: for every project and sample case, everything legal the assessment says
(per transfer: route, exemption, deciding rules, options, obligations, requirements, matched rules; the
warnings and notes with the transfers they name; the questions with rule, transfer and changes_outcome;
the counted totals; the deadlines; the measures), compared with tests/snapshots/outcomes.yaml.

Plus the effective-date boundaries: every rule and every regional measure with a `from` or `until` is
assessed on each side of each date, with a case that matches it, and the deciding and matched rules (the
measures) on both sides are in the snapshot.

A difference fails until the snapshot is changed by hand, after review: each changed line is a change of
what the advisor tells a user. To see the difference run this file with pytest; to write the current
outcomes after review: `.venv/bin/python tests/test_outcomes.py --write`, then read `git diff`.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from advisor.errors import ProfileError  # noqa: E402
from advisor.packs.yamlio import read_yaml  # noqa: E402
from tests.casefile import load_own_cases, load_samples  # noqa: E402

pytestmark = pytest.mark.law

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "outcomes.yaml"


def _rows(rows: Any) -> list[str]:
    out = []
    for r in rows or []:
        who = r.get("rule") or r.get("en", "")[:80]     # calendar and deadline warnings have no rule id
        out.append(f"{who}@{','.join(r.get('transfers') or [])}")
    return sorted(out)


def digest(result: dict[str, Any]) -> dict[str, Any]:
    """What a user is told, reduced to ids, dates and routes (the wording is tested elsewhere)."""
    transfers = {}
    for t in result["transfers"]:
        transfers[t["id"]] = {
            "route": f"{t['pathway']}/{t.get('exemption') or '-'}",
            "deciding": list(t.get("rules") or []),
            "basis": [f"{b['instrument']}:{b.get('article', '')}({b.get('item', '')})" for b in t.get("basis") or []],
            "options": [o if isinstance(o, str) else o.get("id") for o in t.get("options") or []],
            "contested": [o.get("option") for o in t.get("contested_options") or []],
            "obligations": [o["id"] for o in t.get("obligations") or []],
            "requirements": [f"{r['id']}{'!' if r.get('blocking') else ''}" for r in t.get("requirements") or []],
            "matched": sorted(t.get("matched") or []),
        }
    totals = result.get("totals") or {}
    return {
        "overall": result["overall"],
        "transfers": transfers,
        "totals": {k: totals.get(k) for k in ("personal_info_subjects", "sensitive_info_subjects", "counted_since",
                                             "counted_transfers")},
        "headroom": [f"{h['count']}:{h['threshold']}:{h['remaining']}" for h in totals.get("headroom") or []],
        "warnings": _rows(result.get("warnings")),
        "notes": _rows(result.get("notes")),
        "questions": [f"{q['field']} {q.get('rule')} {q.get('transfer', '-')} {q['changes_outcome']}"
                      + (f" {[c['id'] for c in q['candidates']]}" if q.get("candidates") is not None else "")
                      for q in result.get("questions") or []],
        "deadlines": [f"{d['id']}@{d.get('transfer', '-')} {d.get('date')}{' provisional' if d.get('provisional') else ''}"
                      for d in result.get("deadlines") or []],
        "measures": [f"{m['id']} {m.get('status')}" for m in result.get("measures") or []],
    }


def _assess(advisor, profile: dict[str, Any]) -> Any:
    try:
        return digest(advisor.assess(profile))
    except ProfileError as exc:
        return {"error": str(exc).splitlines()[0]}


def _cases() -> list[dict[str, Any]]:
    return [c for c in load_own_cases() + load_samples() if not c["expect"].get("error")]


def _dates() -> list[tuple[str, str, str]]:
    """(id, 'from' | 'until', date) for every dated rule and regional measure."""
    out = []
    for path in sorted((ROOT / "rules" / "national").glob("[0-9]*.yaml")):
        for r in read_yaml(path)["rules"]:
            for side in ("from", "until"):
                if isinstance(r.get("effective", {}).get(side), dt.date):
                    out.append((r["id"], side, str(r["effective"][side])))
    for path in sorted((ROOT / "rules" / "regional").glob("*.yaml")):
        for m in read_yaml(path).get("measures") or []:
            for side in ("from", "until"):
                if isinstance(m.get(side), dt.date):     # a year alone (`until: 2025`) has no day to test
                    out.append((m["id"], side, str(m[side])))
    return out


def _shows(got: dict[str, Any], rid: str) -> Any:
    """Whether the rule matched, or the regional measure's status, in one digested assessment."""
    status = [m.split()[1] for m in got["measures"] if m.split()[0] == rid]
    if status:
        return status[0]
    return any(rid in v["matched"] for v in got["transfers"].values())


class Outcomes(dict):
    """Case name -> digested assessment, each computed when first asked for: a test that stops at its
    first differences assesses only the cases up to them (a mutation run kills a mutant in a fraction of
    the time), and one that reads them all computes each once."""

    def __init__(self, advisor, cases: list[dict[str, Any]]) -> None:
        super().__init__()
        self.advisor, self.cases = advisor, cases
        self.by_name = {c["name"]: c for c in cases}

    def __missing__(self, name: str) -> Any:
        got = self[name] = _assess(self.advisor, self.by_name[name]["profile"])
        return got


def boundary(advisor, cases: list[dict[str, Any]], results: dict[str, Any], rid: str, side: str, day: str) -> Any:
    """The dated rule (measure) on each side of its date, in the first case that shows it there."""
    d = dt.date.fromisoformat(day)
    inside, outside = (d, d - dt.timedelta(days=1)) if side == "from" else (d, d + dt.timedelta(days=1))
    row: dict[str, Any] = {}
    for case in cases:                                   # in order: the first case that shows it on the day
        if "error" in results[case["name"]] or not _shows(results[case["name"]], rid):
            continue
        got = _assess(advisor, {**case["profile"], "as_of": inside.isoformat()})
        if "error" not in got and _shows(got, rid) not in (False, "not_yet_effective", "expired"):
            row = {"case": case["name"]}
            break
    if not row:
        return "no case shows it on this day"
    profile = next(c["profile"] for c in cases if c["name"] == row["case"])
    for label, when in (("in force", inside), ("not in force", outside)):
        got = _assess(advisor, {**profile, "as_of": when.isoformat()})
        row[f"{label} {when}"] = got if "error" in got else {
            "deciding": {t: v["deciding"] for t, v in got["transfers"].items()}, "shows it": _shows(got, rid)}
    return row


def boundaries(advisor, cases: list[dict[str, Any]], results: dict[str, Any]) -> dict[str, Any]:
    """Each dated rule (measure) on each side of each of its dates, in the first case that shows it there."""
    return {f"{rid} {side} {day}": boundary(advisor, cases, results, rid, side, day) for rid, side, day in _dates()}


def current(advisor) -> dict[str, Any]:
    cases = _cases()
    results = {c["name"]: _assess(advisor, c["profile"]) for c in cases}
    return {"cases": results, "boundaries": boundaries(advisor, cases, results)}


class Boundaries(dict):
    """'rule side day' -> its row, each computed when first asked for (as Outcomes)."""

    def __init__(self, outcomes: Outcomes) -> None:
        super().__init__()
        self.outcomes = outcomes
        self.keys_in_order = [(f"{rid} {side} {day}", (rid, side, day)) for rid, side, day in _dates()]
        self.known = dict(self.keys_in_order)

    def __missing__(self, key: str) -> Any:
        if key not in self.known:
            return None
        o = self.outcomes
        got = self[key] = boundary(o.advisor, o.cases, o, *self.known[key])
        return got


@pytest.fixture(scope="module")
def outcomes(advisor) -> Outcomes:
    return Outcomes(advisor, _cases())


@pytest.fixture(scope="module")
def dated(outcomes) -> Boundaries:
    return Boundaries(outcomes)


@pytest.fixture(scope="module")
def reviewed():
    return read_yaml(SNAPSHOT)


def _first_differences(want: dict[str, Any], names: list[str], got: dict[str, Any], most: int = 5) -> list[str]:
    """The first `most` names (in sorted order) whose value differs; stops there."""
    diff = []
    for name in sorted(set(want) | set(names)):
        if want.get(name) != (got[name] if name in names else None):
            diff.append(name)
            if len(diff) == most:
                break
    return diff


def test_every_case_tells_the_user_what_was_reviewed(outcomes, reviewed):
    want = reviewed["cases"]
    diff = _first_differences(want, list(outcomes.by_name), outcomes)
    detail = [f"{n}:\n  reviewed {want.get(n)}\n  now      {outcomes[n] if n in outcomes.by_name else None}"
              for n in diff]
    assert diff == [], "cases differ from tests/snapshots/outcomes.yaml (the first 5 at most):\n" + "\n".join(detail)


def test_each_side_of_every_effective_date_is_what_was_reviewed(dated, reviewed):
    want = reviewed["boundaries"]
    diff = _first_differences(want, list(dated.known), dated)
    detail = [f"{k}:\n  reviewed {want.get(k)}\n  now      {dated[k]}" for k in diff]
    assert diff == [], "date boundaries differ (the first 5 at most):\n" + "\n".join(detail)


def test_every_dated_rule_in_force_is_shown_on_its_first_day_and_not_the_day_before(dated):
    """The boundary table means something: on the in-force side the rule matches, on the other it does not
    (or the date is outside what the advisor accepts)."""
    wrong = []
    for key in dated.known:
        row = dated[key]
        if not isinstance(row, dict):
            continue
        sides = {k.split(" 20")[0]: v for k, v in row.items() if k != "case"}
        shown, hidden = sides.get("in force", {}), sides.get("not in force", {})
        if shown.get("shows it") in (False, "not_yet_effective", "expired"):
            wrong.append(f"{key}: not shown while in force")
        if "error" not in hidden and hidden.get("shows it") not in (False, "not_yet_effective", "expired"):
            wrong.append(f"{key}: shown while not in force")
    assert wrong == []


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    from advisor.service import Advisor

    SNAPSHOT.write_text("# Reviewed outcomes (tests/test_outcomes.py): a changed line is a change of what the advisor\n"
                        "# tells a user. Regenerate only to accept a reviewed change of the law or of the cases.\n"
                        + yaml.safe_dump(current(Advisor.load()), allow_unicode=True, sort_keys=True, width=160),
                        encoding="utf-8")
