"""Fixtures: an app on the fake advisor (TestClient), SQLite per test, PostgreSQL from scripts/services.sh."""
from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from typing import Any
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from advisor_api.config import Settings
from advisor_api.main import create_app
from api_fake import FakeAdvisor

LOCAL = ("127.0.0.1", 50000)  # open mode (no keys) answers only local clients
PG_URL = os.environ.get("ADVISOR_TEST_DATABASE_URL",
                        "postgresql+psycopg://advisor:advisor@127.0.0.1:5432/postgres")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, advisor_loader=FakeAdvisor)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False, client=LOCAL) as c:
        yield c


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """The PostgreSQL server scripts/services.sh starts. Absent → fail loudly (CI must not skip it)."""
    if os.environ.get("ADVISOR_SKIP_POSTGRES") == "1":
        pytest.skip("ADVISOR_SKIP_POSTGRES=1")
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as err:  # noqa: BLE001
        pytest.fail(f"PostgreSQL not reachable at {PG_URL} ({type(err).__name__}); run `bash scripts/services.sh` "
                    "(or set ADVISOR_SKIP_POSTGRES=1 to skip knowingly)")
    finally:
        engine.dispose()
    return PG_URL


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A fresh, empty database for one test, dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"advisor_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield pg_server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        _drop(admin, name)
        admin.dispose()


def _drop(admin: Any, name: str) -> None:
    """DROP DATABASE … WITH (FORCE) cannot end a backend of another role (an autovacuum worker that has just
    started on the test database): wait for it and try again, and say so if it never ends."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    for attempt in range(50):
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError as err:
            if "pg_signal_backend" not in str(err) or attempt == 49:
                raise
            time.sleep(0.2)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Storage tests run against both back ends."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'advisor.db'}"
    return request.getfixturevalue("pg_url")


