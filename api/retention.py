"""Retention: erase what is kept longer than its period (page records always; API records when
ADVISOR_RETENTION_DAYS is set: assessments by when they were made, finished portfolio jobs with their items by
when they finished) and expired Idempotency-Keys. Run by every worker on a timer
(deleting is idempotent, so several workers and hosts may run it at once) and by `advisor purge`."""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

import anyio.to_thread

log = logging.getLogger("api")


def purge(settings: Any, api_store: Any, page_store: Any, job_store: Any,
          now: dt.datetime | None = None) -> dict[str, int]:
    now = now or dt.datetime.now(dt.timezone.utc)
    done = {"page": page_store.purge(now - dt.timedelta(days=settings.page_retention_days)),
            "api": 0, "jobs": 0, "idempotency_keys": api_store.idempotency.purge()}
    if settings.retention_days is not None:
        cutoff = now - dt.timedelta(days=settings.retention_days)
        done["api"] = api_store.purge(cutoff)
        done["jobs"] = job_store.purge(cutoff)  # never a queued or running one
    return done


async def purge_forever(settings: Any, api_store: Any, page_store: Any, job_store: Any) -> None:
    while True:
        try:
            done = await anyio.to_thread.run_sync(purge, settings, api_store, page_store, job_store)
            if any(done.values()):
                log.info("retention purge: %s", " ".join(f"{k}={v}" for k, v in done.items()))
        except Exception as err:  # noqa: BLE001 - a failed purge is retried next time, never fatal
            log.error("retention purge failed: %s", type(err).__name__)
        await asyncio.sleep(settings.purge_every_seconds)
