"""PostgreSQL: portfolio jobs through procrastinate, a PostgreSQL-backed task queue that the workers of
several hosts share (`advisor worker`, one or more per host, each pointed at the same database).

A job is two kinds of task on the queue "portfolio":
    portfolio.plan(job_id)              lists the job's items once (streamed), then defers its slices
    portfolio.slice(job_id, first, last) re-assesses the items [first, last] still to do, then tries to finish

A worker killed mid-slice (kill -9) leaves nothing half-recorded: items are claimed FOR UPDATE SKIP LOCKED
and recorded in the same transaction. Its procrastinate task stays `doing` until its heartbeat is stale;
every worker then gives such tasks back to the queue (procrastinate's stalled-job recipe), and the slice
runs again over the items still to do. The job finishes once: the last `finish` is a conditional update.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from procrastinate import App, PsycopgConnector, SyncPsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.schema import SchemaManager
from sqlalchemy.engine import make_url

from advisor_api.jobs.run import run_items
from advisor_api.jobs.store import JobStore

log = logging.getLogger("api.jobs")
QUEUE = "portfolio"
SLICE = 500  # items per task: small enough to spread over workers, large enough to keep queue traffic low
_LOCK_ID = 727_274_014  # advisory lock: one process applies procrastinate's schema
_ctx: dict[str, Any] = {}  # the worker's store and advisor (set by work())


def conninfo(url: str) -> str:
    """A libpq connection string from the service's SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_schema(url: str) -> None:
    """Apply procrastinate's schema to the database once (its tables sit beside ours, prefixed procrastinate_)."""
    import psycopg

    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_ID,))
        try:
            if conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()[0] is None:
                conn.execute(SchemaManager.get_schema())
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_ID,))


def make_app(url: str, *, sync: bool = False) -> App:
    connector = SyncPsycopgConnector(conninfo=conninfo(url)) if sync else PsycopgConnector(conninfo=conninfo(url))
    app = App(connector=connector)
    app.task(name="portfolio:plan", queue=QUEUE, pass_context=True)(plan)
    app.task(name="portfolio:slice", queue=QUEUE)(run_slice)
    return app


class Queue:
    """The API's side: put a job on the queue (a synchronous app, opened once per server process)."""

    def __init__(self, url: str) -> None:
        self.app = make_app(url, sync=True)
        self.app.open()

    def enqueue(self, job_id: str) -> None:
        self.app.configure_task("portfolio:plan", queue=QUEUE).defer(job_id=job_id)

    def close(self) -> None:
        self.app.close()


async def plan(context: Any, job_id: str) -> None:
    store: JobStore = _ctx["store"]
    total = await asyncio.to_thread(store.plan, job_id)
    for first in range(0, total, SLICE):
        with contextlib.suppress(AlreadyEnqueued):  # a re-run plan: that slice is queued already
            await context.app.configure_task("portfolio:slice", queue=QUEUE, queueing_lock=f"{job_id}:{first}"
                                             ).defer_async(job_id=job_id, first=first, last=first + SLICE - 1)
    if total == 0:
        await asyncio.to_thread(store.finish, job_id)


def run_slice(job_id: str, first: int, last: int) -> None:
    store: JobStore = _ctx["store"]
    run_items(store, _ctx["advisor"], job_id, first=first, last=last)
    if store.finish(job_id):
        log.info("portfolio job %s done", job_id)


async def _rescue_stalled(app: App, every: float, stalled_after: float) -> None:
    """Give back to the queue the tasks of workers whose heartbeat stopped (a worker killed or cut off)."""
    while True:
        try:
            for job in await app.job_manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=stalled_after):
                log.warning("re-queueing task %s of a stalled worker", job.id)
                await app.job_manager.retry_job(job)
        except Exception:  # noqa: BLE001 - the database is away for a moment: try again
            log.exception("stalled-task check")
        await asyncio.sleep(every)


def work(url: str, advisor: Any, *, concurrency: int = 1, wait: bool = True, stalled_after: float = 30.0) -> None:
    """Run a worker until stopped (wait=False: until the queue is empty). `stalled_after`: seconds without a
    heartbeat after which another worker's tasks are taken back."""
    from advisor_api.storage import make_engine

    engine = make_engine(url)
    _ctx.update(store=JobStore(engine), advisor=advisor)

    async def main() -> None:
        app = make_app(url)
        async with app.open_async():
            rescue = asyncio.create_task(_rescue_stalled(app, max(1.0, stalled_after / 3), stalled_after))
            try:
                await app.run_worker_async(queues=[QUEUE], concurrency=concurrency, wait=wait,
                                           update_heartbeat_interval=max(0.5, stalled_after / 3),
                                           stalled_worker_timeout=stalled_after, delete_jobs="successful",
                                           install_signal_handlers=wait)
            finally:
                rescue.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await rescue

    try:
        asyncio.run(main())
    finally:
        engine.dispose()


def forget_erased(conn: Any) -> int:
    """Delete the queue's ended task rows (failed, cancelled, aborted; succeeded ones are deleted as they end)
    whose portfolio job is erased. Their args hold only the job id and an item range, no client data, but they
    belong to the job and go with it; the tasks' events go with them (ON DELETE CASCADE). Tasks still to do or
    running are left: finding no job, they end at once and are deleted."""
    from sqlalchemy import text

    if conn.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
        return 0  # no job was ever queued on this database
    return conn.execute(text(
        "DELETE FROM procrastinate_jobs q WHERE q.queue_name = :queue AND q.status NOT IN ('todo', 'doing') "
        "AND NOT EXISTS (SELECT 1 FROM portfolio_jobs j WHERE j.id = q.args->>'job_id')"), {"queue": QUEUE}).rowcount
