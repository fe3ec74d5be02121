"""Strict YAML reading, the one way this project reads YAML (rules, page texts, profiles): safe loader,
duplicate keys rejected, YAML 1.1 booleans refused, errors name the file and line.

YAML 1.1 reads an unquoted ``NO``, ``yes``, ``on``, ``off`` (and, in some readers, ``y``, ``n``) as true or
false: Norway's country code ``NO:`` silently becomes the key ``False``. Such a word, unquoted, is refused
wherever it stands, key or value, with an error saying to quote it where a string is meant or to write
``true``/``false`` where a yes/no is meant.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from advisor.errors import PackError

# Plain (unquoted) scalars that YAML 1.1 readers take for booleans; true/false stay the only booleans.
YAML11_BOOLEANS = frozenset({"y", "n", "yes", "no", "on", "off"})


@cache
def _loader() -> Any:
    """The strict loader, made on first use: a process that finds everything in the disk cache never
    imports yaml (a short run's start-up)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~9x faster to parse

    class _StrictLoader(base):  # type: ignore[misc, valid-type]
        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            if (isinstance(node, yaml.ScalarNode) and not node.style and node.value.lower() in YAML11_BOOLEANS
                    and node.tag in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:str")):
                raise yaml.constructor.ConstructorError(
                    None, None, f"{node.value!r} is a YAML 1.1 boolean (some readers take it for true/false, others "
                    f"for text): quote it (\"{node.value}\") where text is meant, write true or false where a yes/no "
                    "is meant", node.start_mark)
            return super().construct_object(node, deep=deep)

    def _no_duplicates(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return loader.construct_mapping(node, deep=deep)

    _StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)
    return _StrictLoader


def read_yaml(path: Path) -> Any:
    """Parse one YAML file strictly; a broken file raises PackError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(str(path), f"cannot read: {exc}") from None
    return parse_yaml(text, str(path))


def parse_yaml(text: str, name: str) -> Any:
    import yaml

    try:
        return yaml.load(text, Loader=_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PackError(name, f"broken YAML{where}: {problem}") from None
