"""The project's own cases (tests/cases/*.yaml), in a readable format, checked like the golden cases.

A file holds `cases:`, each `{name, profile | base + patch, expect}`. `base` names a profile under
`profiles:` in the same file; `patch` is a dotted-path map applied to a copy of it
(`transfers.0.personal_info_subjects: 99999`, `as_of: 2024-03-21`). `expect` uses the keys of
../shared/spec/cases.md, plus `matched_include` / `matched_exclude` (rule ids over all transfers).
"""
from __future__ import annotations

import copy
import datetime as dt
import importlib.util
from pathlib import Path
from typing import Any

from advisor.packs.yamlio import read_yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CASES_DIR = Path(__file__).resolve().parent / "cases"


def _check_cases_module() -> Any:
    spec = importlib.util.spec_from_file_location("check_cases", SHARED / "tools" / "check_cases.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


CHECK = _check_cases_module()


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


def load_own_cases() -> list[dict[str, Any]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        doc = _plain(read_yaml(path))
        bases = doc.get("profiles", {})
        for i, c in enumerate(doc["cases"]):
            unknown = set(c) - {"name", "profile", "base", "patch", "expect"}
            assert not unknown, f"{path.name} case {i}: unknown keys {unknown}"
            profile = c.get("profile") or _patch(bases[c["base"]], c.get("patch", {}))
            cases.append({"name": c["name"], "profile": profile, "expect": c["expect"], "_file": f"{path.name}#{i}"})
    return cases


def load_golden_cases() -> list[dict[str, Any]]:
    return CHECK.load_cases([str(SHARED / "cases"), str(SHARED / "cases-v2")])


def mismatches(expect: dict[str, Any], result: dict[str, Any]) -> list[str]:
    bad = CHECK.compare(expect, result)
    matched = {r for t in result.get("transfers", []) for r in t.get("matched", [])}
    for rid in expect.get("matched_include", []):
        if rid not in matched:
            bad.append(f"rule {rid!r} should have matched (matched: {sorted(matched)})")
    for rid in expect.get("matched_exclude", []):
        if rid in matched:
            bad.append(f"rule {rid!r} should not have matched")
    return bad
