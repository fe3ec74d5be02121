"""Group commit (api/storage/writer.py): requests waiting together share one transaction, none is answered
before its transaction has committed, a bad one fails alone, closing commits what is queued. On SQLite and
PostgreSQL."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import Connection, func, select

from advisor_api.storage import make_engine, upgrade
from advisor_api.storage.tables import assessments as T
from advisor_api.storage.writer import GroupCommit, close_writer, writer_for

ROW = {"space": "api", "created_by": None, "rulepack_version": "1", "rulepack_digest": "d", "idempotency_scope": None,
       "input_digest": "sha256:x", "company_name": "Acme", "credit_code": None, "overall": "exempt",
       "profile": "{}", "result": "{}"}


def row(i: int) -> dict:
    import datetime as dt

    return {**ROW, "id": f"{i:032x}", "created_at": dt.datetime.now(dt.timezone.utc)}


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'advisor.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    upgrade(url)
    eng = make_engine(url)
    yield eng
    close_writer(eng)
    eng.dispose()


def stored(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(T.c.id)).scalars())


class Gate:
    """An `also` that holds the writer inside its transaction until opened."""

    def __init__(self) -> None:
        self.entered, self.opened = threading.Event(), threading.Event()

    def __call__(self, conn: Connection) -> None:
        self.entered.set()
        assert self.opened.wait(30)


def held(engine) -> tuple[GroupCommit, Gate, object]:
    """A writer held inside its first transaction (of row 0)."""
    writer, gate = GroupCommit(engine), Gate()
    first = writer.submit(T, [row(0)], gate)
    assert gate.entered.wait(30)
    return writer, gate, first


def test_requests_waiting_together_share_one_transaction_and_none_is_answered_before_it_commits(engine):
    writer, gate, first = held(engine)
    waiting = [writer.submit(T, [row(i)]) for i in range(1, 21)]
    assert not first.done() and not any(f.done() for f in waiting)
    assert stored(engine) == set()  # nothing committed, nothing answered
    gate.opened.set()
    for f in [first, *waiting]:
        f.result(30)
    assert stored(engine) == {f"{i:032x}" for i in range(21)}
    assert writer.batches == 2  # the first alone, then the 20 that waited, together
    writer.close()


def test_a_failing_request_fails_alone(engine):
    writer, gate, first = held(engine)

    def broken(conn: Connection) -> None:
        raise RuntimeError("this request's own step fails")

    good = [writer.submit(T, [row(i)]) for i in (1, 2)]
    bad = writer.submit(T, [row(3)], broken)
    duplicate = writer.submit(T, [row(1)])  # the same primary key as a request before it in the batch
    more = writer.submit(T, [row(4)])
    gate.opened.set()
    first.result(30)
    for f in [*good, more]:
        f.result(30)
    with pytest.raises(RuntimeError):
        bad.result(30)
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        duplicate.result(30)
    assert stored(engine) == {f"{i:032x}" for i in (0, 1, 2, 4)}  # the bad one's row rolled back with it
    writer.close()


def test_close_commits_what_is_queued_and_refuses_more(engine):
    writer, gate, first = held(engine)
    queued = [writer.submit(T, [row(i)]) for i in range(1, 6)]
    closing = threading.Thread(target=writer.close)
    closing.start()
    gate.opened.set()
    closing.join(30)
    assert not closing.is_alive()
    assert first.done() and all(f.done() and f.exception() is None for f in queued)
    assert stored(engine) == {f"{i:032x}" for i in range(6)}
    with pytest.raises(RuntimeError, match="closed"):
        writer.submit(T, [row(9)])


def test_one_writer_per_engine_and_many_threads_lose_nothing(engine):
    assert writer_for(engine) is writer_for(engine)
    ids = [[i * 100 + j for j in range(40)] for i in range(8)]

    def client(mine: list[int]) -> None:
        for i in mine:
            writer_for(engine).write(T, [row(i)])

    threads = [threading.Thread(target=client, args=(m,)) for m in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert stored(engine) == {f"{i:032x}" for m in ids for i in m}
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(T)).scalar() == 320


def test_an_idle_writer_ends_its_thread_and_starts_again(engine, monkeypatch):
    from advisor_api.storage import writer as w

    monkeypatch.setattr(w, "IDLE_SECONDS", 0.05)
    writer = GroupCommit(engine)
    writer.write(T, [row(1)])
    thread = writer._thread
    assert thread is not None
    thread.join(5)
    assert not thread.is_alive() and writer._thread is None
    writer.write(T, [row(2)])  # a new thread takes the next write
    assert stored(engine) == {f"{1:032x}", f"{2:032x}"}
    writer.close()


def test_coroutines_waiting_together_are_woken_once_per_transaction(engine, monkeypatch):
    import asyncio

    from advisor_api.storage import writer as w

    wakes = []
    real_wake = w._wake
    monkeypatch.setattr(w, "_wake", lambda waiters, exc: (wakes.append(len(waiters)), real_wake(waiters, exc)))

    async def main() -> None:
        writer, gate, first = held(engine)
        tasks = [asyncio.create_task(writer.commit(T, [row(i)])) for i in range(1, 11)]
        await asyncio.sleep(0.05)
        assert not any(t.done() for t in tasks) and stored(engine) == set()  # none answered before the commit
        tasks[0].cancel()  # a request that goes away: its row is written all the same, no one is told
        gate.opened.set()
        await asyncio.gather(*tasks[1:])
        assert first.result(30) is None
        writer.close()

    asyncio.run(main())
    assert wakes == [10]  # one wake-up of the loop for the ten requests of the second transaction
    assert stored(engine) == {f"{i:032x}" for i in range(11)}

