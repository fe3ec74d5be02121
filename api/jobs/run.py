"""The one loop every runner uses: take a batch of items still to do, re-assess them, record them (each
once), until none is left; then finish the job (once, whoever records the last item)."""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Any

from advisor_api.jobs.items import reassess
from advisor_api.jobs.store import JobStore

log = logging.getLogger("api.jobs")
BATCH = 25


def _throttle() -> float:
    """ADVISOR_JOB_ITEM_DELAY_MS: a pause per item, so tests can stop a worker half-way (0 in production)."""
    try:
        return max(0.0, float(os.environ.get("ADVISOR_JOB_ITEM_DELAY_MS", "0")) / 1000)
    except ValueError:
        return 0.0


def run_items(store: JobStore, advisor: Any, job_id: str, *, first: int = 0, last: int | None = None,
              keep_going: Callable[[], bool] = lambda: True) -> int:
    """Record the job's items in [first, last] that are still to do; returns how many this call recorded."""
    job = store.job(job_id)
    if job is None or job.status not in ("queued", "running"):
        return 0
    pause, recorded = _throttle(), 0
    while keep_going():
        with store.batch(job_id, BATCH, first, last) as (items, record):
            if not items:
                break
            outcomes = []
            for item in items:
                outcomes.append(reassess(advisor, job.as_of, item))
                if pause:
                    time.sleep(pause)
            recorded += record(outcomes)
    return recorded


def run_job(store: JobStore, advisor: Any, job_id: str, keep_going: Callable[[], bool] = lambda: True) -> bool:
    """Plan (once), run every item, finish. True when this call finished the job."""
    try:
        store.plan(job_id)
        run_items(store, advisor, job_id, keep_going=keep_going)
    except Exception as err:  # noqa: BLE001 - a job that cannot go on is marked failed, with why
        log.exception("job %s failed", job_id)
        store.fail(job_id, f"{type(err).__name__}: {err}")
        return False
    return store.finish(job_id)
