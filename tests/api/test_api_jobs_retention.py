"""Retention covers portfolio jobs: `purge` erases finished jobs (done or failed) whose finished_at is older than
ADVISOR_RETENTION_DAYS, with their items and (PostgreSQL) their ended queue tasks; queued and running jobs stay;
`advisor purge` reports the count, the periodic purge logs it, GET of an erased job is 404. SQLite and PostgreSQL."""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import time
import uuid

import pytest
from portfolio_jobs_support import OLD_REGIME, keyed_app, wait_done
from sqlalchemy import func, insert, select, text

from advisor_api import cli
from advisor_api.config import Settings
from advisor_api.jobs.store import JobStore
from advisor_api.retention import purge, purge_forever
from advisor_api.storage import AssessmentStore, make_engine, upgrade
from advisor_api.storage.tables import portfolio_job_items as I
from advisor_api.storage.tables import portfolio_jobs as J

ITEMS = 3


def _ago(days: float | None) -> dt.datetime | None:
    return None if days is None else dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)


def stored_job(engine, status: str, created: float, finished: float | None = None) -> str:
    """A job row as the runners leave it, with ITEMS items whose entries name a client."""
    job_id = uuid.uuid4().hex
    ended = status in ("done", "failed")
    with engine.begin() as conn:
        conn.execute(insert(J), [{
            "id": job_id, "space": "api", "created_by": "alice", "as_of": "2026-11-27", "status": status,
            "total": None if status == "queued" else ITEMS, "done": ITEMS if status == "done" else 0,
            "changed": ITEMS if status == "done" else 0, "error": "boom" if status == "failed" else None,
            "created_at": _ago(created), "started_at": None if status == "queued" else _ago(created),
            "finished_at": _ago(finished) if ended else None}])
        if status != "queued":
            conn.execute(insert(I), [{"job_id": job_id, "seq": n, "assessment_id": uuid.uuid4().hex,
                                      "state": "changed" if status == "done" else "todo",
                                      "entry": '{"company": "客户公司"}' if status == "done" else None}
                                     for n in range(ITEMS)])
    return job_id


def rows(engine, job_id: str) -> tuple[int, int]:
    """(job rows, item rows) of one job."""
    with engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(J).where(J.c.id == job_id)).scalar_one(),
                conn.execute(select(func.count()).select_from(I).where(I.c.job_id == job_id)).scalar_one())


@pytest.fixture
def stores(db_url):
    upgrade(db_url)
    engine = make_engine(db_url)
    yield engine, AssessmentStore(engine), AssessmentStore(engine, space="page"), JobStore(engine)
    engine.dispose()


def settings(days: int | None) -> Settings:
    return Settings(retention_days=days)


def test_finished_jobs_past_retention_are_erased_with_their_items_and_the_rest_kept(stores):
    engine, api, page, jobs = stores
    done_old = stored_job(engine, "done", created=60, finished=31)
    failed_old = stored_job(engine, "failed", created=45, finished=40)
    done_recent = stored_job(engine, "done", created=60, finished=10)  # made long ago: the finish time counts
    running_old = stored_job(engine, "running", created=400)
    queued_old = stored_job(engine, "queued", created=400)
    unstamped = stored_job(engine, "done", created=60)  # ended without a finish time: its creation counts
    done = purge(settings(30), api, page, jobs)
    assert done["jobs"] == 3
    assert rows(engine, done_old) == rows(engine, failed_old) == rows(engine, unstamped) == (0, 0)
    assert rows(engine, done_recent) == (1, ITEMS) and rows(engine, running_old) == (1, ITEMS)
    assert rows(engine, queued_old) == (1, 0)
    assert jobs.view(done_old, "alice") is None and jobs.changes(done_old, "alice", -1, 10) is None
    assert jobs.view(done_recent, "alice")["status"] == "done"
    assert set(jobs.active()) == {running_old, queued_old}  # the runners still see them
    assert purge(settings(30), api, page, jobs)["jobs"] == 0  # again: nothing more


def test_without_retention_days_every_job_is_kept(stores):
    engine, api, page, jobs = stores
    ids = [stored_job(engine, "done", created=4000, finished=3999), stored_job(engine, "failed", 4000, 4000)]
    done = purge(settings(None), api, page, jobs)
    assert done["jobs"] == 0 and done["api"] == 0
    assert [rows(engine, i) for i in ids] == [(1, ITEMS), (1, ITEMS)]


def test_a_job_of_the_page_space_is_not_the_api_purges(stores):
    engine, api, page, jobs = stores
    old = stored_job(engine, "done", created=60, finished=60)
    with engine.begin() as conn:
        conn.execute(text("UPDATE portfolio_jobs SET space = 'page' WHERE id = :i"), {"i": old})
    assert purge(settings(30), api, page, jobs)["jobs"] == 0 and rows(engine, old) == (1, ITEMS)


def _advisor_purge(capsys) -> str:
    parser = argparse.ArgumentParser(prog="advisor")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["purge"])
    assert args.func(args) == 0
    return capsys.readouterr().err


