"""Escaping for exports: what a profile says (company name, transfer ids, recipient names) is text, never
markup, in every format. Small functions the renderers call; each format escapes its own way.

- one_line(s): control characters, line and paragraph separators and bidi overrides → a space.
- md_text(s): one line, with HTML special characters as entities and Markdown punctuation backslash-escaped
  (no heading, list, link, image, emphasis, table cell or raw HTML can come out of it).
- md_code(s): an inline code span that no backtick inside can close.
- ics_text(s): RFC 5545 §3.3.11 TEXT escaping (backslash, semicolon, comma, newline) of one line.
- escape_tree(obj, fn): a copy of a JSON tree with every string passed through fn (keys in `keep` untouched).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any

_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")
_MD_PUNCT = re.compile(r"([\\`*_\[\]{}#|~])")


def one_line(s: str) -> str:
    return _BREAKS.sub(" ", s).strip()


def md_text(s: str) -> str:
    s = one_line(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_PUNCT.sub(r"\\\1", s)


def md_code(s: str) -> str:
    s = one_line(s)
    fence = "`" * (max((len(run) for run in re.findall("`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def ics_text(s: str) -> str:
    s = s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _BREAKS.sub(lambda m: "\\n" if "\n" in m.group() else " ", s)


def escape_tree(obj: Any, fn: Callable[[str], str], keep: Collection[str] = ()) -> Any:
    if isinstance(obj, str):
        return fn(obj)
    if isinstance(obj, list):
        return [escape_tree(x, fn, keep) for x in obj]
    if isinstance(obj, dict):
        return {k: (v if k in keep else escape_tree(v, fn, keep)) for k, v in obj.items()}
    return obj
