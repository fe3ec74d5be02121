"""POST /v1/assessments: the fast path (api/fast_create.py) answers the plain successful request exactly as the
FastAPI route does, and hands every other request to the route untouched.

The route is forced by a no-op dependency override (the fast path steps aside whenever overrides are in
force), so each request below is answered by both and the answers compared."""
from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import select

from advisor_api.deps import get_lang
from advisor_api.fast_create import INLINE_BYTES, FastCreate
from advisor_api.openapi import examples
from advisor_api.storage.tables import assessments as T

GOOD = examples()["v02-contract-band"]["value"]
VOLATILE = {"x-request-id", "location", "content-length"}  # differ per request (the id), nothing else may


def fast_path(app) -> FastCreate:
    layer = app.middleware_stack
    while layer is not None and not isinstance(layer, FastCreate):
        layer = getattr(layer, "app", None)
    assert layer is not None, "FastCreate is not in the middleware stack"
    return layer


def by_route(client, **kw):
    client.app.dependency_overrides[get_lang] = get_lang  # changes nothing but the path taken
    try:
        return client.post("/v1/assessments", **kw)
    finally:
        client.app.dependency_overrides.clear()


def without_id(r) -> dict:
    body = r.json()
    body.pop("id", None)
    if "error" in body:
        body["error"].pop("request_id", None)
    return body


def stored(client, id: str) -> dict:
    with client.app.state.store.engine.connect() as conn:
        row = dict(conn.execute(select(T).where(T.c.id == id)).mappings().one())
    return {k: v for k, v in row.items() if k not in ("id", "created_at")} | {"result": json.loads(row["result"])
                                                                              | {"id": None}}


@pytest.mark.parametrize("query", ["", "?lang=en", "?lang=zh"])
def test_the_fast_path_answers_as_the_route_does_and_stores_the_same_row(client, query):
    fast = fast_path(client.app)
    before = fast.answered
    a = client.post("/v1/assessments" + query, json=GOOD)
    assert fast.answered == before + 1
    b = by_route(client, json=GOOD, params=dict([query[1:].split("=")]) if query else None)
    assert fast.answered == before + 1
    assert a.status_code == b.status_code == 201
    assert {k: v for k, v in a.headers.items() if k not in VOLATILE} == \
           {k: v for k, v in b.headers.items() if k not in VOLATILE}
    assert list(a.headers) == list(b.headers)  # same headers in the same order
    assert without_id(a) == without_id(b)
    for r in (a, b):
        assert r.headers["location"] == f"/v1/assessments/{r.json()['id']}"
        assert client.get(r.headers["location"]).content == r.content  # stored byte for byte
    assert stored(client, a.json()["id"]) == stored(client, b.json()["id"])


BAD_REQUESTS = [
    {"content": json.dumps(GOOD), "headers": {"Content-Type": "text/plain"}},
    {"content": json.dumps(GOOD), "headers": {"Content-Type": "application/json; charset=latin-1"}},
    {"content": b"{not json", "headers": {"Content-Type": "application/json"}},
    {"content": b"", "headers": {"Content-Type": "application/json"}},
    {"content": b'{"company": {}, "company": {}}', "headers": {"Content-Type": "application/json"}},
    {"content": b"[1, 2]", "headers": {"Content-Type": "application/json"}},
    {"json": {**GOOD, "company": {**GOOD["company"], "sector": "piracy"}}},
    {"json": {**GOOD, "colour": "red"}},
    {"json": {**GOOD, "company": {**GOOD["company"], "name": "bad\u0000name"}}},
    {"json": GOOD, "params": {"lang": "fr"}},
    {"json": GOOD, "params": {"langg": "en"}},
    {"json": GOOD, "headers": {"X-Forwarded-For": "198.51.100.1"}},  # open mode: local clients only
]
UNUSUAL = [{"json": GOOD, "params": {"lang": ["en", "zh"]}}, {"json": GOOD, "params": {"lang": ""}}]


@pytest.mark.parametrize("request_kw", BAD_REQUESTS + UNUSUAL)
def test_every_refusal_and_every_unusual_request_is_the_routes_own(client, request_kw):
    fast = fast_path(client.app)
    before = fast.answered
    a = client.post("/v1/assessments", **copy.deepcopy(request_kw))
    b = by_route(client, **copy.deepcopy(request_kw))
    assert fast.answered == before  # the fast path answered neither
    assert a.status_code == b.status_code and (a.status_code in (400, 403, 415, 422) or request_kw in UNUSUAL)
    assert without_id(a) == without_id(b)


def test_keys_the_fast_path_takes_a_valid_key_only_and_stores_under_its_name(client):
    fast = fast_path(client.app)
    alice = client.app.state.keys.create("alice")
    bob = client.app.state.keys.create("bob")
    client.app.state.keys._loaded_at = float("-inf")  # re-read the key table now
    before = fast.answered
    for headers in ({}, {"Authorization": "Bearer adv_nope_nope_nope"}, {"Authorization": f"Basic {alice}"},
                    {"Authorization": "Bearer"}):
        r = client.post("/v1/assessments", json=GOOD, headers=headers)
        assert r.status_code == 401 and r.json()["error"]["type"] == "unauthorized"
    assert fast.answered == before
    r = client.post("/v1/assessments", json=GOOD, headers={"Authorization": f"Bearer {alice}"})
    assert r.status_code == 201 and fast.answered == before + 1
    with client.app.state.store.engine.connect() as conn:
        assert conn.execute(select(T.c.created_by).where(T.c.id == r.json()["id"])).scalar_one() == "alice"
    assert client.get(r.headers["location"], headers={"Authorization": f"Bearer {bob}"}).status_code == 404


def test_an_idempotency_key_goes_to_the_route_and_still_replays(client):
    fast = fast_path(client.app)
    before = fast.answered
    first = client.post("/v1/assessments", json=GOOD, headers={"Idempotency-Key": "k1"})
    again = client.post("/v1/assessments", json=GOOD, headers={"Idempotency-Key": "k1"})
    assert fast.answered == before
    assert first.status_code == again.status_code == 201 and first.content == again.content
    assert again.headers["idempotent-replayed"] == "true"


def test_a_large_profile_is_answered_too(client):
    fast = fast_path(client.app)
    big = copy.deepcopy(GOOD)
    big["transfers"] = [copy.deepcopy(GOOD["transfers"][0]) for _ in range(150)]
    assert len(json.dumps(big).encode()) > INLINE_BYTES  # assessed in a worker thread, not on the loop
    before = fast.answered
    a = client.post("/v1/assessments", json=big)
    b = by_route(client, json=big)
    assert fast.answered == before + 1
    assert a.status_code == b.status_code
    assert without_id(a) == without_id(b)


def test_security_headers_and_request_id_on_the_fast_path(client):
    r = client.post("/v1/assessments", json=GOOD, headers={"X-Request-ID": "my-id-1"})
    assert r.status_code == 201 and r.headers["x-request-id"] == "my-id-1"
    assert r.headers["cache-control"] == "no-store" and r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"

