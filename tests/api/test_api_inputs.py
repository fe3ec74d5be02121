"""Every input is accepted or refused with a field path, never a 5xx (issue 10 §4, §7)."""
from __future__ import annotations

import asyncio
import copy
import json
import logging

import pytest
from sqlalchemy import text

from advisor_api.middleware import Guard
from advisor_api.openapi import examples

GOOD = examples()["v02-contract-band"]["value"]
JSON = {"Content-Type": "application/json"}


def post(client, raw: str | bytes, path: str = "/v1/assessments", headers=JSON):
    return client.post(path, content=raw.encode() if isinstance(raw, str) else raw, headers=headers)


def with_name(name_json: str) -> str:
    """GOOD with company.name replaced by a raw JSON string literal (escapes kept as written)."""
    return json.dumps(GOOD).replace(json.dumps(GOOD["company"]["name"]), name_json)


def fields(r) -> list[str]:
    return [e["field"] for e in r.json()["error"]["errors"]]


@pytest.mark.parametrize("literal", [r'"\ud800"', r'"abc\udfff"', r'"\udc00\ud800"'])
def test_a_lone_surrogate_is_422_naming_the_field(client, literal):
    r = post(client, with_name(literal))
    assert r.status_code == 422 and fields(r) == ["company.name"]
    assert "surrogate" in r.json()["error"]["errors"][0]["message"]


def test_a_lone_surrogate_in_a_key_or_an_unknown_field_is_422_not_500(client):
    body = json.dumps(GOOD)[:-1] + r', "x\ud800": 1, "y": "\udbff"}'
    r = post(client, body)
    assert r.status_code == 422 and "y" in fields(r)


@pytest.mark.parametrize("name", ["A\nB", "A\rB", "A\tB", "A\x00B", "A\x1bB", "A\u2028B", "A\u202eB", "A\x85B"])
def test_control_characters_in_names_are_422(client, name):
    r = post(client, with_name(json.dumps(name)))
    assert r.status_code == 422 and fields(r) == ["company.name"]


def test_an_unknown_field_holding_a_400_deep_object_is_422_naming_it(client):
    deep = "[" * 400 + "]" * 400
    r = post(client, json.dumps(GOOD)[:-1] + f', "extra": {deep}}}')
    assert r.status_code == 422 and fields(r)[0].startswith("extra.0.0")
    assert "nested deeper" in r.json()["error"]["errors"][0]["message"]
    deep_obj = '{"a":' * 400 + "1" + "}" * 400
    r = post(client, json.dumps(GOOD)[:-1] + f', "extra": {deep_obj}}}')
    assert r.status_code == 422


def test_an_echoed_deep_value_cannot_break_the_error(client):
    bad = copy.deepcopy(GOOD)
    nested: list = []
    for _ in range(25):
        nested = [nested]
    bad["company"]["sector"] = nested
    r = client.post("/v1/assessments", json=bad)
    assert r.status_code == 422 and "company.sector" in fields(r)


def test_duplicate_keys_are_422_naming_the_path(client):
    raw = json.dumps(GOOD).replace('"ciio": false', '"ciio": false, "ciio": true')
    r = post(client, raw)
    assert r.status_code == 422 and fields(r) == ["company.ciio"]
    assert r.json()["error"]["errors"][0]["message"] == "duplicate key"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_utf16_and_utf32_bodies_are_400(client, encoding):
    r = post(client, json.dumps(GOOD).encode(encoding))
    assert r.status_code == 400 and r.json()["error"]["type"] == "malformed_json"


@pytest.mark.parametrize("ctype", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                                   "application/json; charset=utf-16", "application/jsonx", "text/json"])
@pytest.mark.parametrize("path", ["/v1/assessments", "/v1/assessments:batch"])
def test_only_utf8_application_json_is_accepted(client, ctype, path):
    body = json.dumps(GOOD if path == "/v1/assessments" else {"profiles": [GOOD]}).encode()
    r = client.post(path, content=body, headers={} if ctype is None else {"Content-Type": ctype})
    assert r.status_code == 415 and fields(r) == ["header.content-type"]
    with client.app.state.store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM assessments")).scalar() == 0


