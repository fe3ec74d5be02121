"""Validate a parsed YAML pack with a pydantic model; a failure becomes PackError naming file, entry, field.


"""
from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from advisor.errors import PackError

M = TypeVar("M", bound=BaseModel)


def validate_pack(model: type[M], raw: Any, path: Path | str) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err["loc"]]
        raise PackError(str(path), f"{err['msg']} (got {_short(err.get('input'))})",
                        rule=_entry_id(raw, err["loc"]), field_path=".".join(loc),
                        extra=[f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[1:]]) from None


def _entry_id(raw: Any, loc: tuple[Any, ...]) -> str | None:
    """The id of the innermost list entry on the error path, if it has one."""
    node, found = raw, None
    for step in loc:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(step, int) and isinstance(node, dict) and isinstance(node.get("id"), str):
            found = node["id"]
    return found


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
