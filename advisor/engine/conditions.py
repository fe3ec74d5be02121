"""The condition language of rule packs: parse + type-check, negate, evaluate, compile to durable_rules.

YAML form: ``{all: [...]}``, ``{any: [...]}``, ``{not: {...}}`` or a leaf
``{fact: transfer.personal_info_subjects, gte: 100000}`` with exactly one operator of
``is``, ``is_not``, ``gte``, ``gt``, ``lte``, ``lt``, ``in``, ``not_in``.
Parsed conditions are tuples: ``("all", (c, ...))``, ``("any", (c, ...))`` or ``("leaf", fact, op, value)``;
``not`` is pushed down to the leaves when parsed, so evaluation and compilation never see it.
"""
from __future__ import annotations

from typing import Any

from advisor.facts_schema import FACTS, available

Cond = tuple[Any, ...]
OPS = ("is", "is_not", "gte", "gt", "lte", "lt", "in", "not_in")
_NEG = {"is": "is_not", "is_not": "is", "gte": "lt", "lt": "gte", "gt": "lte", "lte": "gt",
        "in": "not_in", "not_in": "in"}


class ConditionError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


def parse(raw: Any, phase: str, path: str = "when") -> Cond:
    """Validate a YAML condition against the fact vocabulary and return the parsed tree."""
    if not isinstance(raw, dict) or not raw:
        raise ConditionError(path, "a condition is a mapping: all / any / not, or a leaf with `fact`")
    if "fact" not in raw:
        if len(raw) != 1:
            raise ConditionError(path, f"exactly one of all / any / not, got {sorted(raw)}")
        (key, body), = raw.items()
        if key == "not":
            return negate(parse(body, phase, f"{path}.not"))
        if key not in ("all", "any"):
            raise ConditionError(path, f"unknown combinator {key!r} (all, any, not, or a leaf with `fact`)")
        if not isinstance(body, list) or not body:
            raise ConditionError(f"{path}.{key}", "needs a non-empty list")
        return (key, tuple(parse(c, phase, f"{path}.{key}.{i}") for i, c in enumerate(body)))
    return _leaf(raw, phase, path)


def _leaf(raw: dict[str, Any], phase: str, path: str) -> Cond:
    fact = raw["fact"]
    ops = [k for k in raw if k != "fact"]
    if len(ops) != 1 or ops[0] not in OPS:
        raise ConditionError(path, f"a leaf needs exactly one operator of {', '.join(OPS)}; got {ops}")
    op, value = ops[0], raw[ops[0]]
    ft = FACTS.get(fact)
    if ft is None:
        raise ConditionError(f"{path}.fact", f"unknown fact {fact!r}")
    if not available(fact, phase):
        raise ConditionError(f"{path}.fact", f"fact {fact!r} exists only from phase {ft.phase!r}, rule is {phase!r}")
    values = value if op in ("in", "not_in") else [value]
    if op in ("in", "not_in") and (not isinstance(value, list) or not value):
        raise ConditionError(f"{path}.{op}", "needs a non-empty list")
    for v in values:
        _check_value(fact, op, v, f"{path}.{op}")
    return ("leaf", fact, op, tuple(value) if op in ("in", "not_in") else value)


def _check_value(fact: str, op: str, v: Any, path: str) -> None:
    ft = FACTS[fact]
    ok = {"bool": isinstance(v, bool), "int": isinstance(v, int) and not isinstance(v, bool),
          "str": isinstance(v, str)}[ft.kind]
    if not ok:
        raise ConditionError(path, f"fact {fact!r} is {ft.kind}, got {v!r}")
    if op in ("gte", "gt", "lte", "lt") and ft.kind != "int":
        raise ConditionError(path, f"{op} needs a number fact; {fact!r} is {ft.kind}")
    if ft.values is not None and v not in ft.values:
        raise ConditionError(path, f"{v!r} is not a value of {fact!r}")


def negate(c: Cond) -> Cond:
    if c[0] == "all":
        return ("any", tuple(negate(x) for x in c[1]))
    if c[0] == "any":
        return ("all", tuple(negate(x) for x in c[1]))
    return ("leaf", c[1], _NEG[c[2]], c[3])


def facts_used(c: Cond) -> set[str]:
    if c[0] == "leaf":
        return {c[1]}
    return set().union(*(facts_used(x) for x in c[1]))


def int_constants(c: Cond) -> list[tuple[str, int]]:
    """(fact, constant) for every comparison of an int fact in the condition."""
    if c[0] != "leaf":
        return [x for sub in c[1] for x in int_constants(sub)]
    _, fact, _, value = c
    if FACTS[fact].kind != "int":
        return []
    return [(fact, v) for v in (value if isinstance(value, tuple) else (value,))]


def evaluate(c: Cond, facts: dict[str, Any]) -> bool:
    """Reference semantics: plain Python. A missing fact fails every comparison (as durable_rules)."""
    if c[0] == "all":
        return all(evaluate(x, facts) for x in c[1])
    if c[0] == "any":
        return any(evaluate(x, facts) for x in c[1])
    _, fact, op, v = c
    if fact not in facts:
        return False
    x = facts[fact]
    if op == "is":
        return x == v
    if op == "is_not":
        return x != v
    if op == "in":
        return x in v
    if op == "not_in":
        return x not in v
    return {"gte": x >= v, "gt": x > v, "lte": x <= v, "lt": x < v}[op]


def key(fact: str) -> str:
    """durable_rules reads dots as nested paths; facts are asserted flat under this key."""
    return fact.replace(".", "__").replace("-", "_")


def compile_durable(c: Cond) -> dict[str, Any]:
    """Compile to durable_rules' JSON condition language."""
    if c[0] in ("all", "any"):
        return {"$and" if c[0] == "all" else "$or": [compile_durable(x) for x in c[1]]}
    _, fact, op, v = c
    k = key(fact)
    if op == "is":
        return {k: v}
    if op == "is_not":
        return {"$neq": {k: v}}
    if op == "in":
        return {"$or": [{k: x} for x in v]} if len(v) > 1 else {k: v[0]}
    if op == "not_in":
        return {"$and": [{"$neq": {k: x}} for x in v]} if len(v) > 1 else {"$neq": {k: v[0]}}
    return {f"${op}": {k: v}}
