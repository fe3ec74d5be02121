"""The OpenAPI document and the server agree (issue 10): what the schema calls valid is accepted, and the
cross-field rules the schema can state are stated (earliest date, zones in the region's province, local lists
and their scenarios, extensions of security assessments only)."""
from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from fastapi.testclient import TestClient

from advisor.regions import default_gazetteer
from advisor_api.config import Settings
from advisor_api.main import create_app
from advisor_api.openapi import day_at_least, places, zone_region_pattern

PROFILE = {"company": {"region": "440305", "sector": "ecommerce"},
           "transfers": [{"id": "t1", "purpose": "customer_service", "personal_info_subjects": 1200,
                          "recipient": {"kind": "third_party", "country": "SG"}}]}


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    with TestClient(create_app(Settings(data_dir=tmp_path_factory.mktemp("truth"))), client=("127.0.0.1", 50000),
                    raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def doc(real):
    return real.get("/openapi.json").json()


def test_day_at_least_matches_exactly_the_days_from_the_bound():
    rng = random.Random(7)
    for start in (dt.date(2022, 9, 1), dt.date(2024, 3, 22), dt.date(2019, 12, 31), dt.date(2000, 1, 9)):
        rx = re.compile(day_at_least(start))
        days = [start, start - dt.timedelta(days=1), start + dt.timedelta(days=1), dt.date(start.year, 12, 31),
                dt.date(start.year, 1, 1), dt.date(1, 1, 1), dt.date(9999, 12, 31)]
        days += [dt.date.fromordinal(rng.randint(1, dt.date(9999, 12, 31).toordinal())) for _ in range(3000)]
        for d in days:
            assert bool(rx.match(d.isoformat())) == (d >= start), (start, d)


def test_zone_patterns_admit_exactly_the_places_of_the_zones_province():
    g = default_gazetteer()
    values = places()
    assert "810000" not in values and "440305" in values  # Hong Kong is not a place a processor is registered in here
    for slug in g.zone_slugs():
        rx, province = re.compile(zone_region_pattern(slug)), g.zone(slug).province
        for v in values:
            assert bool(rx.match(v)) == g.resolve(v).within(province), (slug, v)


def test_the_document_states_the_cross_field_rules(doc, real):
    c = doc["components"]["schemas"]
    earliest = real.app.state.advisor.pack.meta.earliest_as_of
    assert c["Profile"]["properties"]["as_of"]["anyOf"][0]["pattern"] == day_at_least(earliest)
    assert any("qianhai" in b["properties"]["zones"]["items"]["enum"] for b in c["Company"]["allOf"][-1]["anyOf"][1:])
    lists = c["LocalList"]["properties"]["id"]["enum"]
    assert lists and all(real.app.state.advisor.pack.catalogue.by_id[i].list_rules is not None for i in lists)
    assert c["Transfer"]["properties"]["personal_info_subjects"]["minimum"] == 0
    assert c["Approval"]["allOf"][0]["then"] == {"properties": {"mechanism": {"const": "security_assessment"}}}
    credit = c["Company"]["properties"]["credit_code"]["anyOf"][0]
    assert "check character" in credit["description"] and credit["pattern"].startswith("^ *[0-9A-H")
    reassess = doc["paths"]["/v1/assessments/{id}:reassess"]["post"]["requestBody"]
    assert reassess["required"] is False
    assert reassess["content"]["application/json"]["schema"]["properties"]["as_of"]["pattern"] == day_at_least(earliest)
    for path in ("/v1/deadlines", "/v1/measures"):
        params = {p["name"]: p for p in doc["paths"][path]["get"]["parameters"]}
        day = params["before" if path == "/v1/deadlines" else "as_of"]["schema"]
        assert "date" in str(day), day


def test_integral_numbers_are_integers(real):
    body = {**PROFILE, "transfers": [{**PROFILE["transfers"][0], "personal_info_subjects": 1200.0}]}
    r = real.post("/v1/assessments", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["transfers"][0]["pathway"] == real.post("/v1/assessments", json=PROFILE).json()["transfers"][0]["pathway"]
    body["transfers"][0]["personal_info_subjects"] = 1200.5
    r = real.post("/v1/assessments", json=body)
    assert r.status_code == 422 and r.json()["error"]["errors"][0]["field"] == "transfers.0.personal_info_subjects"


def test_dates_in_queries_are_yyyy_mm_dd_only(real):
    for path, name in (("/v1/deadlines", "before"), ("/v1/deadlines.ics", "before"), ("/v1/measures", "as_of")):
        assert real.get(path, params={name: "2027-06-30"}).status_code == 200
        for bad in ("000000000", "20270630", "2027-W26-3", "2027-02-30", "0"):
            r = real.get(path, params={name: bad})
            assert r.status_code == 422, (path, bad)
            assert r.json()["error"]["errors"][0]["field"] == f"query.{name}"


def test_reassess_takes_no_body_an_empty_object_or_a_date(real):
    made = real.post("/v1/assessments", json=PROFILE).json()["id"]
    assert real.post(f"/v1/assessments/{made}:reassess").status_code == 201
    assert real.post(f"/v1/assessments/{made}:reassess", json={}).status_code == 201
    assert real.post(f"/v1/assessments/{made}:reassess", json={"as_of": "2026-11-27"}).status_code == 201
    r = real.post(f"/v1/assessments/{made}:reassess", json={"as_of": "2026-11-31"})
    assert r.status_code == 422 and r.json()["error"]["errors"][0]["field"] == "body.as_of"
    r = real.post(f"/v1/assessments/{made}:reassess", content=b"as_of=2026-11-27",
                  headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415


def test_a_zone_outside_the_region_is_an_empty_answer_with_the_reason(real):
    r = real.get("/v1/measures", params={"region": "110000", "zone": "zhejiang-ftz"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["measures"] == [] and "zhejiang-ftz" in body["notes"][0] and "Zhejiang" in body["notes"][0]
    inside = real.get("/v1/measures", params={"region": "330100", "zone": "zhejiang-ftz"}).json()
    assert inside["notes"] == [] and inside["measures"]


def test_the_credit_code_check_character_is_still_refused(real):
    good = {**PROFILE, "company": {**PROFILE["company"], "credit_code": "91350100M000100Y43"}}
    assert real.post("/v1/assessments", json=good).status_code == 201
    bad = {**PROFILE, "company": {**PROFILE["company"], "credit_code": "91350100M000100Y44"}}
    r = real.post("/v1/assessments", json=bad)
    assert r.status_code == 422 and r.json()["error"]["errors"][0]["field"] == "company.credit_code"


def test_every_country_code_the_schema_lists_is_accepted_and_no_other(doc, real):
    """ST202 found `AH` (two capitals, not ISO) called valid by a bare ^[A-Z]{2}$: the schema lists the codes."""
    codes = doc["components"]["schemas"]["Recipient"]["properties"]["country"]["enum"]
    assert "SG" in codes and "AH" not in codes and len(codes) > 200
    for code in codes:
        profile = {**PROFILE, "transfers": [{**PROFILE["transfers"][0], "recipient": {"kind": "third_party", "country": code}}]}
        r = real.post("/v1/assessments", json=profile)
        assert r.status_code == 201, (code, r.text[:300])
    profile = {**PROFILE, "transfers": [{**PROFILE["transfers"][0], "recipient": {"kind": "third_party", "country": "AH"}}]}
    r = real.post("/v1/assessments", json=profile)
    assert r.status_code == 422 and "transfers.0.recipient.country" in r.text


def test_an_approval_needs_a_date_in_the_schema_as_on_the_server(doc, real):
    rule = doc["components"]["schemas"]["Approval"]["allOf"][-1]["anyOf"]
    assert {tuple(b["required"]) for b in rule} == {("issued_on",), ("effective_on",)}
    assert all(b["properties"][b["required"][0]] == {"type": "string"} for b in rule)  # null is no date
    base = {**PROFILE, "transfers": [{**PROFILE["transfers"][0], "personal_info_subjects": 150000}]}
    for approval, status in (({"effective_on": None}, 422), ({}, 422), ({"effective_on": "2026-01-05"}, 201),
                             ({"issued_on": "2026-01-05", "effective_on": None}, 201)):
        body = {**base, "approvals": [{"mechanism": "standard_contract", "transfer": "t1", **approval}]}
        r = real.post("/v1/assessments", json=body)
        assert r.status_code == status, (approval, r.text[:300])
        if status == 422:
            assert "approvals.0" in r.text
