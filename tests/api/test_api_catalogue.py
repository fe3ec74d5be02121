"""Measures, rules, health, OpenAPI and docs; a broken pack stops start-up."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from advisor.errors import PackError
from advisor_api.main import create_app


def test_measures_are_filtered_by_region_and_sector(client):
    every = client.get("/v1/measures").json()["measures"]
    tianjin = client.get("/v1/measures", params={"region": "120116"}).json()["measures"]
    assert len(every) == 2 and [m["id"] for m in tianjin] == ["tianjin-negative-list"]
    assert client.get("/v1/measures", params={"region": "120116", "sector": "retail"}).json() == {"measures": [], "notes": []}


def test_an_unknown_region_filter_is_422_naming_it(client):
    r = client.get("/v1/measures", params={"region": "atlantis"})
    assert r.status_code == 422 and r.json()["error"]["errors"] == [
        {"field": "region", "message": "unknown region", "value": "atlantis"}]


def test_a_bad_as_of_is_422_naming_the_query_parameter(client):
    r = client.get("/v1/measures", params={"as_of": "2026-13-45"})
    assert r.status_code == 422 and r.json()["error"]["errors"][0]["field"] == "query.as_of"


def test_rules_list_version_digest_and_every_rule(client):
    body = client.get("/v1/rules").json()
    assert body["digest"] == client.app.state.advisor.rulepack["digest"]
    assert body["rules"][0]["id"] == "fake.rule" and set(body["rules"][0]["title"]) == {"zh", "en"}


def test_healthz_gives_the_rule_pack_digest(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["rulepack"] == client.app.state.advisor.rulepack


def test_healthz_is_503_in_the_error_shape_when_the_database_is_gone(client):
    client.app.state.store.engine.dispose()
    from sqlalchemy import create_engine

    client.app.state.store.engine = create_engine("sqlite:////nonexistent/dir/x.db")
    r = client.get("/healthz")
    assert r.status_code == 503 and r.json()["error"]["type"] == "unavailable"


def test_openapi_carries_golden_case_examples_and_the_profile_schema(client):
    doc = client.get("/openapi.json").json()
    body = doc["paths"]["/v1/assessments"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/Profile"}
    assert body["examples"]["v15-gba-hk"]["value"]["company"]["region"] == "440305"
    assert "transfers" in doc["components"]["schemas"]["Profile"]["properties"]
    for path in ["/v1/assessments/{id}", "/v1/assessments:batch", "/v1/measures", "/v1/rules", "/healthz"]:
        assert path in doc["paths"]
    assert client.get("/docs").status_code == 200


def test_an_unknown_path_and_method_answer_in_the_error_shape(client):
    assert client.get("/v1/nothing").json()["error"]["type"] == "not_found"
    r = client.put("/v1/assessments")
    assert r.status_code == 405 and r.json()["error"]["type"] == "method_not_allowed"


def test_an_unexpected_crash_is_a_500_without_a_stack_trace(client):
    def boom(*_a, **_k):
        raise RuntimeError("secret internals at /srv/x.py line 3")

    client.app.state.advisor.assess = boom
    r = client.post("/v1/assessments", json={"company": {}})
    assert r.status_code == 500
    assert r.json()["error"]["type"] == "internal_error" and "secret" not in r.text and "Traceback" not in r.text


def test_a_broken_rule_pack_stops_start_up_with_the_loaders_message(settings):
    def broken():
        raise PackError("rules/national/x.yaml", "unknown key 'whne'", rule="cn.x")

    app = create_app(settings.model_copy(update={"advisor_loader": broken}))
    with pytest.raises(PackError, match="rules/national/x.yaml, rule cn.x"):
        with TestClient(app):
            pass
