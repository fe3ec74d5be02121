"""GET /v1/schema/{profile,assessment}, the OpenAPI document built on the same strict models, the
server honouring ADVISOR_RULES, and /docs, /redoc served with no CDN."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from advisor.models.assessment import StoredAssessment, validate_assessment
from advisor.packs.loader import digest_of
from advisor.resources import shipped_rules_dir
from advisor.schemas import json_schema
from advisor.service import Advisor
from advisor_api.config import Settings
from advisor_api.main import create_app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "profile.json"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    with TestClient(create_app(Settings(data_dir=tmp_path_factory.mktemp("schema"))), client=("127.0.0.1", 50000),
                    raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("which", ["profile", "assessment"])
def test_schema_routes_give_the_models_schemas(real, which):
    r = real.get(f"/v1/schema/{which}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/schema+json")
    assert r.json() == json.loads(json.dumps(json_schema(which)))
    assert r.json()["additionalProperties"] is False


def test_unknown_schema_is_422_naming_the_choices(real):
    r = real.get("/v1/schema/everything")
    assert r.status_code == 422 and "profile" in r.text and "assessment" in r.text


def test_openapi_assessment_is_the_strict_model(real):
    doc = real.get("/openapi.json").json()
    ref = doc["paths"]["/v1/assessments"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    name = ref["$ref"].rsplit("/", 1)[-1]
    schema = doc["components"]["schemas"][name]
    assert schema["additionalProperties"] is False
    assert {"schema_version", "rulepack", "overall", "transfers", "id", "lang"} <= set(schema["required"])
    assert doc["components"]["schemas"]["TransferResult"]["properties"]["pathway"]["enum"] == [
        "not_outbound", "exempt", "standard_contract_or_certification", "security_assessment"]


def test_what_the_api_returns_validates_against_the_model(real):
    body = real.post("/v1/assessments", json=json.loads(EXAMPLE.read_text(encoding="utf-8"))).json()
    validate_assessment(body, StoredAssessment)
    again = real.get(f"/v1/assessments/{body['id']}").json()
    validate_assessment(again, StoredAssessment)


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_load_nothing_from_outside(real, path):
    page = real.get(path)
    assert page.status_code == 200 and not EXTERNAL.search(page.text), EXTERNAL.findall(page.text)
    assets = re.findall(r"""(?:src|href)=["']?([^"' >]+)""", page.text)
    assert any(a.endswith(".js") for a in assets)
    for asset in assets:
        got = real.get(asset)
        assert got.status_code == 200 and len(got.content) > 0, asset


def test_the_server_uses_the_rules_folder_of_ADVISOR_RULES(tmp_path, monkeypatch):
    mine = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), mine, ignore=shutil.ignore_patterns("__pycache__"))
    path = mine / "national" / "pack.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('version: "', 'version: "mine-', 1), encoding="utf-8")
    monkeypatch.setenv("ADVISOR_RULES", str(mine))
    try:
        with TestClient(create_app(Settings(data_dir=tmp_path / "db")), raise_server_exceptions=False, client=("127.0.0.1", 50000)) as c:
            health = c.get("/healthz").json()
            assert health["rulepack"]["digest"] == digest_of(mine)
            body = c.post("/v1/assessments", json=json.loads(EXAMPLE.read_text(encoding="utf-8"))).json()
            assert body["rulepack"]["version"].startswith("mine-")
    finally:
        monkeypatch.delenv("ADVISOR_RULES")
        Advisor.load()  # the shipped folder again for the rest of the session
