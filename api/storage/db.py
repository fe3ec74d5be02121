"""Database engine (SQLite in WAL mode by default, PostgreSQL by URL) and migrations (Alembic)."""
from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _ensure_folder(url: str) -> bool:
    """True for SQLite, whose data folder is created here if missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return False
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return True


def make_engine(url: str) -> Engine:
    if not _ensure_folder(url):
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        if engine.dialect.name == "postgresql":
            event.listen(engine, "connect", _lz4)
        return engine
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        sqlite_pragmas(dbapi_conn)

    return engine


WAL_WAIT = 30.0  # seconds a new connection waits for another to let it switch the file to WAL


def sqlite_pragmas(dbapi_conn: Any, wait: float = WAL_WAIT) -> None:
    """A SQLite connection's settings. The file is switched to WAL once (the mode stays in the file); when several
    workers open a new file at the same moment, the switch can be refused at once ("database is locked": SQLite
    does not wait where waiting could deadlock), which failed a server's start-up; it is retried here until
    ``wait`` runs out."""
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA busy_timeout=30000")  # several workers write the same file
        deadline = time.monotonic() + wait
        while True:
            try:
                if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                    cur.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        cur.execute("PRAGMA synchronous=FULL")  # an acknowledged commit survives a crash or power cut
    finally:
        cur.close()


def _lz4(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL compresses a stored assessment (10-40 KB of JSON) when it is written: with lz4 instead of
    the default pglz that costs the server ~0.15 ms instead of ~0.4 ms a row (bench/api_create.py). Where the
    server has no lz4 (before PostgreSQL 14, or built without it) the default stays."""
    try:
        with dbapi_conn.cursor() as cur:
            cur.execute("SET default_toast_compression = 'lz4'")
        dbapi_conn.commit()  # a SET in a transaction that is rolled back would be undone
    except Exception:  # noqa: BLE001 - an older or differently built server: keep its default
        dbapi_conn.rollback()


class SqliteWriteLock:
    """One writer at a time across threads and worker processes (a thread lock plus flock on a side file).

    SQLite's own busy handler polls with sleeps of up to 100 ms, which under several writing processes
    gives a long latency tail; a kernel-queued flock hands the write lock over as soon as it is free.
    """

    def __init__(self, db_path: str) -> None:
        self._thread_lock = threading.Lock()
        self._path = db_path + ".write-lock"
        self._fd: int | None = None
        self._pid = 0

    def _file(self) -> int:
        """The side file, opened once per process (not once per transaction); closed with this object."""
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o666)
            self._pid = os.getpid()
            weakref.finalize(self, os.close, self._fd)
        return self._fd

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._thread_lock:
            fd = self._file()
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)


def write_lock(engine: Engine):  # type: ignore[no-untyped-def]
    """The guard to hold around a write transaction: the SQLite lock above, or nothing for PostgreSQL."""
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        return SqliteWriteLock(database)
    return contextlib.nullcontext


def alembic_config(url: str):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    """Bring the schema to the newest migration (idempotent; PostgreSQL runs take an advisory lock)."""
    from alembic import command

    _ensure_folder(url)
    command.upgrade(alembic_config(url), "head")
