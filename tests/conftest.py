"""Shared fixtures: one advisor per engine for the whole session (rule packs load once)."""
from __future__ import annotations

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
