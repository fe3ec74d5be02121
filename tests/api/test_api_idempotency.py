"""Idempotency-Key as Stripe defines it (issue 10 §6): bound to owner, endpoint, query and body; 409 on
mismatch; 24 h expiry; honoured by :batch; concurrent first uses run once. SQLite and PostgreSQL."""
from __future__ import annotations

import copy
import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text

from advisor_api.openapi import examples
from api_apps import app_client

GOOD = examples()["v02-contract-band"]["value"]
OTHER = examples()["v15-gba-hk"]["value"]


def key(k):
    return {"Idempotency-Key": k}


def count(c) -> int:
    with c.app.state.store.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM assessments")).scalar()


def test_the_same_key_with_another_query_is_409_not_a_replay(db_url):
    with app_client(db_url) as c:
        zh = c.post("/v1/assessments", json=GOOD, headers=key("k1"))
        assert zh.status_code == 201
        en = c.post("/v1/assessments?lang=en", json=GOOD, headers=key("k1"))
        assert en.status_code == 409 and en.json()["error"]["errors"][0]["field"] == "header.idempotency-key"
        again = c.post("/v1/assessments", json=GOOD, headers=key("k1"))
        assert again.content == zh.content and again.headers["idempotent-replayed"] == "true"
        assert again.headers["location"] == zh.headers["location"]
        assert count(c) == 1


def test_the_same_key_with_another_body_is_409(db_url):
    with app_client(db_url) as c:
        c.post("/v1/assessments", json=GOOD, headers=key("k"))
        assert c.post("/v1/assessments", json=OTHER, headers=key("k")).status_code == 409


def test_a_key_expires_after_24_hours(db_url):
    with app_client(db_url) as c:
        first = c.post("/v1/assessments", json=GOOD, headers=key("old"))
        with c.app.state.store.engine.begin() as conn:
            conn.execute(text("UPDATE idempotency SET created_at = :t"),
                         {"t": dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=24, minutes=1)})
        later = c.post("/v1/assessments", json=OTHER, headers=key("old"))
        assert later.status_code == 201 and later.json()["id"] != first.json()["id"]
        assert "idempotent-replayed" not in later.headers


def test_a_refused_request_does_not_use_up_its_key(db_url):
    with app_client(db_url) as c:
        bad = copy.deepcopy(GOOD)
        bad["transfers"][0]["personal_info_subjects"] = -5
        assert c.post("/v1/assessments", json=bad, headers=key("fix")).status_code == 422
        assert c.post("/v1/assessments", json=GOOD, headers=key("fix")).status_code == 201


def test_a_retried_batch_is_stored_once(db_url):
    with app_client(db_url) as c:
        body = {"profiles": [GOOD, OTHER, {"company": {}}]}
        first = c.post("/v1/assessments:batch", json=body, headers=key("b1"))
        again = c.post("/v1/assessments:batch", json=body, headers=key("b1"))
        assert first.status_code == again.status_code == 200
        assert again.content == first.content and again.headers["idempotent-replayed"] == "true"
        assert count(c) == 2
        assert c.post("/v1/assessments:batch", json={"profiles": [GOOD]}, headers=key("b1")).status_code == 409


def test_a_key_is_bound_to_its_endpoint(db_url):
    with app_client(db_url) as c:
        one = c.post("/v1/assessments", json=GOOD, headers=key("same"))
        batch = c.post("/v1/assessments:batch", json={"profiles": [GOOD]}, headers=key("same"))
        assert one.status_code == 201 and batch.status_code == 200 and count(c) == 2


def test_concurrent_first_uses_run_once(db_url):
    with app_client(db_url) as c:
        advisor = c.app.state.advisor
        real, calls = advisor.assess, []

        def slow(profile, **kw):
            calls.append(1)
            time.sleep(0.3)
            return real(profile, **kw)

        advisor.assess = slow
        barrier = threading.Barrier(6)

        def go(_):
            barrier.wait()
            return c.post("/v1/assessments", json=GOOD, headers=key("race"))

        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(go, range(6)))
        assert {r.status_code for r in answers} == {201}
        assert len({r.content for r in answers}) == 1
        assert len(calls) == 1 and count(c) == 1


def test_an_erased_assessment_is_not_replayed(db_url):
    with app_client(db_url) as c:
        first = c.post("/v1/assessments", json=GOOD, headers=key("gone"))
        assert c.delete(first.headers["location"]).status_code == 204
        again = c.post("/v1/assessments", json=GOOD, headers=key("gone"))
        assert again.status_code == 201 and again.json()["id"] != first.json()["id"]
