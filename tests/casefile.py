"""The project's own case runner: the case format of the golden cases, extended, with no file outside
the repository.

Project cases (tests/cases/*.yaml) hold `cases:`, each `{name, profile | base + patch, expect}`. `base`
names a profile under `profiles:` in the same file; `patch` is a dotted-path map applied to a copy of it
(`transfers.0.personal_info_subjects: 99999`, `as_of: 2024-03-21`).

`expect` takes the golden-case keys (overall; transfers.<id> as a pathway or an object with pathway,
exemption, options_include/exclude, contested_options_include, basis_include ("instrument:article"),
requirements_include, requirements_blocking, obligations_include/exclude; totals; measures_include/
exclude/status; questions_include/exclude; questions_changing; deadlines; deadlines_provisional; error,
error_mentions) and these:

| key | checks |
|---|---|
| `transfers.<id>.deciding_rules` | the rules that decided the route (output `rules`), exactly, in order |
| `transfers.<id>.basis_exclude` | `"instrument:article"` pairs that must not be cited |
| `totals` | as golden, any key of `totals` (also `counted_transfers`, `counted_since`) |
| `matched_include`, `matched_exclude` | rule ids over every transfer's `matched` |
| `warnings_include`, `warnings_exclude` | warning rule ids (`"rule@t1"`: and it names transfer t1) |
| `notes_include`, `notes_exclude` | note rule ids, the same way |
| `questions` | `{field: {rule, transfer, changes_outcome}}`: those keys of the question equal these values |

Golden cases live beside the repository in ../shared (CI has it; a plain clone does not): see
`shared_case_dirs()`.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

from advisor.packs.yamlio import read_yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CASES_DIR = Path(__file__).resolve().parent / "cases"
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
SHARED_CASE_FOLDERS = [
    "cases",
    "cases-v2",   # contract version 2
]

CASE_KEYS = {"name", "profile", "base", "patch", "expect"}
EXPECT_KEYS = {"overall", "transfers", "totals", "measures_include", "measures_exclude", "measures_status",
               "questions_include", "questions_exclude", "questions_changing", "questions", "deadlines",
               "deadlines_provisional", "error", "error_mentions", "matched_include", "matched_exclude",
               "warnings_include", "warnings_exclude", "notes_include", "notes_exclude"}
TRANSFER_KEYS = {"pathway", "exemption", "options_include", "options_exclude", "contested_options_include",
                 "basis_include", "basis_exclude", "requirements_include", "requirements_blocking",
                 "obligations_include", "obligations_exclude", "deciding_rules"}
QUESTION_KEYS = {"rule", "transfer", "changes_outcome"}


def shared_case_dirs() -> list[Path]:
    """The golden-case folders of ../shared that exist here (none in a plain clone)."""
    return [SHARED / f for f in SHARED_CASE_FOLDERS if (SHARED / f).is_dir()]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _patch(profile: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(profile)
    for path, value in patch.items():
        node: Any = out
        *parents, last = path.split(".")
        for p in parents:
            node = node[int(p)] if isinstance(node, list) else node[p]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return out


def check_format(expect: dict[str, Any], where: str) -> None:
    """A misspelt key would check nothing: refuse it."""
    unknown = set(expect) - EXPECT_KEYS
    assert not unknown, f"{where}: unknown expect keys {sorted(unknown)}"
    for tid, want in expect.get("transfers", {}).items():
        if isinstance(want, dict):
            bad = set(want) - TRANSFER_KEYS
            assert not bad, f"{where}: transfer {tid}: unknown keys {sorted(bad)}"
    for field, want in expect.get("questions", {}).items():
        bad = set(want) - QUESTION_KEYS
        assert not bad, f"{where}: question {field}: unknown keys {sorted(bad)}"


def load_own_cases() -> list[dict[str, Any]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        doc = _plain(read_yaml(path))
        bases = doc.get("profiles", {})
        for i, c in enumerate(doc["cases"]):
            where = f"{path.name} case {i} ({c.get('name')!r})"
            unknown = set(c) - CASE_KEYS
            assert not unknown, f"{where}: unknown keys {unknown}"
            check_format(c["expect"], where)
            profile = c.get("profile") or _patch(bases[c["base"]], c.get("patch", {}))
            cases.append({"name": c["name"], "profile": profile, "expect": c["expect"], "_file": f"{path.name}#{i}"})
    return cases


def load_json_cases(folders: list[Path]) -> list[dict[str, Any]]:
    cases = []
    for folder in folders:
        for f in sorted(folder.rglob("*.json")):
            case = json.loads(f.read_text(encoding="utf-8"))
            case["_file"] = f"{folder.name}/{f.name}"
            cases.append(case)
    return cases


def load_golden_cases() -> list[dict[str, Any]]:
    """The golden cases of ../shared ([] where ../shared is not beside the repository)."""
    return load_json_cases(shared_case_dirs())


def load_samples() -> list[dict[str, Any]]:
    """tests/samples: the project's copy of the version-1 golden cases, expectations included, so that a
    plain clone checks them too and tests that need a realistic profile have one."""
    return load_json_cases([SAMPLES_DIR])


def sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES_DIR / name).read_text(encoding="utf-8"))


# ---- comparison -------------------------------------------------------------------------------------

def _by(items: Any, key: str = "id") -> dict[Any, Any]:
    return {i.get(key): i for i in items or [] if isinstance(i, dict)}


def _pairs(basis: Any) -> set[str]:
    out = set()
    for b in basis or []:
        if isinstance(b, dict):
            art = str(b.get("article", "")).split(".")[0].split("(")[0]
            out.add(f"{b.get('instrument')}:{art}")
    return out


def _ids(rows: Any, key: str) -> set[Any]:
    return {r if isinstance(r, str) else r.get(key) for r in rows or []}


def _include_exclude(bad: list[str], what: str, have: set[Any], want: list[Any], avoid: list[Any]) -> None:
    for x in want:
        if x not in have:
            bad.append(f"{what} {x!r} missing (got {sorted(map(str, have))})")
    for x in avoid:
        if x in have:
            bad.append(f"{what} {x!r} should not be there")


def _transfer(bad: list[str], tid: str, want: Any, got: dict[str, Any]) -> None:
    if isinstance(want, str):
        want = {"pathway": want}
    out: list[str] = []
    for field in ("pathway", "exemption"):
        if field in want and got.get(field) != want[field]:
            out.append(f"{field} expected {want[field]!r}, got {got.get(field)!r}")
    if "deciding_rules" in want and got.get("rules") != want["deciding_rules"]:
        out.append(f"deciding rules expected {want['deciding_rules']}, got {got.get('rules')}")
    _include_exclude(out, "option", _ids(got.get("options"), "id"), want.get("options_include", []),
                     want.get("options_exclude", []))
    _include_exclude(out, "contested option", _ids(got.get("contested_options"), "option"),
                     want.get("contested_options_include", []), [])
    reqs = got.get("requirements") or []
    _include_exclude(out, "requirement", _ids(reqs, "id"), want.get("requirements_include", []), [])
    blocking = {r.get("id") for r in reqs if isinstance(r, dict) and r.get("blocking") is True}
    _include_exclude(out, "blocking requirement", blocking, want.get("requirements_blocking", []), [])
    _include_exclude(out, "obligation", _ids(got.get("obligations"), "id"), want.get("obligations_include", []),
                     want.get("obligations_exclude", []))
    _include_exclude(out, "basis", _pairs(got.get("basis")), want.get("basis_include", []),
                     want.get("basis_exclude", []))
    bad += [f"transfer {tid}: {p}" for p in out]


def _rule_rows(rows: Any) -> set[str]:
    """Warning or note rule ids, and `rule@transfer` for each transfer a row names."""
    out = set()
    for r in rows or []:
        if isinstance(r, dict) and r.get("rule"):
            out.add(r["rule"])
            out |= {f"{r['rule']}@{t}" for t in r.get("transfers") or []}
    return out


def compare(expect: dict[str, Any], result: dict[str, Any]) -> list[str]:
    """Every mismatch between an expectation and one assessment, in words."""
    bad: list[str] = []
    if "overall" in expect and result.get("overall") != expect["overall"]:
        bad.append(f"overall: expected {expect['overall']!r}, got {result.get('overall')!r}")
    transfers = _by(result.get("transfers"))
    for tid, want in expect.get("transfers", {}).items():
        if tid not in transfers:
            bad.append(f"transfer {tid}: missing from result")
        else:
            _transfer(bad, tid, want, transfers[tid])
    totals = result.get("totals") or {}
    for key, value in expect.get("totals", {}).items():
        if totals.get(key) != value:
            bad.append(f"totals.{key}: expected {value!r}, got {totals.get(key)!r}")
    measures = _by(result.get("measures"))
    for mid, status in expect.get("measures_status", {}).items():
        if measures.get(mid, {}).get("status") != status:
            bad.append(f"measure {mid!r}: status expected {status!r}, got {measures.get(mid, {}).get('status')!r}")
    _include_exclude(bad, "measure", set(measures), expect.get("measures_include", []),
                     expect.get("measures_exclude", []))
    questions = _by(result.get("questions"), "field")
    for field, changes in expect.get("questions_changing", {}).items():
        got = questions[field].get("changes_outcome") if field in questions else "no question"
        if got != changes:
            bad.append(f"question on {field!r}: changes_outcome expected {changes!r}, got {got!r}")
    for field, want in expect.get("questions", {}).items():
        if field not in questions:
            bad.append(f"question on {field!r} missing (got {sorted(questions)})")
            continue
        for key, value in want.items():
            if questions[field].get(key) != value:
                bad.append(f"question on {field!r}: {key} expected {value!r}, got {questions[field].get(key)!r}")
    _include_exclude(bad, "question on", set(questions), expect.get("questions_include", []),
                     expect.get("questions_exclude", []))
    deadlines: dict[str, Any] = {}
    for d in result.get("deadlines") or []:
        if isinstance(d, dict):
            deadlines[d.get("id")] = deadlines[f"{d.get('id')}@{d.get('transfer')}"] = d
    for did, date in expect.get("deadlines", {}).items():
        if deadlines.get(did, {}).get("date") != date:
            bad.append(f"deadline {did}: expected {date}, got {deadlines.get(did, {}).get('date')}")
    for did in expect.get("deadlines_provisional", []):
        if deadlines.get(did, {}).get("provisional") is not True:
            bad.append(f"deadline {did}: should be marked provisional")
    matched = {r for t in result.get("transfers", []) for r in t.get("matched", [])}
    _include_exclude(bad, "matched rule", matched, expect.get("matched_include", []),
                     expect.get("matched_exclude", []))
    _include_exclude(bad, "warning", _rule_rows(result.get("warnings")), expect.get("warnings_include", []),
                     expect.get("warnings_exclude", []))
    _include_exclude(bad, "note", _rule_rows(result.get("notes")), expect.get("notes_include", []),
                     expect.get("notes_exclude", []))
    return bad


mismatches = compare


def main(argv: list[str] | None = None) -> int:
    """`python -m tests.casefile`: the shared checker over the golden cases of ../shared, or one line
    saying that step is skipped (a plain clone has no ../shared)."""
    import argparse
    import subprocess
    import sys

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--advisor", default=f"{ROOT / '.venv' / 'bin' / 'advisor'} assess")
    args = ap.parse_args(argv)
    checker = SHARED / "tools" / "check_cases.py"
    folders = shared_case_dirs()
    if not checker.is_file() or not folders:
        print("the contract's golden cases are not beside the repository: that step is skipped")
        return 0
    return subprocess.call([sys.executable, str(checker), "--advisor", args.advisor, *map(str, folders)])


if __name__ == "__main__":
    raise SystemExit(main())
