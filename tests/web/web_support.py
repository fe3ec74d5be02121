"""Helpers the help-desk page tests import (kept out of conftest.py: two conftest modules cannot both be
imported by the name `conftest`)."""
from __future__ import annotations

import json
from pathlib import Path

CASES = Path(__file__).resolve().parents[1] / "samples"  # the project's copy of the v1 golden cases


def real_app(advisor, data_dir, **overrides):
    from advisor_api.config import Settings
    from advisor_api.main import create_app

    return create_app(Settings.from_env(data_dir=data_dir, database_url=None, advisor_loader=lambda: advisor,
                                        **overrides))


def csrf_token(client) -> str:
    """The form's CSRF token (a GET of the form sets the matching cookie on `client`)."""
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
    return found.group(1) if found else ""


def load_case(name: str) -> dict:
    return json.loads((CASES / name).read_text(encoding="utf-8"))


def profile_form(profile: dict, lang: str = "zh") -> list[tuple[str, str]]:
    """A profile as the (name, value) pairs the enquiry form posts."""
    from advisor_api.web.form import from_profile

    state = from_profile(profile)
    pairs = [("lang", lang), ("action", "assess")]
    for name, value in state.items():
        if name == "_n":
            continue
        if isinstance(value, list):
            pairs += [(name, v) for v in value]
        else:
            pairs.append((name, value))
    return pairs
