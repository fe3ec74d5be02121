"""A job's runner killed with SIGKILL half-way and started again finishes the job once: each assessment is
recorded once (the counters move with the items in one transaction, so a redone item would push `done`
past `total`), none is lost, and the job is marked done once.

SQLite: the server process (its in-process runner) is killed and restarted. PostgreSQL: an `advisor worker`
is killed; another worker takes the stalled task back from procrastinate and finishes it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from advisor_api.storage.tables import portfolio_job_items as I
from advisor_api.storage.tables import portfolio_jobs as J
from api_server import ROOT, server
from portfolio_jobs_support import OLD_REGIME, PROVISIONS_2024, keyed_app, named

N = 40
DELAY_MS = "60"  # per item: the job takes a few seconds, so the kill lands half-way


def portfolio() -> list[dict]:
    return [named(OLD_REGIME if i % 2 else PROVISIONS_2024, f"客户{i:03d}") for i in range(N)]


def job_row(url: str, job: str):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(select(J).where(J.c.id == job)).one()
            states = dict(conn.execute(select(I.c.state, func.count()).where(I.c.job_id == job)
                                       .group_by(I.c.state)).all())
            items = conn.execute(select(func.count(func.distinct(I.c.assessment_id))).where(I.c.job_id == job)).scalar()
    finally:
        engine.dispose()
    return row, states, items


def wait_for(check, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if (got := check()):
            return got
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def assert_finished_once(url: str, job: str, killed_at: int) -> None:
    row, states, items = job_row(url, job)
    assert 0 < killed_at < N, f"the kill did not land half-way ({killed_at} of {N} done)"
    assert row.status == "done" and row.finished_at is not None
    assert row.total == N and items == N
    assert row.done == N and row.changed + row.unchanged == N  # nothing counted twice, nothing lost
    assert states == {"changed": N // 2, "unchanged": N // 2}
    assert row.failed == 0 and row.gone == 0


def test_sqlite_server_killed_mid_job_resumes_and_finishes_once(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_JOB_ITEM_DELAY_MS", DELAY_MS)
    url = f"sqlite:///{tmp_path / 'advisor.db'}"
    with server(tmp_path, workers=1, fake=False) as (base, proc):
        assert httpx.post(base + "/v1/assessments:batch", json={"profiles": portfolio()}, timeout=120).status_code == 200
        r = httpx.post(base + "/v1/portfolio:reassess", json={"as_of": "2026-11-27"}, timeout=30)
        job = r.json()["job"]
        killed_at = wait_for(lambda: (d := httpx.get(f"{base}/v1/jobs/{job}").json()["progress"]["done"]) >= 5 and d,
                             60, "progress")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    row, _, _ = job_row(url, job)
    assert row.status == "running" and row.done < N  # really cut off half-way
    killed_at = row.done
    with server(tmp_path, workers=1, fake=False) as (base, _):
        view = wait_for(lambda: (v := httpx.get(f"{base}/v1/jobs/{job}").json())["status"] == "done" and v, 120,
                        "the restarted server to finish the job")
        assert view["progress"] == {"done": N, "total": N}
        assert view["result"]["changed_total"] == N // 2 and view["result"]["unchanged"] == N // 2
    assert_finished_once(url, job, killed_at)


def _worker(url: str) -> subprocess.Popen:
    env = {**os.environ, "ADVISOR_DATABASE_URL": url, "ADVISOR_JOB_ITEM_DELAY_MS": DELAY_MS}
    return subprocess.Popen([sys.executable, "-c", "import sys; from advisor.cli import main; sys.exit(main())",
                             "worker", "--stalled-after", "2"], env=env, cwd=ROOT)


@pytest.mark.postgres
def test_postgres_worker_killed_mid_job_is_taken_over_and_the_job_finishes_once(tmp_path, pg_url):
    with keyed_app(tmp_path, pg_url) as api:
        r = api.post("/v1/assessments:batch", json={"profiles": portfolio()}, headers=api.alice)
        assert r.status_code == 200
        job = api.post("/v1/portfolio:reassess", json={"as_of": "2026-11-27"}, headers=api.alice).json()["job"]

        def progress() -> int:
            return api.get(f"/v1/jobs/{job}", headers=api.alice).json()["progress"]["done"]

        first = _worker(pg_url)
        try:
            wait_for(lambda: progress() >= 5, 90, "the first worker's progress")
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
        row, _, _ = job_row(pg_url, job)
        assert row.status == "running" and row.done < N
        killed_at = row.done
        second = _worker(pg_url)
        try:
            view = wait_for(lambda: (v := api.get(f"/v1/jobs/{job}", headers=api.alice).json())["status"] == "done"
                            and v, 120, "the second worker to finish the job")
        finally:
            second.terminate()
            try:
                second.wait(15)
            except subprocess.TimeoutExpired:
                second.kill()
        assert view["progress"] == {"done": N, "total": N}
        ids = [e["id"] for e in view["result"]["changed"]]
        assert len(ids) == len(set(ids)) == N // 2  # each changed client listed once
    assert_finished_once(pg_url, job, killed_at)
