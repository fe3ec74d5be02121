"""The portfolio as a whole: /v1/assessments.csv|.xlsx (one row per transfer, formula injection
neutralised) and /v1/deadlines[.ics] (every upcoming deadline, stable UIDs); a key sees only its own."""
from __future__ import annotations

import csv
import io

import pytest
from portfolio_jobs_support import FILING as FILED
from portfolio_jobs_support import keyed_app, named

# A contract signed 2026-11-20 must be filed within 10 working days (a dated deadline in the calendar), for a
# company whose name would be a formula in a spreadsheet.
FILING = named(FILED, "=HYPERLINK(\"http://x\")")
SMALL = {"as_of": "2026-11-27",
         "company": {"name": "小公司", "region": "310115", "sector": "retail", "ciio": False},
         "transfers": [{"id": "t1", "purpose": "marketing", "recipient": {"kind": "third_party", "country": "US"},
                        "personal_info_subjects": 5000, "sensitive_info_subjects": 0, "important_data": False}]}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def api(request, tmp_path):
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_url")
    with keyed_app(tmp_path, url) as c:
        for profile in (FILING, SMALL):
            assert c.post("/v1/assessments", json=profile, headers=c.alice).status_code == 201
        assert c.post("/v1/assessments", json={**SMALL, "company": {**SMALL["company"], "name": "鲍勃公司"}},
                      headers=c.bob).status_code == 201
        yield c


def test_csv_holds_every_transfer_of_the_callers_clients_in_words(api):
    r = api.get("/v1/assessments.csv", headers=api.alice)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    head, body = rows[0], rows[1:]
    assert head[0] == "公司" and len(body) == 2
    by_company = {row[0]: dict(zip(head, row)) for row in body}
    assert "鲍勃公司" not in by_company  # bob's client is not alice's
    filing = by_company["'=HYPERLINK(\"http://x\")"]  # quoted: no spreadsheet runs it
    assert filing["数据出境"].endswith("客户信息发往新加坡母公司")
    assert "标准合同" in filing["路径"] and filing["期限日期"] == "2026-12-04"
    assert "standard_contract" not in r.text  # words, not codes
    small = by_company["小公司"]
    assert small["豁免情形"] and small["期限日期"] == ""


def test_xlsx_is_the_same_table_with_text_cells(api):
    from openpyxl import load_workbook

    r = api.get("/v1/assessments.xlsx?lang=en", headers=api.alice)
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == "Company" and len(rows) == 3
    names = {row[0] for row in rows[1:]}
    assert names == {"'=HYPERLINK(\"http://x\")", "小公司"}
    assert all(c.data_type == "s" for row in ws.iter_rows() for c in row if c.value is not None)


def test_deadlines_name_client_and_transfer_with_stable_uids(api):
    r = api.get("/v1/deadlines", headers=api.alice)
    assert r.status_code == 200
    ds = r.json()["deadlines"]
    filing = [d for d in ds if d["deadline"] == "standard_contract_filing"]
    assert filing and filing[0]["date"] == "2026-12-04" and filing[0]["transfer"] == "crm"
    assert filing[0]["transfer_name"].endswith("客户信息发往新加坡母公司")
    assert api.get("/v1/deadlines", headers=api.alice).json() == r.json()  # same uids again
    assert api.get("/v1/deadlines?before=2026-12-01", headers=api.alice).json()["deadlines"] == []
    assert api.get("/v1/deadlines", headers=api.bob).json()["deadlines"] == []
    bad = api.get("/v1/deadlines?before=soon", headers=api.alice)
    assert bad.status_code == 422 and "query.before" in bad.text


def test_the_calendar_updates_rather_than_duplicates(api):
    from icalendar import Calendar

    first = Calendar.from_ical(api.get("/v1/deadlines.ics", headers=api.alice).content)
    again = Calendar.from_ical(api.get("/v1/deadlines.ics", headers=api.alice).content)
    uids = [str(e["uid"]) for e in first.walk("VEVENT")]
    assert uids and uids == [str(e["uid"]) for e in again.walk("VEVENT")]
    summary = str(next(iter(first.walk("VEVENT")))["summary"])
    assert "客户信息发往新加坡母公司" in summary and "\n" not in summary


def test_a_key_is_needed(api):
    for path in ("/v1/assessments.csv", "/v1/assessments.xlsx", "/v1/deadlines", "/v1/deadlines.ics"):
        assert api.get(path).status_code == 401


OLD_REGIME = {"as_of": "2023-12-01",
              "company": {"name": "旧规则公司", "region": "310115", "sector": "retail", "ciio": False,
                          "personal_info_processed": 60000},
              "transfers": [{"id": "crm", "purpose": "marketing", "recipient": {"kind": "third_party", "country": "US"},
                             "personal_info_subjects": 50000, "sensitive_info_subjects": 0, "important_data": False}]}


def test_reassess_one_stores_a_new_linked_assessment_and_keeps_the_old(api):
    old = api.post("/v1/assessments", json=OLD_REGIME, headers=api.alice).json()
    assert old["overall"] == "standard_contract_or_certification"
    r = api.post(f"/v1/assessments/{old['id']}:reassess", json={"as_of": "2026-11-27"}, headers=api.alice)
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["id"] != old["id"] and new["reassessed_from"] == old["id"] and new["overall"] == "exempt"
    assert new["as_of"] == "2026-11-27" and r.headers["location"] == f"/v1/assessments/{new['id']}"
    started = {x["rule"] for x in new["changes"]["why"]["rules_started"]}
    assert "cn.exempt.below_threshold" in started
    assert api.get(f"/v1/assessments/{old['id']}", headers=api.alice).json() == old  # unchanged
    assert api.get(f"/v1/assessments/{new['id']}", headers=api.alice).json() == new  # stored as returned
    same = api.post(f"/v1/assessments/{new['id']}:reassess", json={"as_of": "2026-11-27"}, headers=api.alice).json()
    assert same["changes"] is None


def test_reassess_one_refuses_other_tenants_and_bad_input(api):
    old = api.post("/v1/assessments", json=OLD_REGIME, headers=api.alice).json()
    assert api.post(f"/v1/assessments/{old['id']}:reassess", json={}, headers=api.bob).status_code == 404
    assert api.post("/v1/assessments/nope:reassess", json={}, headers=api.alice).status_code == 404
    bad = api.post(f"/v1/assessments/{old['id']}:reassess", json={"as_of": "2026-13-01"}, headers=api.alice)
    assert bad.status_code == 422 and "body.as_of" in bad.text
    bad = api.post(f"/v1/assessments/{old['id']}:reassess", json={"when": "x"}, headers=api.alice)
    assert bad.status_code == 422 and "body.when" in bad.text
    early = api.post(f"/v1/assessments/{old['id']}:reassess", json={"as_of": "2020-01-01"}, headers=api.alice)
    assert early.status_code == 422 and "as_of" in early.text
