"""Jobs and their items in the database. Every count moves in the transaction that records the items it
counts, so what a killed worker had not committed is simply done again, and nothing is counted twice.

On PostgreSQL a batch is claimed with SELECT … FOR UPDATE SKIP LOCKED inside the transaction that records
it (several workers never take the same item); on SQLite the batch is read first and recorded under the
write lock only where its items are still `todo`.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, insert, select, update

from advisor_api.storage.assessments import dumps, utc
from advisor_api.storage.db import write_lock
from advisor_api.storage.tables import assessments as A
from advisor_api.storage.tables import portfolio_job_items as I
from advisor_api.storage.tables import portfolio_jobs as J

INLINE = 1000  # changed entries carried inline in GET /v1/jobs/{id}
PLAN_CHUNK = 1000
ACTIVE = ("queued", "running")
FINISHED = ("done", "failed")
PURGE_CHUNK = 500  # jobs erased per transaction (SQLite's write lock is given back between chunks)


@dataclass(frozen=True)
class Job:
    id: str
    owner: str | None
    as_of: dt.date
    status: str
    total: int | None


@dataclass(frozen=True)
class Item:
    seq: int
    assessment_id: str
    profile: str | None  # None: erased since the job was listed
    result: str | None


@dataclass(frozen=True)
class Outcome:
    seq: int
    state: str  # unchanged | changed | failed | gone
    entry: dict[str, Any] | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _owner_is(col: Any, owner: str | None) -> Any:
    return col.is_(None) if owner is None else col == owner


class JobStore:
    def __init__(self, engine: Engine, space: str = "api") -> None:
        self.engine = engine
        self.space = space
        self.pg = engine.dialect.name == "postgresql"
        self._writing = write_lock(engine)

    # --- what the routes use --------------------------------------------------------------------
    def create(self, owner: str | None, as_of: dt.date, ids: Sequence[str] | None) -> str:
        job_id = uuid.uuid4().hex
        with self._writing(), self.engine.begin() as conn:
            conn.execute(insert(J), [{"id": job_id, "space": self.space, "created_by": owner,
                                      "as_of": as_of.isoformat(), "ids": None if ids is None else json.dumps(list(ids)),
                                      "status": "queued", "created_at": _now()}])
        return job_id

    def missing(self, owner: str | None, ids: Sequence[str]) -> list[str]:
        """Those of `ids` that are not the owner's stored assessments."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start:start + 500])
                found |= set(conn.execute(select(A.c.id).where(
                    and_(A.c.id.in_(chunk), A.c.space == self.space, _owner_is(A.c.created_by, owner)))).scalars())
        return [i for i in ids if i not in found]

    def view(self, job_id: str, owner: str | None) -> dict[str, Any] | None:
        """The job as GET /v1/jobs/{id} shows it (the owner's own only)."""
        with self.engine.connect() as conn:
            r = conn.execute(select(J).where(and_(J.c.id == job_id, J.c.space == self.space,
                                                  _owner_is(J.c.created_by, owner)))).first()
            if r is None:
                return None
            out: dict[str, Any] = {
                "id": r.id, "status": r.status, "as_of": r.as_of,
                "created_at": _iso(r.created_at), "started_at": _iso(r.started_at), "finished_at": _iso(r.finished_at),
                "progress": {"done": r.done, "total": r.total}, "result": None}
            if r.status == "failed":
                out["error"] = r.error
            if r.status == "done":
                changed = [json.loads(e) for e in conn.execute(
                    select(I.c.entry).where(and_(I.c.job_id == job_id, I.c.state == "changed", I.c.entry.is_not(None)))
                    .order_by(I.c.seq).limit(INLINE)).scalars()]
                failed = [json.loads(e) for e in conn.execute(
                    select(I.c.entry).where(and_(I.c.job_id == job_id, I.c.state == "failed", I.c.entry.is_not(None)))
                    .order_by(I.c.seq).limit(INLINE)).scalars()]
                out["result"] = {"changed": changed, "unchanged": r.unchanged, "changed_total": r.changed,
                                 "changed_truncated": r.changed > len(changed), "failed": failed, "erased": r.gone}
        return out

    def changes(self, job_id: str, owner: str | None, after: int, limit: int) -> tuple[list[dict], int | None] | None:
        """Changed entries after position `after` (seq), and the position to continue from (None: the end)."""
        if self.view_owner(job_id) != (True, owner):
            return None
        stmt = (select(I.c.seq, I.c.entry).where(and_(I.c.job_id == job_id, I.c.state == "changed", I.c.seq > after,
                                                   I.c.entry.is_not(None)))  # None: the client was erased
                .order_by(I.c.seq).limit(limit + 1))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        more = len(rows) > limit
        rows = rows[:limit]
        return [json.loads(r.entry) for r in rows], (rows[-1].seq if more else None)

    def view_owner(self, job_id: str) -> tuple[bool, str | None]:
        with self.engine.connect() as conn:
            r = conn.execute(select(J.c.created_by).where(and_(J.c.id == job_id, J.c.space == self.space))).first()
        return (False, None) if r is None else (True, r.created_by)

    # --- what the workers use -------------------------------------------------------------------
    def job(self, job_id: str) -> Job | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(J.c.id, J.c.created_by, J.c.as_of, J.c.status, J.c.total)
                             .where(J.c.id == job_id)).first()
        return None if r is None else Job(r.id, r.created_by, dt.date.fromisoformat(r.as_of), r.status, r.total)

    def active(self) -> list[str]:
        """Jobs not finished (queued or running), oldest first."""
        with self.engine.connect() as conn:
            return list(conn.execute(select(J.c.id).where(J.c.status.in_(ACTIVE)).order_by(J.c.created_at)).scalars())

    def plan(self, job_id: str) -> int:
        """List the job's items once (idempotent): the owner's assessments (or the ids asked for, still the
        owner's), streamed in pages so memory stays bounded. Returns the total."""
        with self._writing(), self.engine.begin() as conn:
            r = conn.execute(select(J).where(J.c.id == job_id).with_for_update()).first()
            if r is None:
                return 0
            if r.total is not None:
                return int(r.total)
            cond = [A.c.space == r.space, _owner_is(A.c.created_by, r.created_by)]
            if r.ids is not None:
                cond.append(A.c.id.in_(json.loads(r.ids)))
            stmt = select(A.c.id).where(and_(*cond)).order_by(A.c.created_at, A.c.id)
            seq, chunk = 0, []
            with _streaming(self.engine) as read:
                for aid in read.execute(stmt).scalars():
                    chunk.append({"job_id": job_id, "seq": seq, "assessment_id": aid, "state": "todo"})
                    seq += 1
                    if len(chunk) == PLAN_CHUNK:
                        conn.execute(insert(I), chunk)
                        chunk = []
            if chunk:
                conn.execute(insert(I), chunk)
            conn.execute(update(J).where(J.c.id == job_id).values(total=seq, status="running", started_at=_now()))
        return seq

    @contextlib.contextmanager
    def batch(self, job_id: str, size: int, first: int = 0, last: int | None = None
              ) -> Iterator[tuple[list[Item], Any]]:
        """(items still to do, record(outcomes)). PostgreSQL: claimed and recorded in one transaction."""
        cond = [I.c.job_id == job_id, I.c.state == "todo", I.c.seq >= first]
        if last is not None:
            cond.append(I.c.seq <= last)
        stmt = (select(I.c.seq, I.c.assessment_id, A.c.profile, A.c.result)
                .select_from(I.outerjoin(A, A.c.id == I.c.assessment_id))
                .where(and_(*cond)).order_by(I.c.seq).limit(size))
        if self.pg:
            with self.engine.begin() as conn:
                items = [Item(*r) for r in conn.execute(stmt.with_for_update(of=I, skip_locked=True)).all()]
                yield items, lambda outcomes: self._record(conn, job_id, outcomes)
            return
        with self.engine.connect() as conn:
            items = [Item(*r) for r in conn.execute(stmt).all()]

        def record(outcomes: list[Outcome]) -> int:
            with self._writing(), self.engine.begin() as wconn:
                return self._record(wconn, job_id, outcomes)

        yield items, record

    def _record(self, conn: Connection, job_id: str, outcomes: list[Outcome]) -> int:
        counts = {"changed": 0, "unchanged": 0, "failed": 0, "gone": 0}
        for o in outcomes:
            hit = conn.execute(update(I).where(and_(I.c.job_id == job_id, I.c.seq == o.seq, I.c.state == "todo"))
                               .values(state=o.state, entry=None if o.entry is None else dumps(o.entry))).rowcount
            counts[o.state] += hit
        n = sum(counts.values())
        if n:
            conn.execute(update(J).where(J.c.id == job_id).values(
                done=J.c.done + n, **{k: getattr(J.c, k) + v for k, v in counts.items() if v}))
        return n

    def finish(self, job_id: str) -> bool:
        """Mark the job done when every item is recorded; True only for the one call that does it."""
        with self._writing(), self.engine.begin() as conn:
            return conn.execute(update(J).where(and_(J.c.id == job_id, J.c.status == "running",
                                                     J.c.total.is_not(None), J.c.done >= J.c.total))
                                .values(status="done", finished_at=_now(), lease=None, lease_until=None)).rowcount == 1

    def fail(self, job_id: str, message: str) -> None:
        with self._writing(), self.engine.begin() as conn:
            conn.execute(update(J).where(and_(J.c.id == job_id, J.c.status.in_(ACTIVE)))
                         .values(status="failed", error=message[:500], finished_at=_now(), lease=None))

    def todo(self, job_id: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(I).where(
                and_(I.c.job_id == job_id, I.c.state == "todo"))).scalar_one())

    # --- leases (the in-process runner on SQLite: one runner per job across a server's processes) ----
    def lease(self, job_id: str, me: str, seconds: float, dead: Any = lambda holder: False) -> bool:
        """Take or renew the job's lease; a lease past its time, or held by a process known dead, is free."""
        now = _now()
        with self._writing(), self.engine.begin() as conn:
            r = conn.execute(select(J.c.lease, J.c.lease_until, J.c.status).where(J.c.id == job_id)).first()
            if r is None or r.status not in ACTIVE:
                return False
            free = r.lease in (None, me) or r.lease_until is None or utc(r.lease_until) < now or dead(r.lease)
            if free:
                conn.execute(update(J).where(J.c.id == job_id).values(
                    lease=me, lease_until=now + dt.timedelta(seconds=seconds)))
            return free

    # --- retention ------------------------------------------------------------------------------
    def purge(self, older_than: dt.datetime) -> int:
        """Erase this space's finished jobs (done or failed) that finished before `older_than`, with their items
        (the change entries name clients) and, on PostgreSQL, their tasks left on the queue. A queued or running
        job is never touched. Returns how many jobs were erased."""
        when = func.coalesce(J.c.finished_at, J.c.created_at)  # finished_at is set whenever a job ends
        old = and_(J.c.space == self.space, J.c.status.in_(FINISHED), when < utc(older_than))
        with self.engine.connect() as conn:
            ids = list(conn.execute(select(J.c.id).where(old)).scalars())
        erased = 0
        for start in range(0, len(ids), PURGE_CHUNK):
            chunk = ids[start:start + PURGE_CHUNK]
            with self._writing(), self.engine.begin() as conn:
                gone = list(conn.execute(select(J.c.id).where(and_(J.c.id.in_(chunk), old))).scalars())
                conn.execute(delete(I).where(I.c.job_id.in_(gone)))
                erased += conn.execute(delete(J).where(J.c.id.in_(gone))).rowcount
        if self.pg:
            from advisor_api.jobs.pgqueue import forget_erased

            with self.engine.begin() as conn:
                forget_erased(conn)
        return erased

    def release(self, me: str) -> None:
        """Give up every lease this runner holds (a server shutting down cleanly)."""
        with self._writing(), self.engine.begin() as conn:
            conn.execute(update(J).where(J.c.lease == me).values(lease=None, lease_until=None))


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else utc(value).isoformat().replace("+00:00", "Z")


@contextlib.contextmanager
def _streaming(engine: Engine) -> Iterator[Connection]:
    """A connection whose SELECTs stream (a server-side cursor on PostgreSQL, 1,000 rows at a time)."""
    with engine.connect() as conn:
        yield conn.execution_options(stream_results=True, yield_per=PLAN_CHUNK)
