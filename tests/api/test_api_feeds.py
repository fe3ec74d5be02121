"""The per-key calendar feed (/v1/feeds/{token}/deadlines.ics, no Authorization header) and the exports hold
every client of the key and no one else's; the token rotates, is withdrawn, dies with its key, and never
reaches a log line. SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import logging
import subprocess
import sys

import pytest
from icalendar import Calendar

from advisor_api.middleware import redact
from api_server import ROOT
from portfolio_jobs_support import FILING, OLD_REGIME, PROVISIONS_2024, keyed_app, named

CLIENTS = ["甲公司", "乙公司", "丙公司"]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def api(request, tmp_path):
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_url")
    with keyed_app(tmp_path, url) as c:
        for name in CLIENTS:
            assert c.post("/v1/assessments", json=named(FILING, name), headers=c.alice).status_code == 201
        for profile in (OLD_REGIME, PROVISIONS_2024):
            assert c.post("/v1/assessments", json=profile, headers=c.alice).status_code == 201
        assert c.post("/v1/assessments", json=named(FILING, "鲍勃公司"), headers=c.bob).status_code == 201
        yield c


def companies_in(ics: bytes) -> set[str]:
    cal = Calendar.from_ical(ics)
    return {name for e in cal.walk("VEVENT") for name in CLIENTS + ["鲍勃公司"] if name in str(e["summary"])}


def test_the_feed_holds_every_client_with_a_deadline_and_needs_no_header(api):
    r = api.post("/v1/feeds", headers=api.alice)
    assert r.status_code == 201 and r.json()["url"] == f"/v1/feeds/{r.json()['token']}/deadlines.ics"
    feed = api.get(r.json()["url"])  # no Authorization header
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert companies_in(feed.content) == set(CLIENTS)  # every client of alice's with a deadline, not bob's
    assert feed.content.count(b"BEGIN:VEVENT") == len(
        Calendar.from_ical(api.get("/v1/deadlines.ics", headers=api.alice).content).walk("VEVENT"))
    bobs = api.get(api.post("/v1/feeds", headers=api.bob).json()["url"])
    assert companies_in(bobs.content) == {"鲍勃公司"}
    assert api.get(r.json()["url"] + "?before=2026-12-01").content.count(b"BEGIN:VEVENT") == 0
    assert api.get(r.json()["url"] + "?before=soon").status_code == 422


def test_both_exports_hold_every_client_of_the_key(api):
    from openpyxl import load_workbook

    every = set(CLIENTS) | {"旧规则公司", "新规则公司"}
    rows = list(csv.reader(io.StringIO(api.get("/v1/assessments.csv", headers=api.alice).content.decode("utf-8-sig"))))
    assert {row[0] for row in rows[1:]} == every
    ws = load_workbook(io.BytesIO(api.get("/v1/assessments.xlsx", headers=api.alice).content)).active
    assert {row[0].value for row in ws.iter_rows(min_row=2)} == every


def test_the_token_rotates_is_withdrawn_and_dies_with_its_key(api):
    first = api.post("/v1/feeds", headers=api.alice).json()["url"]
    second = api.post("/v1/feeds", headers=api.alice).json()["url"]
    assert api.get(first).status_code == 404 and api.get(second).status_code == 200
    assert api.delete("/v1/feeds", headers=api.alice).status_code == 204
    assert api.get(second).status_code == 404
    assert api.delete("/v1/feeds", headers=api.alice).status_code == 404
    third = api.post("/v1/feeds", headers=api.alice).json()["url"]
    api.app.state.keys.revoke("alice")
    assert api.get(third).status_code == 404
    for guess in ("/v1/feeds/feed_x/deadlines.ics", "/v1/feeds/adv_abc/deadlines.ics", "/v1/feeds/%00/deadlines.ics"):
        assert api.get(guess).status_code == 404
    assert api.post("/v1/feeds").status_code == 401


def test_feed_tokens_never_reach_the_logs(api, caplog):
    token = api.post("/v1/feeds", headers=api.alice).json()["token"]
    api.delete("/v1/feeds", headers=api.alice)
    with caplog.at_level(logging.INFO):
        assert api.get(f"/v1/feeds/{token}/deadlines.ics?lang=xx").status_code == 422  # an error line is logged
        assert api.get(f"/v1/feeds/{token}/deadlines.ics").status_code == 404
    server = " ".join(r.getMessage() for r in caplog.records if r.name.split(".")[0] in ("api", "uvicorn"))
    assert "/feeds/[redacted]" in server and token not in server  # (the test's own httpx client logs it)
    line = f'127.0.0.1:5000 - "GET /v1/feeds/{token}/deadlines.ics?lang=en HTTP/1.1" 200'
    assert token not in redact(line) and "/v1/feeds/[redacted]/deadlines.ics?lang=en" in redact(line)


def test_advisor_keys_feed_issues_and_withdraws(tmp_path):
    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", "import sys; from advisor.cli import main; sys.exit(main())",
                               "keys", *args, "--data-dir", str(tmp_path)], capture_output=True, text=True, cwd=ROOT)

    assert cli("create", "carol").returncode == 0
    issued = cli("feed", "carol")
    assert issued.returncode == 0 and issued.stdout.startswith("/v1/feeds/feed_")
    with keyed_app(tmp_path, None) as c:
        assert c.get(issued.stdout.strip()).status_code == 200
        assert cli("feed", "carol", "--revoke").returncode == 0
        assert c.get(issued.stdout.strip()).status_code == 404
    missing = cli("feed", "nobody")
    assert missing.returncode == 2 and "nobody" in missing.stderr