def test_application_json_with_utf8_charset_is_accepted(client):
    r = client.post("/v1/assessments", content=json.dumps(GOOD).encode(),
                    headers={"Content-Type": "Application/JSON; charset=UTF-8"})
    assert r.status_code == 201


@pytest.mark.parametrize("query,field", [("as_of=0", "query.as_of"), ("as_of=2026-02-30", "query.as_of"),
                                         ("as_of=20261127", "query.as_of"), ("regoin=310115", "query.regoin")])
def test_query_parameters_are_validated(client, query, field):
    r = client.get(f"/v1/measures?{query}")
    assert r.status_code == 422 and field in fields(r)


def test_an_unknown_query_parameter_on_a_post_is_422(client):
    r = client.post("/v1/assessments?langg=en", json=GOOD)
    assert r.status_code == 422 and fields(r) == ["query.langg"]


def test_a_batch_keeps_every_good_slot_when_one_holds_a_surrogate_or_deep_nesting(client):
    good = json.dumps(GOOD)
    bad_name = with_name(r'"\ud800"')
    deep = good[:-1] + ', "x": ' + "[" * 100 + "]" * 100 + "}"
    dup = good.replace('"ciio": false', '"ciio": false, "ciio": false')
    r = post(client, '{"profiles": [' + ",".join([good, bad_name, good, deep, dup]) + "]}", "/v1/assessments:batch")
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [("id" in x) for x in results] == [True, False, True, False, False]
    assert results[1]["error"]["errors"][0]["field"] == "profiles.1.company.name"
    assert results[3]["error"]["errors"][0]["field"].startswith("profiles.3.x")
    assert results[4]["error"]["errors"][0]["field"] == "profiles.4.company.ciio"
    for x in (results[0], results[2]):
        assert client.get(f"/v1/assessments/{x['id']}").json() == x


def test_a_batch_with_a_problem_outside_the_profiles_is_422(client):
    r = post(client, '{"profiles": [], "profiles": []}', "/v1/assessments:batch")
    assert r.status_code == 422 and fields(r) == ["profiles"]


def test_a_500_is_answered_in_the_error_shape_and_not_re_raised(caplog):
    """Starlette's error middleware re-raises after answering, so uvicorn closed the keep-alive connection."""
    async def boom(scope, receive, send):
        raise UnicodeEncodeError("utf-8", "secret body text \ud800", 17, 18, "surrogates not allowed")

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "method": "POST", "path": "/v1/assessments", "headers": [(b"x-request-id", b"req-42")]}
    with caplog.at_level(logging.INFO, logger="api"):
        asyncio.run(Guard(boom)(scope, receive, send))  # does not raise
    assert sent[0]["status"] == 500 and b"req-42" in sent[1]["body"]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "request_id=req-42" in lines[0] and "UnicodeEncodeError" in lines[0]
    assert "secret" not in lines[0]


def test_after_a_500_the_same_connection_keeps_working(client):
    def boom(*_a, **_k):
        raise RuntimeError("secret internals")

    real = client.app.state.advisor.assess
    client.app.state.advisor.assess = boom
    r = client.post("/v1/assessments", json=GOOD)
    assert r.status_code == 500 and r.json()["error"]["request_id"] == r.headers["x-request-id"]
    client.app.state.advisor.assess = real
    assert client.post("/v1/assessments", json=GOOD).status_code == 201


@pytest.mark.parametrize("path", ["/v1/assessments?credit_code=A&credit_code=B", "/v1/assessments?limit=5&limit=6"])
def test_a_query_parameter_given_twice_is_422_naming_it(client, path):
    r = client.get(path)
    assert r.status_code == 422
    field = r.json()["error"]["errors"][0]["field"]
    assert field in ("query.credit_code", "query.limit") and "more than once" in r.json()["error"]["message"]
