"""Idempotency-Key, as Stripe defines it: a key is bound to its owner and endpoint (the scope) and to the
request's query and body (the fingerprint). The first use runs; a repeat with the same fingerprint gets
the stored answer; a different fingerprint is a conflict (409); keys expire after 24 hours.

Concurrent first uses run once: the first request inserts a "pending" row (the primary key decides the
race), the others wait for it to be done and then replay its answer. A pending row left by a crashed
worker is taken over after `pending_seconds`.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, and_, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from advisor_api.storage.db import write_lock
from advisor_api.storage.tables import idempotency as I

TTL = dt.timedelta(hours=24)


class IdempotencyConflict(Exception):
    """The same Idempotency-Key was sent before with a different request."""


class IdempotencyBusy(Exception):
    """The first request with this key is still running."""


@dataclass(frozen=True)
class Replay:
    status: int
    body: str
    location: str | None


class IdempotencyStore:
    def __init__(self, engine: Engine, ttl: dt.timedelta = TTL, pending_seconds: float = 120.0,
                 wait_seconds: float = 60.0) -> None:
        self.engine, self.ttl = engine, ttl
        self.pending_seconds, self.wait_seconds = pending_seconds, wait_seconds
        self._writing = write_lock(engine)

    def begin(self, scope: str, fingerprint: str) -> Replay | None:
        """None: this request owns the key now (run it, then complete() or release()); else the stored answer."""
        waited_until = time.monotonic() + self.wait_seconds
        while True:
            now = dt.datetime.now(dt.timezone.utc)
            try:
                with self._writing(), self.engine.begin() as conn:
                    conn.execute(insert(I), [{"scope": scope, "fingerprint": fingerprint, "state": "pending",
                                              "created_at": now}])
                return None
            except IntegrityError:
                pass
            with self._writing(), self.engine.begin() as conn:  # an expired or abandoned row gives way
                stale = conn.execute(delete(I).where(and_(I.c.scope == scope, or_(
                    I.c.created_at < now - self.ttl,
                    and_(I.c.state == "pending", I.c.created_at < now - dt.timedelta(seconds=self.pending_seconds)))
                ))).rowcount
            if stale:
                continue
            with self.engine.connect() as conn:
                row = conn.execute(select(I).where(I.c.scope == scope)).first()
            if row is None:
                continue
            if row.fingerprint != fingerprint:
                raise IdempotencyConflict(scope)
            if row.state == "done":
                return Replay(int(row.status), str(row.body), row.location)
            if time.monotonic() > waited_until:
                raise IdempotencyBusy(scope)
            time.sleep(0.05)

    @staticmethod
    def complete(conn: Connection, scope: str, status: int, body: str, location: str | None,
                 assessment_ids: list[str]) -> None:
        """Store the answer (inside the transaction that stores the assessments)."""
        conn.execute(update(I).where(I.c.scope == scope).values(
            state="done", status=status, body=body, location=location, assessment_ids=" ".join(assessment_ids)))

    def release(self, scope: str) -> None:
        """The request did not run to the end (refused input, crash): free the key for a corrected retry."""
        with self._writing(), self.engine.begin() as conn:
            conn.execute(delete(I).where(and_(I.c.scope == scope, I.c.state == "pending")))

    def purge(self) -> int:
        cutoff = dt.datetime.now(dt.timezone.utc) - self.ttl
        with self._writing(), self.engine.begin() as conn:
            return conn.execute(delete(I).where(I.c.created_at < cutoff)).rowcount
