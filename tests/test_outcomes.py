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


def boundaries(advisor, cases: list[dict[str, Any]], results: dict[str, Any]) -> dict[str, Any]:
    """Each dated rule (measure) on each side of each of its dates, in the first case that shows it there."""
    out: dict[str, Any] = {}
    for rid, side, day in _dates():
        d = dt.date.fromisoformat(day)
        inside, outside = (d, d - dt.timedelta(days=1)) if side == "from" else (d, d + dt.timedelta(days=1))
        shown = [c for c in cases if "error" not in results[c["name"]] and _shows(results[c["name"]], rid)]
        row: dict[str, Any] = {}
        for case in shown:
            got = _assess(advisor, {**case["profile"], "as_of": inside.isoformat()})
            if "error" not in got and _shows(got, rid) not in (False, "not_yet_effective", "expired"):
                row = {"case": case["name"]}
                break
        if not row:
            out[f"{rid} {side} {day}"] = "no case shows it on this day"
            continue
        for label, when in (("in force", inside), ("not in force", outside)):
            got = _assess(advisor, {**cases[[c["name"] for c in cases].index(row["case"])]["profile"],
                                    "as_of": when.isoformat()})
            row[f"{label} {when}"] = got if "error" in got else {
                "deciding": {t: v["deciding"] for t, v in got["transfers"].items()}, "shows it": _shows(got, rid)}
        out[f"{rid} {side} {day}"] = row
    return out


def current(advisor) -> dict[str, Any]:
    cases = _cases()
    results = {c["name"]: _assess(advisor, c["profile"]) for c in cases}
    return {"cases": results, "boundaries": boundaries(advisor, cases, results)}


@pytest.fixture(scope="module")
def now(advisor):
    return current(advisor)


@pytest.fixture(scope="module")
def reviewed():
    return read_yaml(SNAPSHOT)


def test_every_case_tells_the_user_what_was_reviewed(now, reviewed):
    want, got = reviewed["cases"], now["cases"]
    diff = [name for name in sorted(set(want) | set(got)) if want.get(name) != got.get(name)]
    detail = [f"{n}:\n  reviewed {want.get(n)}\n  now      {got.get(n)}" for n in diff[:5]]
    assert diff == [], f"{len(diff)} cases differ from tests/snapshots/outcomes.yaml:\n" + "\n".join(detail)


def test_each_side_of_every_effective_date_is_what_was_reviewed(now, reviewed):
    want, got = reviewed["boundaries"], now["boundaries"]
    diff = [k for k in sorted(set(want) | set(got)) if want.get(k) != got.get(k)]
    detail = [f"{k}:\n  reviewed {want.get(k)}\n  now      {got.get(k)}" for k in diff[:5]]
    assert diff == [], f"{len(diff)} date boundaries differ:\n" + "\n".join(detail)


def test_every_dated_rule_in_force_is_shown_on_its_first_day_and_not_the_day_before(now):
    """The boundary table means something: on the in-force side the rule matches, on the other it does not
    (or the date is outside what the advisor accepts)."""
    wrong = []
    for key, row in now["boundaries"].items():
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