def test_advisor_purge_reports_the_jobs_it_erased(stores, db_url, monkeypatch, capsys):
    engine = stores[0]
    monkeypatch.setenv("ADVISOR_DATABASE_URL", db_url)
    old, running = stored_job(engine, "done", created=40, finished=35), stored_job(engine, "running", created=40)
    monkeypatch.delenv("ADVISOR_RETENTION_DAYS", raising=False)
    err = _advisor_purge(capsys)
    assert "0 finished portfolio job(s)" in err and "kept until deleted" in err and rows(engine, old) == (1, ITEMS)
    monkeypatch.setenv("ADVISOR_RETENTION_DAYS", "30")
    err = _advisor_purge(capsys)
    assert "erased 0 API assessment(s), 1 finished portfolio job(s)" in err, err
    assert "portfolio jobs by when they finished" in err
    assert rows(engine, old) == (0, 0) and rows(engine, running) == (1, ITEMS)


def test_the_periodic_purge_logs_the_jobs_it_erased(stores, caplog):
    engine, api, page, jobs = stores
    old = stored_job(engine, "failed", created=3, finished=2)

    async def until_erased() -> None:
        task = asyncio.create_task(purge_forever(settings(1).model_copy(update={"purge_every_seconds": 0.1}),
                                                 api, page, jobs))
        end = time.monotonic() + 10
        while rows(engine, old) != (0, 0) and time.monotonic() < end:
            await asyncio.sleep(0.05)
        task.cancel()

    with caplog.at_level(logging.INFO, logger="api"):
        asyncio.run(until_erased())
    assert rows(engine, old) == (0, 0)
    assert any("retention purge" in r.getMessage() and "jobs=1" in r.getMessage() for r in caplog.records)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def api(request, tmp_path):
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_url")
    with keyed_app(tmp_path, url) as c:
        yield c


def test_a_purged_job_answers_404_like_an_unknown_one(api):
    """A real job (the real advisor, run by the server or the queue), then erased by the purge."""
    stored = api.post("/v1/assessments", json=OLD_REGIME, headers=api.alice).json()
    r = api.post("/v1/portfolio:reassess", json={"as_of": "2026-11-27"}, headers=api.alice)
    job = r.json()["job"]
    assert wait_done(api, job, api.alice, api.drain)["result"]["changed_total"] == 1
    engine, state = api.app.state.store.engine, api.app.state
    assert rows(engine, job) == (1, 1)
    with engine.begin() as conn:
        conn.execute(text("UPDATE portfolio_jobs SET finished_at = :t WHERE id = :i"), {"t": _ago(31), "i": job})
    done = purge(state.settings.model_copy(update={"retention_days": 30}), state.store, state.page_store,
                 state.jobs.store)
    assert (done["jobs"], done["api"]) == (1, 0) and rows(engine, job) == (0, 0)
    unknown = uuid.uuid4().hex
    for path in (f"/v1/jobs/{job}", f"/v1/jobs/{job}/changes"):
        r = api.get(path, headers=api.alice)
        assert r.status_code == 404, r.text
        assert r.json()["error"]["type"] == "not_found" and job in r.json()["error"]["message"]
        other = api.get(path.replace(job, unknown), headers=api.alice).json()["error"]
        assert r.json()["error"]["message"] == other["message"].replace(unknown, job)
    # the assessment itself was made today: kept
    assert api.get(f"/v1/assessments/{stored['id']}", headers=api.alice).status_code == 200


@pytest.mark.postgres
def test_ended_queue_tasks_of_erased_jobs_go_with_them(pg_url):
    from advisor_api.jobs.pgqueue import Queue, ensure_schema

    upgrade(pg_url)
    ensure_schema(pg_url)
    engine = make_engine(pg_url)
    jobs = JobStore(engine)
    old, kept = stored_job(engine, "failed", created=40, finished=40), stored_job(engine, "done", 40, 5)
    queue = Queue(pg_url)
    try:
        for job_id in (old, old, kept):
            queue.enqueue(job_id)
    finally:
        queue.close()

    def tasks(job_id: str) -> list[tuple[int, str]]:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(
                "SELECT id, status::text FROM procrastinate_jobs WHERE args->>'job_id' = :j ORDER BY id"),
                {"j": job_id})]

    [(failed_task, _), (todo_task, _)] = tasks(old)
    with engine.begin() as conn:  # one task of each job ended failed (a worker error); one is still to do
        conn.execute(text("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = ANY(:ids)"),
                     {"ids": [failed_task, tasks(kept)[0][0]]})
        conn.execute(text("UPDATE procrastinate_jobs SET status = 'failed' WHERE id = ANY(:ids)"),
                     {"ids": [failed_task, tasks(kept)[0][0]]})
        assert conn.execute(text("SELECT count(*) FROM procrastinate_events WHERE job_id = :t"),
                            {"t": failed_task}).scalar_one() >= 3
    assert jobs.purge(_ago(30)) == 1
    assert tasks(old) == [(todo_task, "todo")]  # a task still to do stays: it finds no job and ends
    assert [s for _, s in tasks(kept)] == ["failed"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM procrastinate_events WHERE job_id = :t"),
                            {"t": failed_task}).scalar_one() == 0
    engine.dispose()
