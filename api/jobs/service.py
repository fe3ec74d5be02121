"""What the server holds for jobs: the store, and how a new job gets run — a thread in this process on the
embedded SQLite database, the procrastinate queue on PostgreSQL (run `advisor worker` there)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from advisor_api.jobs.store import JobStore


class Jobs:
    def __init__(self, engine: Engine, advisor: Any, url: str) -> None:
        self.store = JobStore(engine)
        self.queued_by = "queue" if engine.dialect.name == "postgresql" else "in-process"
        if self.queued_by == "queue":
            from advisor_api.jobs.pgqueue import Queue, ensure_schema

            ensure_schema(url)
            self._queue: Any = Queue(url)
        else:
            from advisor_api.jobs.inprocess import InProcessRunner

            self._queue = InProcessRunner(self.store, advisor)
            self._queue.start()

    def submit(self, job_id: str) -> None:
        if self.queued_by == "queue":
            self._queue.enqueue(job_id)
        else:
            self._queue.kick()

    def close(self) -> None:
        if self.queued_by == "queue":
            self._queue.close()
        else:
            self._queue.stop()
