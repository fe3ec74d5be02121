"""Apps on either database for the security and lifecycle tests (kept out of conftest.py)."""
from __future__ import annotations

from contextlib import contextmanager

from fastapi.testclient import TestClient

from advisor_api.config import Settings
from advisor_api.main import create_app
from api_fake import FakeAdvisor

LOCAL = ("127.0.0.1", 50000)
REMOTE = ("203.0.113.7", 50000)


@contextmanager
def app_client(db_url: str, client: tuple[str, int] = LOCAL, **settings):
    app = create_app(Settings(database_url=db_url, advisor_loader=FakeAdvisor, **settings))
    with TestClient(app, raise_server_exceptions=False, client=client) as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
