"""Nothing acknowledged is lost: a server (2 workers, group commit) under load from 16 keep-alive clients is
killed with SIGKILL — workers and master, mid-request — and every assessment a client got a 201 for is in
the database, byte for byte as it was answered. On SQLite (synchronous=FULL) and PostgreSQL.

(SIGKILL tests a crash of the process; a power cut is SQLite's and PostgreSQL's own guarantee for a
committed transaction, which is what a 201 waits for: the settings are checked below.)"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import time

import pytest
from sqlalchemy import create_engine, select, text

from advisor_api.openapi import examples
from advisor_api.storage.tables import assessments as T
from api_server import server

BODIES = [json.dumps(e["value"]).encode() for name, e in examples().items() if "-bad-" not in name]
CLIENTS = 16


async def client(port: int, k: int, acknowledged: dict[str, bytes], failed: list[str], until: float) -> None:
    """Requests back to back until the server is gone (or `until`, should it never go)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = k
    try:
        while time.monotonic() < until:
            body = BODIES[i % len(BODIES)]
            i += 1
            writer.write(b"POST /v1/assessments HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            head = await reader.readuntil(b"\r\n\r\n")
            headers = dict(h.split(b": ", 1) for h in head.split(b"\r\n")[1:] if b": " in h)
            answer = await reader.readexactly(int(headers[b"content-length"]))
            assert head.startswith(b"HTTP/1.1 201"), head
            acknowledged[json.loads(answer)["id"]] = answer
    except (ConnectionError, asyncio.IncompleteReadError) as err:  # the kill: this request is unanswered
        failed.append(type(err).__name__)
        return
    finally:
        writer.close()


def children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return out


async def load_then_kill(port: int, proc, seconds: float) -> tuple[dict[str, bytes], list[str], int]:
    """Returns the answers (id → body), how each client ended, and how many answers came before the kill."""
    acknowledged: dict[str, bytes] = {}
    failed: list[str] = []
    until = time.monotonic() + seconds + 30
    tasks = [asyncio.create_task(client(port, k, acknowledged, failed, until)) for k in range(CLIENTS)]
    await asyncio.sleep(seconds)
    before = len(acknowledged)
    for pid in [*children(proc.pid), proc.pid]:  # workers first: they hold the data
        os.kill(pid, signal.SIGKILL)
    await asyncio.wait_for(asyncio.gather(*tasks), 60)
    return acknowledged, failed, before


@pytest.mark.parametrize("db", ["sqlite", "postgres"])
def test_a_server_killed_under_load_loses_no_acknowledged_assessment(tmp_path, request, db):
    url = f"sqlite:///{tmp_path / 'advisor.db'}" if db == "sqlite" else request.getfixturevalue("pg_url")
    with server(tmp_path, workers=2, fake=True, database_url=None if db == "sqlite" else url) as (base, proc):
        port = int(base.rsplit(":", 1)[1])
        acknowledged, failed, before = asyncio.run(load_then_kill(port, proc, 2.0))
        proc.wait(10)
    assert before > 100, "the load did not get going before the kill"
    assert len(failed) == CLIENTS, "every client's last request is cut off by the kill"
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if db == "sqlite":
                assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            else:
                assert conn.execute(text("SHOW synchronous_commit")).scalar() == "on"
                assert conn.execute(text("SHOW fsync")).scalar() == "on"
            rows = dict(conn.execute(select(T.c.id, T.c.result).where(T.c.id.in_(list(acknowledged)))).all())
    finally:
        engine.dispose()
    lost = set(acknowledged) - set(rows)
    assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged assessments are not in the database"
    assert all(rows[i].encode() == body for i, body in acknowledged.items())  # stored as answered


def test_sqlite_commits_with_synchronous_full(tmp_path):
    from advisor_api.storage import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'advisor.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_postgresql_stores_assessments_compressed_with_lz4(pg_url):
    """lz4, not pglz: PostgreSQL's own CPU per stored assessment is less than half (db.py _lz4)."""
    from advisor_api.storage import AssessmentStore, make_engine, upgrade
    from advisor_api.storage.writer import close_writer

    upgrade(pg_url)
    engine = make_engine(pg_url)
    try:
        big = {"overall": "exempt", "text": "数据出境" * 2000}  # well over the 2 KB at which values are compressed
        id = AssessmentStore(engine).create({"company": {"name": "Acme"}}, big, None)["id"]
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pg_column_compression(result) FROM assessments WHERE id = :i"),
                                {"i": id}).scalar() == "lz4"
    finally:
        close_writer(engine)
        engine.dispose()
