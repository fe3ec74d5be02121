"""Fixtures of the help-desk page tests: an app with the fake advisor, and the real advisor."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from web_fakes import make_app


@pytest.fixture(scope="session")
def real_advisor():
    """The real advisor, loaded once per test process (the engine cannot be loaded twice in one process).
    Any failure to load it fails the tests that use it: nothing is skipped."""
    from advisor.service import Advisor

    return Advisor.load()


@pytest.fixture()
def app():
    return make_app()


@pytest.fixture()
def client(app):
    return TestClient(app)


@pytest.fixture(scope="session")
def real_client(real_advisor, tmp_path_factory):
    """A test client of the real app (advisor_api.main) with the real advisor; skipped while it is not there."""
    if isinstance(real_advisor, str):
        pytest.skip(real_advisor)
    from web_support import real_app

    # a local client: with no API key the server answers only local requests
    with TestClient(real_app(real_advisor, tmp_path_factory.mktemp("web-real-client"),
                             page_posts_per_minute=10_000,
                             page_posts_per_minute_per_address=10_000), client=("127.0.0.1", 50000)) as c:
        yield c
