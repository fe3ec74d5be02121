"""API keys: open without keys; with keys every /v1 call needs one and each key sees only its own."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from advisor_api.openapi import examples

GOOD = examples()["v02-contract-band"]["value"]


@pytest.fixture
def keys(client):
    store = client.app.state.keys
    return {"alice": store.create("alice"), "bob": store.create("bob")}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_without_keys_the_server_is_open(client):
    assert client.post("/v1/assessments", json=GOOD).status_code == 201
    assert client.get("/v1/rules").status_code == 200


@pytest.mark.parametrize("method,path", [("post", "/v1/assessments"), ("get", "/v1/assessments/x"),
                                         ("post", "/v1/assessments:batch"), ("get", "/v1/measures"),
                                         ("get", "/v1/rules"), ("get", "/v1/assessments/x.md")])
def test_once_a_key_exists_every_v1_call_needs_one(client, keys, method, path):
    r = client.request(method, path, json=GOOD)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert r.json()["error"]["type"] == "unauthorized"


def test_a_wrong_or_non_bearer_key_is_401(client, keys):
    assert client.get("/v1/rules", headers=bearer("adv_nope")).status_code == 401
    assert client.get("/v1/rules", headers={"Authorization": f"Basic {keys['alice']}"}).status_code == 401
    assert client.get("/v1/rules", headers=bearer(keys["alice"])).status_code == 200


def test_healthz_and_openapi_stay_open(client, keys):
    assert client.get("/healthz").status_code == 200 and client.get("/openapi.json").status_code == 200


def test_one_key_cannot_read_anothers_assessment(client, keys):
    created = client.post("/v1/assessments", json=GOOD, headers=bearer(keys["alice"]))
    assert created.status_code == 201
    path = created.headers["location"]
    assert client.get(path, headers=bearer(keys["alice"])).content == created.content
    theirs = client.get(path, headers=bearer(keys["bob"]))
    assert theirs.status_code == 404 and "alice" not in theirs.text
    assert client.get(path + ".md", headers=bearer(keys["bob"])).status_code == 404


def test_idempotency_keys_are_per_api_key(client, keys):
    a = client.post("/v1/assessments", json=GOOD, headers={**bearer(keys["alice"]), "Idempotency-Key": "same"})
    b = client.post("/v1/assessments", json=GOOD, headers={**bearer(keys["bob"]), "Idempotency-Key": "same"})
    assert a.json()["id"] != b.json()["id"]
    assert client.get(b.headers["location"], headers=bearer(keys["alice"])).status_code == 404


def test_the_creator_is_recorded_and_keys_are_stored_only_as_hashes(client, keys):
    client.post("/v1/assessments", json=GOOD, headers=bearer(keys["bob"]))
    with client.app.state.store.engine.connect() as conn:
        assert conn.execute(text("SELECT created_by FROM assessments")).scalar() == "bob"
        stored = [r[0] for r in conn.execute(text("SELECT key_hash FROM api_keys"))]
    assert keys["alice"] not in stored and len(stored) == 2 and all(len(h) == 64 for h in stored)


def test_a_revoked_key_stops_working(client, keys):
    client.app.state.keys.revoke("bob")
    assert client.get("/v1/rules", headers=bearer(keys["bob"])).status_code == 401
    assert client.get("/v1/rules", headers=bearer(keys["alice"])).status_code == 200
