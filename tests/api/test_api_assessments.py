"""POST/GET /v1/assessments and the batch endpoint, with the fake advisor (TestClient)."""
from __future__ import annotations

import copy
import json

import pytest

from advisor_api.openapi import examples

GOOD = examples()["v02-contract-band"]["value"]
BAD = examples()["v20-bad-negative-count"]["value"]


def test_a_valid_profile_is_assessed_stored_and_given_an_id(client):
    r = client.post("/v1/assessments", json=GOOD)
    assert r.status_code == 201
    body = r.json()
    assert len(body["id"]) == 32 and r.headers["location"] == f"/v1/assessments/{body['id']}"
    assert body["overall"] == "standard_contract_or_certification"
    assert body["rulepack"]["digest"].startswith("sha256:")


def test_a_stored_assessment_reads_back_byte_for_byte(client):
    created = client.post("/v1/assessments", json=GOOD)
    read = client.get(created.headers["location"])
    assert read.status_code == 200 and read.content == created.content


def test_an_unknown_id_is_404_in_the_error_shape(client):
    r = client.get("/v1/assessments/0123456789abcdef")
    assert r.status_code == 404
    assert r.json()["error"]["type"] == "not_found" and "0123456789abcdef" in r.json()["error"]["message"]


def test_an_invalid_profile_is_422_naming_every_bad_field_path(client):
    bad = copy.deepcopy(GOOD)
    bad["company"]["sector"] = "piracy"
    bad["transfers"][0]["personal_info_subjects"] = -5
    bad["transfers"][0]["colour"] = "red"
    r = client.post("/v1/assessments", json=bad)
    assert r.status_code == 422
    err = r.json()["error"]
    fields = {e["field"] for e in err["errors"]}
    assert {"company.sector", "transfers.0.personal_info_subjects", "transfers.0.colour"} <= fields
    assert {e["value"] for e in err["errors"] if e["field"] == "company.sector"} == {"piracy"}


def test_the_golden_bad_case_is_refused_with_the_field_named(client):
    r = client.post("/v1/assessments", json=BAD)
    assert r.status_code == 422 and "personal_info_subjects" in r.text


def test_an_invalid_profile_is_not_stored(client):
    client.post("/v1/assessments", json=BAD)
    with client.app.state.store.engine.connect() as conn:
        from sqlalchemy import text
        assert conn.execute(text("SELECT count(*) FROM assessments")).scalar() == 0


@pytest.mark.parametrize("raw", [b"{bad", b"", b"   ", b"\xff\xfe", b'{"as_of": NaN}', b"[" * 100000, b"1e999"])
def test_malformed_json_is_400_never_500(client, raw):
    r = client.post("/v1/assessments", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["type"] == "malformed_json"


@pytest.mark.parametrize("raw", ["[]", "3", '"text"', "null"])
def test_json_that_is_not_an_object_is_422(client, raw):
    r = client.post("/v1/assessments", content=raw.encode(), headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["errors"][0]["field"] == "(body)"


def test_a_body_over_1_mb_is_413(client):
    r = client.post("/v1/assessments", content=b" " * (1024 * 1024 + 1))
    assert r.status_code == 413 and r.json()["error"]["type"] == "body_too_large"


def test_a_streamed_body_over_1_mb_without_length_is_413(client):
    def chunks():
        for _ in range(20):
            yield b" " * 65536

    r = client.post("/v1/assessments", content=chunks())
    assert r.status_code == 413


def test_a_body_just_under_1_mb_is_read(client):
    padded = json.dumps(GOOD).encode()
    padded += b" " * (1024 * 1024 - len(padded))
    assert client.post("/v1/assessments", content=padded, headers={"Content-Type": "application/json"}).status_code == 201


def test_an_unknown_lang_is_422_naming_it(client):
    r = client.post("/v1/assessments?lang=fr", json=GOOD)
    assert r.status_code == 422 and r.json()["error"]["errors"][0]["field"] == "query.lang"


def test_a_repeated_idempotency_key_returns_the_stored_result(client):
    first = client.post("/v1/assessments", json=GOOD, headers={"Idempotency-Key": "k-1"})
    again = client.post("/v1/assessments", json=GOOD, headers={"Idempotency-Key": "k-1"})
    other = client.post("/v1/assessments", json=GOOD, headers={"Idempotency-Key": "k-2"})
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again.headers["idempotent-replayed"] == "true"
    assert other.json()["id"] != first.json()["id"]
    assert client.app.state.advisor.calls == 2  # the replay did not assess again


def test_an_idempotency_key_reused_with_another_profile_is_409(client):
    client.post("/v1/assessments", json=GOOD, headers={"Idempotency-Key": "k"})
    changed = copy.deepcopy(GOOD)
    changed["transfers"][0]["personal_info_subjects"] = 5
    r = client.post("/v1/assessments", json=changed, headers={"Idempotency-Key": "k"})
    assert r.status_code == 409 and r.json()["error"]["type"] == "conflict"


def test_a_batch_answers_in_order_and_an_invalid_profile_spoils_only_its_slot(client):
    small = copy.deepcopy(GOOD)
    small["transfers"][0]["personal_info_subjects"] = 10
    r = client.post("/v1/assessments:batch", json={"profiles": [GOOD, BAD, small, "x"]})
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x.get("overall") for x in results] == ["standard_contract_or_certification", None, "exempt", None]
    assert results[1]["error"]["errors"][0]["field"] == "transfers.0.personal_info_subjects"
    assert results[3]["error"]["errors"][0]["field"] == "profiles.3"
    stored = client.get(f"/v1/assessments/{results[2]['id']}")
    assert stored.json() == results[2]


def test_a_batch_of_1000_is_accepted_and_1001_refused(client):
    ok = client.post("/v1/assessments:batch", json={"profiles": [GOOD] * 1000})
    assert ok.status_code == 200 and len(ok.json()["results"]) == 1000
    over = client.post("/v1/assessments:batch", json={"profiles": [GOOD] * 1001})
    assert over.status_code == 422 and over.json()["error"]["errors"][0] == {
        "field": "profiles", "message": "at most 1000 profiles", "value": 1001}


@pytest.mark.parametrize("payload,field", [({}, "profiles"), ({"profiles": {}}, "profiles"), ([GOOD], "profiles"),
                                           ({"profiles": [], "extra": 1}, "extra")])
def test_a_batch_of_the_wrong_shape_is_422_naming_the_field(client, payload, field):
    r = client.post("/v1/assessments:batch", json=payload)
    assert r.status_code == 422 and r.json()["error"]["errors"][0]["field"] == field


def test_the_advisor_can_be_replaced_by_a_dependency_override(client):
    from advisor_api.deps import get_advisor
    from api_fake import FakeAdvisor

    class Strict(FakeAdvisor):
        def assess(self, raw, *, source=None):
            out = super().assess(raw, source=source)
            return {**out, "overall": "security_assessment"}

    client.app.dependency_overrides[get_advisor] = Strict
    try:
        assert client.post("/v1/assessments", json=GOOD).json()["overall"] == "security_assessment"
    finally:
        client.app.dependency_overrides.clear()
