"""Errors the advisor reports to people: each names the place (file, field path) and the bad value."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One bad field: a dotted path (``transfers.0.personal_info_subjects``), the value, and why."""

    loc: str
    message: str
    value: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.loc, "message": self.message, "value": self.value}

    def __str__(self) -> str:
        shown = "" if self.value is None else f" (got {self.value!r})"
        return f"{self.loc or '(profile)'}: {self.message}{shown}"


@dataclass
class ProfileError(Exception):
    """The profile is refused as a whole. ``source`` is a file name where there is one."""

    errors: list[FieldError]
    source: str | None = None
    what: str = "invalid profile"

    def __str__(self) -> str:
        head = f"{self.source}: " if self.source else ""
        return head + f"{self.what}: " + "; ".join(str(e) for e in self.errors)

    def as_dict(self) -> dict[str, Any]:
        return {"type": "invalid_profile", "source": self.source, "errors": [e.as_dict() for e in self.errors]}


@dataclass
class PackError(Exception):
    """A rule pack (YAML in rules/) is broken: names the file, the rule id and the field."""

    file: str
    message: str
    rule: str | None = None
    field_path: str | None = None
    extra: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        where = self.file
        if self.rule:
            where += f", rule {self.rule}"
        if self.field_path:
            where += f", field {self.field_path}"
        return f"rule pack error in {where}: {self.message}"
