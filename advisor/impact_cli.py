"""`advisor impact` (what a rule-pack change or a later date does to a folder of profiles) and
`advisor diff` (two stored assessments compared). The comparison itself is advisor/impact.py."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor.errors import PackError, ProfileError
from advisor.impact import changed_transfers, compare

FORMATS = ("text", "markdown", "json")
_WORDS = {
    "zh": {"changed": "项变化", "unchanged": "项未变", "profiles": "份档案", "overall": "总体结论",
           "stopped": "不再适用的规则", "started": "新适用的规则", "moved": "期限变化", "none": "无",
           "rules": "规则包", "as_of": "评估日期", "nothing": "没有任何档案的路径或期限发生变化。"},
    "en": {"changed": "changed", "unchanged": "unchanged", "profiles": "profiles", "overall": "Overall",
           "stopped": "Rules that stopped matching", "started": "Rules that started matching",
           "moved": "Deadlines that moved", "none": "none", "rules": "Rule pack", "as_of": "As of",
           "nothing": "No profile's route or deadline changed."},
}


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def register(sub: argparse._SubParsersAction, **kw: Any) -> None:
    """Add `impact` and `diff` to the `advisor` command line (``kw``: the parser options every command shares)."""
    i = sub.add_parser(
        "impact", help="what a rule-pack change or a later date does to a folder of profiles",
        description="Assess every profile twice — with the rules and date before, and with those after — and "
                    "list the profiles whose route, exemption, options or deadlines change, with the rules that "
                    "stopped or started matching. Exit 0, or 1 with --fail-on-change when something changed; "
                    "2 when a profile was refused (named on standard error; the others are still compared).", **kw)
    i.add_argument("profiles", nargs="+", metavar="PROFILE", help="profile files (JSON/YAML) or folders of them")
    i.add_argument("--rules-before", metavar="DIR", help="rules folder before (default: the one in use)")
    i.add_argument("--rules-after", metavar="DIR", help="rules folder after (default: the one in use)")
    i.add_argument("--as-of-before", type=_date, metavar="DATE", help="date before (default: each profile's as_of)")
    i.add_argument("--as-of-after", type=_date, metavar="DATE", help="date after (default: each profile's as_of)")
    i.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    i.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of text and Markdown (default: zh)")
    i.add_argument("--fail-on-change", action="store_true", help="exit 1 when any profile changed (for CI review)")
    i.set_defaults(func=cmd_impact)
    d = sub.add_parser("diff", help="compare two stored assessments (JSON) of one profile",
                       description="Compare two assessments (`advisor assess --format json` output or an API "
                                   "record). Exit 0 when the same, 1 when they differ, 2 on invalid input.", **kw)
    d.add_argument("before", metavar="A.json")
    d.add_argument("after", metavar="B.json")
    d.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    d.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of text and Markdown (default: zh)")
    d.set_defaults(func=cmd_diff)


def _assess_all(rules: str | None, files: list[Path], as_of: dt.date | None,
                errors: dict[Path, str]) -> tuple[dict[Path, dict[str, Any]], Any]:
    """Every file assessed with one rules folder; a refused profile's message goes into ``errors``."""
    from advisor.profile_io import read_profile_file
    from advisor.service import Advisor

    advisor = Advisor.load(rules)
    out = {}
    for f in files:
        if f in errors:
            continue
        try:
            out[f] = advisor.assess(read_profile_file(f), source=str(f), as_of=as_of)
        except ProfileError as exc:
            exc.source = str(f)
            errors[f] = str(exc)
    return out, advisor


def _titles(advisor: Any) -> Callable[[str], dict[str, str]]:
    by_id = {r["id"]: r.get("title") or {} for r in advisor.rules_summary()["rules"]}
    return lambda rid: by_id.get(rid) or {}


