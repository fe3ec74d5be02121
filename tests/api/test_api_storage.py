"""AssessmentStore and KeyStore against SQLite (WAL) and a real PostgreSQL server."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import inspect, text

from advisor_api.storage import AssessmentStore, KeyStore, make_engine, upgrade
from advisor_api.storage.keys import KeyNameError

RESULT = {"schema_version": 1, "overall": "exempt", "rulepack": {"version": "v9", "digest": "sha256:abc"},
          "transfers": [{"id": "t1", "explanation": {"zh": "中文", "en": "text"}}]}
PROFILE = {"company": {"name": "示例", "region": "310115"}}


@pytest.fixture
def engine(db_url):
    upgrade(db_url)
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


def test_migrations_create_the_tables_and_can_run_twice(db_url, engine):
    upgrade(db_url)
    tables = set(inspect(engine).get_table_names())
    assert {"assessments", "api_keys", "alembic_version"} <= tables


def test_create_then_get_returns_the_result_with_its_id(engine):
    store = AssessmentStore(engine)
    created = store.create(PROFILE, RESULT, owner=None, idempotency_key=None)
    assert created == {"id": created["id"], **RESULT}
    assert store.get(created["id"], None) == created
    assert store.get("missing", None) is None


def test_input_output_digest_owner_and_time_are_stored(engine):
    store = AssessmentStore(engine)
    created = store.create(PROFILE, RESULT, owner="alice", idempotency_key=None)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM assessments WHERE id = :i"), {"i": created["id"]}).mappings().one()
    assert row["created_by"] == "alice" and row["rulepack_digest"] == "sha256:abc"
    assert row["rulepack_version"] == "v9" and row["created_at"] is not None
    assert '"示例"' in row["profile"] and row["input_digest"].startswith("sha256:")


def test_an_owner_sees_only_their_own(engine):
    store = AssessmentStore(engine)
    mine = store.create(PROFILE, RESULT, owner="alice", idempotency_key=None)["id"]
    anon = store.create(PROFILE, RESULT, owner=None, idempotency_key=None)["id"]
    assert store.get(mine, "alice") is not None
    assert store.get(mine, "bob") is None and store.get(mine, None) is None
    assert store.get(anon, "alice") is None and store.get(anon, None) is not None


def test_racing_requests_with_one_idempotency_key_store_one_row(engine):
    store = AssessmentStore(engine)
    ids, barrier = [], threading.Barrier(8)

    def post():
        barrier.wait()
        ids.append(store.create(PROFILE, RESULT, owner="a", idempotency_key="same")["id"])

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 8 and len(set(ids)) == 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM assessments")).scalar() == 1


def test_a_batch_is_stored_in_one_go(engine):
    store = AssessmentStore(engine)
    saved = store.save_many([(PROFILE, RESULT)] * 5, owner="a")
    assert len({s.id for s in saved}) == 5 and all(store.get(s.id, "a") for s in saved)


def test_keys_are_issued_listed_and_revoked(engine):
    keys = KeyStore(engine, cache_seconds=0)
    token = keys.create("acme")
    assert keys.owner_for(token) == "acme" and keys.owner_for(token + "x") is None
    with pytest.raises(KeyNameError, match="already exists"):
        keys.create("acme")
    with pytest.raises(KeyNameError, match="key name"):
        keys.create("bad name!")
    keys.revoke("acme")
    assert keys.owner_for(token) is None and keys.list()[0]["revoked_at"] is not None
    with pytest.raises(KeyNameError, match="no active key"):
        keys.revoke("acme")


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path):
    url = f"sqlite:///{tmp_path / 'd' / 'advisor.db'}"
    upgrade(url)
    eng = make_engine(url)
    with eng.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    eng.dispose()
