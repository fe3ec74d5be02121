"""Several workers opening a new SQLite file at once: the switch to WAL may be refused at once ("database is
locked"), which once failed a server's start-up (`make bench`, 2 workers); it is retried."""
from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import text

from advisor_api.storage.db import make_engine, sqlite_pragmas


class _Cursor:
    def __init__(self, conn: "_Conn") -> None:
        self.conn = conn
        self.row: tuple = ()

    def execute(self, sql: str) -> "_Cursor":
        self.conn.seen.append(sql)
        if sql == "PRAGMA journal_mode":
            self.row = (self.conn.mode,)
        elif sql == "PRAGMA journal_mode=WAL":
            if self.conn.refusals:
                self.conn.refusals -= 1
                raise sqlite3.OperationalError(self.conn.error)
            self.conn.mode = "wal"
        return self

    def fetchone(self) -> tuple:
        return self.row

    def close(self) -> None:
        self.conn.closed = True


class _Conn:
    def __init__(self, refusals: int, error: str = "database is locked", mode: str = "delete") -> None:
        self.refusals, self.error, self.mode = refusals, error, mode
        self.seen: list[str] = []
        self.closed = False

    def cursor(self) -> _Cursor:
        return _Cursor(self)


def test_a_refused_switch_to_wal_is_retried():
    conn = _Conn(refusals=3)
    sqlite_pragmas(conn)
    assert conn.mode == "wal" and conn.seen.count("PRAGMA journal_mode=WAL") == 4 and conn.closed
    assert conn.seen[0] == "PRAGMA busy_timeout=30000" and conn.seen[-1] == "PRAGMA synchronous=FULL"


def test_a_file_already_in_wal_is_not_switched_again():
    conn = _Conn(refusals=5, mode="wal")
    sqlite_pragmas(conn)
    assert "PRAGMA journal_mode=WAL" not in conn.seen and conn.seen[-1] == "PRAGMA synchronous=FULL"


def test_other_errors_and_a_lock_that_stays_are_raised():
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        sqlite_pragmas(_Conn(refusals=1, error="disk I/O error"))
    conn = _Conn(refusals=10**6)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        sqlite_pragmas(conn, wait=0.2)
    assert conn.closed


def test_workers_opening_a_new_file_at_once_all_start(tmp_path):
    for round_ in range(10):
        url = f"sqlite:///{tmp_path}/db{round_}/advisor.sqlite"
        start = threading.Barrier(6)
        errors: list[BaseException] = []
        modes: list[str] = []

        def worker() -> None:
            engine = make_engine(url)
            try:
                start.wait()
                with engine.connect() as conn:
                    modes.append(conn.execute(text("PRAGMA journal_mode")).scalar())
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)
            finally:
                engine.dispose()

        threads = [threading.Thread(target=worker) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors and modes == ["wal"] * 6
