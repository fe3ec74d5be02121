"""Fixtures of the help-desk page tests: an app with the fake advisor, and golden cases as form input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from web_fakes import make_app

CASES = Path(__file__).resolve().parents[2].parent / "shared" / "cases"


@pytest.fixture(scope="session")
def real_advisor():
    """The real advisor, loaded once per test process (the engine cannot be loaded twice in one process),
    or the reason it is not there yet (only "not written yet" counts; a broken pack fails)."""
    try:
        from advisor.service import Advisor

        return Advisor.load()
    except (ImportError, NotImplementedError) as exc:
        return f"core not landed yet: {exc!r}"


def real_app(advisor, data_dir):
    from api.config import Settings
    from api.main import create_app

    return create_app(Settings.from_env(data_dir=data_dir, database_url=None, advisor_loader=lambda: advisor))


@pytest.fixture()
def app():
    return make_app()


@pytest.fixture()
def client(app):
    return TestClient(app)


def load_case(name: str) -> dict:
    return json.loads((CASES / name).read_text(encoding="utf-8"))


def profile_form(profile: dict, lang: str = "zh") -> list[tuple[str, str]]:
    """A profile as the (name, value) pairs the enquiry form posts."""
    from api.web.form import from_profile

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
