"""Shared fixtures: one advisor per engine for the whole session (rule packs load once)."""
from __future__ import annotations

from pathlib import Path

import pytest

from advisor.service import Advisor


@pytest.fixture(scope="session")
def advisor() -> Advisor:
    """The production path: durable_rules behind the exact memo."""
    return Advisor.load()


@pytest.fixture(scope="session")
def durable_raw() -> Advisor:
    return Advisor.load(engine="durable", memo=False)


@pytest.fixture(scope="session")
def reference() -> Advisor:
    return Advisor.load(engine="reference", memo=False)


def _holds_law_tests(path: Path) -> bool:
    return "mark.law" in path.read_text(encoding="utf-8", errors="replace")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """`pytest -m law` reads only the files that hold law tests (marked `pytest.mark.law`, by `pytestmark` or
    on a test): a file without the marker could only be deselected, yet importing the API and page tests
    (FastAPI, the page app, their conftests) made collection alone take most of the run. Any other
    selection collects everything, as before."""
    if config.getoption("markexpr", "") != "law":
        return None
    if collection_path.is_dir():
        return None if any(_holds_law_tests(p) for p in collection_path.rglob("test_*.py")) else True
    if collection_path.suffix == ".py" and collection_path.name.startswith("test_"):
        return None if _holds_law_tests(collection_path) else True
    return None
