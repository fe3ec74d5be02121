"""The citation snapshot: every rule, deadline, holiday rule, filing checklist and regional measure, with
what it cites (rule id -> basis), compared with tests/snapshots/citations.yaml.

A changed citation fails this test until the snapshot is changed too, by hand, by someone who has checked
the new citation against the official text: dropping an article or changing its number is a change of law
and must be seen in review. To see the difference: `.venv/bin/python -m pytest tests/test_citations.py`;
to write the current citations after review: `.venv/bin/python tests/test_citations.py --write`.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor.packs.yamlio import read_yaml

pytestmark = pytest.mark.law

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "citations.yaml"
FILES = sorted([*RULES.glob("national/*.yaml"), *RULES.glob("regional/*.yaml")])


def _cite(node: dict[str, Any]) -> str:
    out = str(node["instrument"])
    if node.get("article") not in (None, ""):
        out += f":{node['article']}"
    if node.get("item") not in (None, ""):
        out += f"({node['item']})"
    return out


def _source(s: Any) -> str:
    """A regional source: a URL, or the official document (title, number, date, and its URL if any)."""
    if not isinstance(s, dict):
        return str(s)
    if "instrument" in s:
        return _cite(s)
    parts = [str(s.get(k)) for k in ("title", "number", "date", "url") if s.get(k)]
    return " | ".join(parts)


def _collect(node: Any, owner: str, table: dict[str, list[str]]) -> None:
    """Citations (`{instrument, article, item}`, regional `sources`) under the nearest enclosing `id`."""
    if isinstance(node, dict):
        if isinstance(node.get("id"), str):
            owner = node["id"] if owner == "" else f"{owner}/{node['id']}"
            table.setdefault(owner, [])
        if "instrument" in node and isinstance(node["instrument"], str):
            table.setdefault(owner, []).append(_cite(node))
        for key, value in node.items():
            if key == "sources" and isinstance(value, list):
                table.setdefault(owner, []).extend(_source(s) for s in value)
            else:
                _collect(value, owner, table)
    elif isinstance(node, list):
        for value in node:
            _collect(value, owner, table)


def current() -> dict[str, dict[str, list[str]]]:
    out = {}
    for path in FILES:
        table: dict[str, list[str]] = {}
        _collect(read_yaml(path), "", table)
        cited = {k: v for k, v in table.items() if v or k.count("/") == 0}
        if cited:
            out[path.relative_to(RULES).as_posix()] = cited
    return out


def test_every_citation_is_the_reviewed_one():
    want = read_yaml(SNAPSHOT)
    got = current()
    diff = []
    for f in sorted(set(want) | set(got)):
        w, g = want.get(f, {}), got.get(f, {})
        for rid in sorted(set(w) | set(g)):
            if w.get(rid) != g.get(rid):
                diff.append(f"{f} {rid}: reviewed {w.get(rid)} now {g.get(rid)}")
    assert diff == [], "citations differ from tests/snapshots/citations.yaml:\n" + "\n".join(diff)


def test_every_national_rule_cites_something():
    national = {rid: cites for f, rows in current().items() if f.split("/")[-1][0].isdigit()
                for rid, cites in rows.items()}
    assert national and [rid for rid, cites in national.items() if not cites] == []


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    SNAPSHOT.write_text("# Reviewed citations per rule (tests/test_citations.py). Change only after checking the\n"
                        "# official text; a diff here is a change of law.\n"
                        + yaml.safe_dump(current(), allow_unicode=True, sort_keys=True, width=200), encoding="utf-8")
