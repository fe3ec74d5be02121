"""Group commit: one writer thread per database engine (so one per worker process) commits the rows of
every request waiting at that moment in ONE transaction, then answers each of them.

A request is acknowledged only after the transaction holding its rows has committed (SQLite
`synchronous=FULL`, PostgreSQL's default `synchronous_commit=on`): a crash at any moment loses only
requests no client was told were stored. What this saves is the commit (and its fsync, SQLite's write
lock, a pooled connection) per request: under load, N waiting requests share one.

Batching is natural, not timed: an idle writer commits the first request at once; the requests that
arrive while it commits go together in the next transaction. Each request's `also(conn)` (completing its
Idempotency-Key) runs in the same transaction as its rows. If a batch fails, its requests are committed
one by one, so that a bad one fails alone.
"""
from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Table, insert

from advisor_api.storage.db import write_lock

log = logging.getLogger("api")
MAX_BATCH = 256  # requests per transaction: bounds the transaction's size and one batch's latency
IDLE_SECONDS = 5.0  # an idle writer's thread ends (and starts again with the next write)


@dataclass
class _Write:
    table: Table
    rows: Sequence[dict[str, Any]]
    also: Callable[[Connection], None] | None
    done: Future | None = None  # a thread waits on this (submit/write) ...
    waiter: asyncio.Future | None = None  # ... or a coroutine on this (commit)

    def taken(self) -> bool:
        """False for a thread's write cancelled before the writer took it (it is then not written)."""
        return self.done is None or self.done.set_running_or_notify_cancel()


class GroupCommit:
    def __init__(self, engine: Engine, max_batch: int = MAX_BATCH) -> None:
        self.engine, self.max_batch = engine, max_batch
        self._writing = write_lock(engine)
        self._queue: queue.SimpleQueue[_Write | None] = queue.SimpleQueue()
        self._start = threading.Lock()
        self._thread: threading.Thread | None = None
        self._conn: Connection | None = None  # the writer thread's own, kept between batches
        self._closed = False
        self.batches = 0  # transactions committed (for tests and benchmarks)

    def _put(self, write: _Write) -> None:
        with self._start:
            if self._closed:
                raise RuntimeError("the database writer is closed (server shutting down)")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
                self._thread.start()
            self._queue.put(write)

    def submit(self, table: Table, rows: Sequence[dict[str, Any]],
               also: Callable[[Connection], None] | None = None) -> Future:
        """Queue rows (and `also`) for the next transaction; the future is done once they are committed."""
        write = _Write(table, rows, also, done=Future())
        self._put(write)
        assert write.done is not None
        return write.done

    def write(self, table: Table, rows: Sequence[dict[str, Any]],
              also: Callable[[Connection], None] | None = None) -> None:
        """Blocking form of submit(): returns once committed, raises what the transaction raised."""
        self.submit(table, rows, also).result()

    async def commit(self, table: Table, rows: Sequence[dict[str, Any]],
                     also: Callable[[Connection], None] | None = None) -> None:
        """submit() for a coroutine: returns once committed. The writer wakes each event loop once per
        transaction, however many of its requests the transaction holds."""
        waiter = asyncio.get_running_loop().create_future()
        self._put(_Write(table, rows, also, waiter=waiter))
        await waiter

    def close(self) -> None:
        """Commit what is queued, then stop the thread (idempotent)."""
        with self._start:
            self._closed = True
            thread = self._thread
            if thread is not None:
                self._queue.put(None)
        if thread is not None:
            thread.join()

    def _next(self) -> _Write | None | bool:
        """The next queued write, None to stop, or False when idle for IDLE_SECONDS (the thread ends)."""
        try:
            return self._queue.get(timeout=IDLE_SECONDS)
        except queue.Empty:
            with self._start:
                if self._queue.empty():
                    self._disconnect()  # before a new thread can start and connect
                    self._thread = None
                    return False
            return self._queue.get()

    def _run(self) -> None:
        try:
            self._loop()
        except BaseException:  # pragma: no cover - _commit catches everything; never leave a dead writer
            log.exception("database writer thread failed; the next write starts a new one")
            with self._start:
                self._disconnect()
                self._thread = None
            raise

    def _loop(self) -> None:
        stop = False
        while not stop:
            batch: list[_Write] = []
            item = self._next()
            if item is False:
                return
            while True:
                assert item is not False
                if item is None:
                    stop = True
                elif item.taken():
                    batch.append(item)
                if stop or len(batch) >= self.max_batch:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                self._commit(batch)
        self._disconnect()  # closed: no thread comes after this one

    def _commit(self, batch: list[_Write]) -> None:
        try:
            self._transaction(batch)
        except BaseException as exc:  # noqa: BLE001 - the writer thread must live on
            self._disconnect()  # the next transaction starts on a fresh (pre-pinged) connection
            if len(batch) == 1:
                _settle(batch, exc)
                return
            log.warning("group commit of %d requests failed (%s): committing them one by one",
                        len(batch), type(exc).__name__)
            for write in batch:
                self._commit([write])
            return
        self.batches += 1
        _settle(batch, None)

    def _transaction(self, batch: list[_Write]) -> None:
        if self._conn is None:
            self._conn = self.engine.connect()
        conn = self._conn
        with self._writing(), conn.begin():
            by_table: dict[Table, list[dict[str, Any]]] = {}
            for write in batch:
                by_table.setdefault(write.table, []).extend(write.rows)
            for table, rows in by_table.items():
                if rows:
                    conn.execute(insert(table), rows)
            for write in batch:
                if write.also is not None:
                    write.also(conn)

    def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - a broken connection: nothing left to close
                pass


def _settle(batch: list[_Write], exc: BaseException | None) -> None:
    """Tell each request its outcome: threads directly, each event loop with one wake-up for all of its own."""
    by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future]] = {}
    for write in batch:
        if write.done is not None:
            write.done.set_result(None) if exc is None else write.done.set_exception(exc)
        elif write.waiter is not None:
            by_loop.setdefault(write.waiter.get_loop(), []).append(write.waiter)
    for loop, waiters in by_loop.items():
        try:
            loop.call_soon_threadsafe(_wake, waiters, exc)
        except RuntimeError:  # that loop has closed: no one is waiting any more
            pass


def _wake(waiters: list[asyncio.Future], exc: BaseException | None) -> None:
    for waiter in waiters:
        if not waiter.done():  # a request cancelled meanwhile
            waiter.set_result(None) if exc is None else waiter.set_exception(exc)


def writer_for(engine: Engine) -> GroupCommit:
    """The one writer of this engine in this process (kept on the engine: it goes when the engine goes)."""
    with _registry:
        found = engine.__dict__.get("_group_commit")
        if found is None or found._closed:
            found = engine.__dict__["_group_commit"] = GroupCommit(engine)
        return found


def close_writer(engine: Engine) -> None:
    """Commit what is queued for this engine and stop its writer (before engine.dispose())."""
    with _registry:
        found = engine.__dict__.pop("_group_commit", None)
    if found is not None:
        found.close()


_registry = threading.Lock()
