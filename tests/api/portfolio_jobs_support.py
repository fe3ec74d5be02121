"""Profiles and helpers for the portfolio-job tests (kept out of conftest.py)."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from fastapi.testclient import TestClient

from advisor_api.config import Settings
from advisor_api.main import create_app

# Made under the 2022 regime: 50,000 persons then needed a standard contract (or certification).
OLD_REGIME = {"as_of": "2023-12-01",
              "company": {"name": "旧规则公司", "region": "310115", "sector": "retail", "ciio": False,
                          "personal_info_processed": 60000},
              "transfers": [{"id": "crm", "purpose": "marketing", "recipient": {"kind": "third_party", "country": "US"},
                             "personal_info_subjects": 50000, "sensitive_info_subjects": 0, "important_data": False}]}
# The same facts assessed under the 2024 Provisions: exempt then, exempt on 2026-11-27.
PROVISIONS_2024 = {**OLD_REGIME, "as_of": "2025-06-01", "company": {**OLD_REGIME["company"], "name": "新规则公司"}}
# A contract signed 2026-11-20 is filed within 10 working days: a dated deadline in the calendar.
FILING = {"as_of": "2026-11-27",
          "company": {"name": "申报公司", "region": "440305", "sector": "retail", "ciio": False},
          "approvals": [{"mechanism": "standard_contract", "transfer": "crm", "effective_on": "2026-11-20"}],
          "transfers": [{"id": "crm", "description": "客户信息发往新加坡母公司", "purpose": "marketing",
                         "recipient": {"kind": "affiliate", "country": "SG"}, "personal_info_subjects": 200000,
                         "sensitive_info_subjects": 0, "important_data": False}]}


def named(profile: dict, name: str) -> dict:
    return {**profile, "company": {**profile["company"], "name": name}}


def wait_done(client, job: str, headers: dict, drain=None, timeout: float = 60) -> dict:
    """Poll GET /v1/jobs/{job} until it is done or failed; `drain()` runs a queue worker first (PostgreSQL)."""
    if drain is not None:
        drain()
    end = time.monotonic() + timeout
    while True:
        view = client.get(f"/v1/jobs/{job}", headers=headers).json()
        if view["status"] in ("done", "failed") or time.monotonic() > end:
            return view
        time.sleep(0.1)


def pg_drain(url: str, advisor) -> callable:
    """Run a procrastinate worker of this process until the queue is empty (in a thread: it has its own loop)."""
    from advisor_api.jobs.pgqueue import work

    def run() -> None:
        t = threading.Thread(target=work, args=(url, advisor), kwargs={"wait": False})
        t.start()
        t.join(120)

    return run


@contextmanager
def keyed_app(tmp_path, url: str | None):
    """The real advisor on SQLite (url None) or PostgreSQL, keys alice and bob (headers c.alice, c.bob), and
    c.drain: what runs queued jobs (nothing on SQLite, whose server runs them itself)."""
    with TestClient(create_app(Settings(data_dir=tmp_path, database_url=url)), client=("127.0.0.1", 50000),
                    raise_server_exceptions=False) as c:
        keys = c.app.state.keys
        c.alice = {"Authorization": f"Bearer {keys.create('alice')}"}  # type: ignore[attr-defined]
        c.bob = {"Authorization": f"Bearer {keys.create('bob')}"}  # type: ignore[attr-defined]
        c.drain = None if url is None else pg_drain(url, c.app.state.advisor)  # type: ignore[attr-defined]
        yield c
