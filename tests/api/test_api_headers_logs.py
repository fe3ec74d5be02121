"""Security headers on every response, CORS off unless configured, logs without bodies or tokens
(issue 10 §8, §10)."""
from __future__ import annotations

import copy
import logging
import re

import pytest

from advisor_api.middleware import RedactTokens
from advisor_api.openapi import examples
from api_apps import app_client

GOOD = examples()["v02-contract-band"]["value"]


@pytest.mark.parametrize("method,path", [("get", "/"), ("get", "/measures"), ("get", "/v1/rules"),
                                         ("get", "/v1/assessments/nope"), ("get", "/healthz"),
                                         ("get", "/openapi.json"), ("get", "/static/app.js"), ("get", "/nowhere"),
                                         ("post", "/v1/assessments")])
def test_every_response_has_the_security_headers(client, method, path):
    r = client.request(method, path)
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "same-origin"
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])


def test_the_pages_csp_allows_its_own_assets_and_nothing_inline(client):
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "unsafe-inline" not in csp
    assert "<script>" not in page.text and " style=" not in page.text and " onclick=" not in page.text
    for src in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        assert client.get(src).status_code == 200


def test_api_answers_are_not_cached(client):
    assert client.post("/v1/assessments", json=GOOD).headers["cache-control"] == "no-store"


def test_cors_is_off_by_default(client):
    r = client.options("/v1/assessments", headers={"Origin": "https://app.example",
                                                   "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in r.headers


def test_cors_allows_only_the_named_origins(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    with app_client(url, cors_origins=("https://app.example",)) as c:
        pre = c.options("/v1/assessments", headers={"Origin": "https://app.example",
                                                    "Access-Control-Request-Method": "POST",
                                                    "Access-Control-Request-Headers": "authorization,content-type"})
        assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "https://app.example"
        other = c.get("/v1/rules", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_an_error_is_logged_once_with_request_id_and_field_paths_never_the_body_or_token(client, caplog):
    token = client.app.state.keys.create("alice")
    bad = copy.deepcopy(GOOD)
    bad["company"]["name"] = "SECRET-COMPANY-NAME"
    bad["transfers"][0]["personal_info_subjects"] = -987654
    with caplog.at_level(logging.INFO, logger="api"):
        r = client.post("/v1/assessments", json=bad, headers={"Authorization": f"Bearer {token}",
                                                              "X-Request-ID": "trace-1"})
    assert r.status_code == 422 and r.json()["error"]["request_id"] == "trace-1"
    lines = [rec.getMessage() for rec in caplog.records if rec.name == "api"]
    assert len(lines) == 1
    assert "request_id=trace-1" in lines[0] and "transfers.0.personal_info_subjects" in lines[0]
    for secret in ("SECRET-COMPANY-NAME", "987654", token):
        assert secret not in caplog.text


def test_a_bad_request_id_from_the_client_is_replaced(client):
    r = client.get("/v1/rules", headers={"X-Request-ID": "bad id\twith space"})
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])


def test_the_access_log_redacts_tokens_in_paths(client):
    assert any(isinstance(f, RedactTokens) for f in logging.getLogger("uvicorn.access").filters)
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "GET", "/v1/assessments/adv_abcdefghijklmnop?token=s3cret&lang=en&key=k",
                                "1.1", 200), None)
    RedactTokens().filter(record)
    line = record.getMessage()
    assert "adv_abcdefghijklmnop" not in line and "s3cret" not in line and "key=k" not in line
    assert "lang=en" in line and "adv_[redacted]" in line
