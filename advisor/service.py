"""The one object callers use: rule packs and engine loaded once, then assessments (thread-safe).

Interface (stable; the CLI, the HTTP API and the help-desk page rely on it):

    advisor = Advisor.load()                      # loads rules/ once; PackError if a pack is broken
    advisor.rulepack                              # {"version": str, "digest": "sha256:..."}
    advisor.assess(raw_profile: Mapping, *, source=None) -> dict   # the assessment (contract §2)
        raises ProfileError(errors=[FieldError(loc, message, value)], source) on invalid input
    advisor.measures(region=None, zone=None, sector=None, as_of=None) -> list[dict]
        the regional catalogue filtered (same rows as assessment["measures"]); ProfileError on a bad filter
    advisor.rules_summary() -> {"version", "digest", "rules": [{"id", "title": {zh,en}, "basis": [...]}]}
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


class Advisor:
    def __init__(self, *args: Any, **kwargs: Any) -> None:  # replaced by the core implementation
        raise NotImplementedError

    @classmethod
    def load(cls, rules_dir: Path | None = None) -> Advisor:
        raise NotImplementedError

    @property
    def rulepack(self) -> dict[str, str]:
        raise NotImplementedError

    def assess(self, raw: Mapping[str, Any], *, source: str | None = None) -> dict[str, Any]:
        raise NotImplementedError

    def measures(self, region: str | None = None, zone: str | None = None, sector: str | None = None,
                 as_of: dt.date | None = None) -> list[dict[str, Any]]:
        raise NotImplementedError

    def rules_summary(self) -> dict[str, Any]:
        raise NotImplementedError
