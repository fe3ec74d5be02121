"""Helpers the API tests import (kept out of conftest.py: two conftest modules cannot both be imported
by the name `conftest`)."""
from __future__ import annotations

import json
from pathlib import Path

CASES = Path(__file__).resolve().parents[1] / "samples"  # the project's copy of the v1 golden cases


def valid_case_profiles() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(CASES.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        if not case.get("expect", {}).get("error"):
            out.append((path.stem, case["profile"]))
    return out