def cmd_impact(args: argparse.Namespace) -> int:
    from advisor.cli import _files

    files = list(_files(args.profiles))
    if not files:
        print("advisor impact: no profile files given (or the folders hold no .json/.yaml)", file=sys.stderr)
        return 2
    errors: dict[Path, str] = {}
    try:
        before, adv_b = _assess_all(args.rules_before, files, args.as_of_before, errors)
        title_b = _titles(adv_b)
        after, adv_a = _assess_all(args.rules_after, files, args.as_of_after, errors)
        title_a = _titles(adv_a)
    except PackError as exc:
        print(f"advisor impact: {exc}", file=sys.stderr)
        return 2
    for message in errors.values():
        print(message, file=sys.stderr)
    both = [f for f in files if f not in errors]
    changed = [c for f in both if (c := compare(before[f], after[f], id=str(f))) is not None]
    report = {"changed": changed, "unchanged": len(both) - len(changed)}
    titles = lambda rid: title_a(rid) or title_b(rid)  # noqa: E731
    sys.stdout.write(render(report, args.format, args.lang, titles))
    if errors:
        return 2
    return 1 if args.fail_on_change and changed else 0


def _read_assessment(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a readable JSON file ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: an assessment is a JSON object")
    for key in ("overall", "transfers", "as_of", "rulepack"):
        if key not in data:
            raise ValueError(f"{path}: not an assessment: field {key!r} is missing")
    if not isinstance(data["transfers"], list) or not all(isinstance(t, dict) and "id" in t and "pathway" in t
                                                           for t in data["transfers"]):
        raise ValueError(f"{path}: not an assessment: field 'transfers' must list transfers with id and pathway")
    return data


def cmd_diff(args: argparse.Namespace) -> int:
    try:
        a, b = _read_assessment(args.before), _read_assessment(args.after)
    except ValueError as exc:
        print(f"advisor diff: {exc}", file=sys.stderr)
        return 2
    entry = compare(a, b, id=f"{args.before} → {args.after}")
    report = {"changed": [entry] if entry else [], "unchanged": 0 if entry else 1}
    sys.stdout.write(render(report, args.format, args.lang, lambda rid: {}))
    return 1 if entry else 0


def render(report: dict[str, Any], fmt: str, lang: str, titles: Callable[[str], dict[str, str]]) -> str:
    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    from advisor.render.labels import label

    w = _WORDS[lang]
    md = fmt == "markdown"
    n = len(report["changed"])
    lines = [f"{'# ' if md else ''}{n + report['unchanged']} {w['profiles']}: {n} {w['changed']}, "
             f"{report['unchanged']} {w['unchanged']}", ""]
    if not n:
        lines.append(w["nothing"])

    def route(r: dict[str, Any]) -> str:
        if r is None:
            return w["none"]
        words = label("pathway", r["pathway"], lang)
        if r.get("exemption"):
            words += f" ({label('exemption', r['exemption'], lang)})"
        if r.get("options"):
            words += " — " + ", ".join(label("option", o, lang) for o in r["options"])
        return words

    def rule(x: dict[str, str]) -> str:
        t = titles(x["rule"]).get(lang)
        return f"{x['transfer']}: {t} [{x['rule']}]" if t else f"{x['transfer']}: {x['rule']}"

    bullet = "- " if md else "    "
    for c in report["changed"]:
        lines.append(f"{'## ' if md else ''}{c['id']} — {c.get('company') or ''}".rstrip(" —"))
        lines.append(f"{bullet}{w['rules']}: {c['rulepack']['before'][:19]} → {c['rulepack']['after'][:19]}; "
                     f"{w['as_of']}: {c['as_of']['before']} → {c['as_of']['after']}")
        ob, oa = c["before"]["overall"], c["after"]["overall"]
        if ob != oa:
            lines.append(f"{bullet}{w['overall']}: {label('pathway', ob, lang)} → {label('pathway', oa, lang)}")
        for tid in changed_transfers(c):
            lines.append(f"{bullet}{tid}: {route(c['before']['transfers'].get(tid))} → "
                         f"{route(c['after']['transfers'].get(tid))}")
        for key, word in (("rules_stopped", "stopped"), ("rules_started", "started")):
            if c["why"][key]:
                lines.append(f"{bullet}{w[word]}: " + "; ".join(rule(x) for x in c["why"][key]))
        for m in c["why"]["deadlines_moved"]:
            where = f" ({m['transfer']})" if m["transfer"] else ""
            lines.append(f"{bullet}{w['moved']}: {label('deadline', m['id'], lang)}{where}: "
                         f"{m['before'] or w['none']} → {m['after'] or w['none']}")
        for warning in c["warnings"]:
            lines.append(f"{bullet}{warning[lang]}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
