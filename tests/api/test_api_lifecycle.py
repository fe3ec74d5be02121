"""Listing and erasing stored assessments, retention (issue 10 §11). SQLite and PostgreSQL."""
from __future__ import annotations

import argparse
import copy
import datetime as dt

import pytest
from sqlalchemy import text

from advisor_api import cli
from advisor_api.config import Settings
from advisor_api.openapi import examples
from advisor_api.retention import purge
from advisor_api.storage import AssessmentStore, make_engine, upgrade
from api_apps import app_client, bearer

GOOD = examples()["v02-contract-band"]["value"]


def named(name: str, pi: int = 150_000) -> dict:
    p = copy.deepcopy(GOOD)
    p["company"]["name"] = name
    p["transfers"][0]["personal_info_subjects"] = pi
    return p


def age(c, id: str, days: float) -> None:
    with c.app.state.store.engine.begin() as conn:
        conn.execute(text("UPDATE assessments SET created_at = :t WHERE id = :i"),
                     {"t": dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days), "i": id})


def test_list_is_own_newest_first_with_cursor_pages(db_url):
    with app_client(db_url) as c:
        alice, bob = c.app.state.keys.create("alice"), c.app.state.keys.create("bob")
        ids = [c.post("/v1/assessments", json=named(f"co{i}"), headers=bearer(alice)).json()["id"] for i in range(5)]
        c.post("/v1/assessments", json=named("bobco"), headers=bearer(bob))
        seen, cursor = [], None
        while True:
            r = c.get("/v1/assessments", params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                      headers=bearer(alice))
            assert r.status_code == 200
            page = r.json()
            seen += [a["id"] for a in page["assessments"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == ids[::-1]
        first = c.get("/v1/assessments", headers=bearer(alice)).json()["assessments"][0]
        assert first["company"]["name"] == "co4" and first["overall"] == "standard_contract_or_certification"
        assert first["links"]["self"] == f"/v1/assessments/{ids[-1]}"


def test_list_filters_by_date_overall_and_company(db_url):
    with app_client(db_url) as c:
        small = c.post("/v1/assessments", json=named("A", 10)).json()["id"]
        big = c.post("/v1/assessments", json=named("B", 150_000)).json()["id"]
        age(c, small, 10)

        def ids(**q):
            r = c.get("/v1/assessments", params=q)
            assert r.status_code == 200, r.text
            return [a["id"] for a in r.json()["assessments"]]

        assert ids(overall="exempt") == [small]
        assert ids(company="B") == [big]
        since = (dt.date.today() - dt.timedelta(days=2)).isoformat()
        assert ids(created_from=since) == [big] and ids(created_to=since) == [small]
        assert c.get("/v1/assessments", params={"overall": "nope"}).status_code == 422
        assert c.get("/v1/assessments", params={"created_from": "0"}).status_code == 422
        assert c.get("/v1/assessments", params={"cursor": "garbage"}).status_code == 422


def test_delete_is_204_then_404_everywhere(db_url):
    with app_client(db_url) as c:
        created = c.post("/v1/assessments", json=GOOD)
        path = created.headers["location"]
        r = c.delete(path)
        assert r.status_code == 204 and r.content == b""
        for suffix in ("", ".md", ".ics", ".docx"):
            assert c.get(path + suffix).status_code == 404
        assert c.delete(path).status_code == 404
        assert c.get("/v1/assessments").json()["assessments"] == []
        with c.app.state.store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM assessments")).scalar() == 0


def test_one_key_cannot_delete_anothers(db_url):
    with app_client(db_url) as c:
        alice, bob = c.app.state.keys.create("alice"), c.app.state.keys.create("bob")
        path = c.post("/v1/assessments", json=GOOD, headers=bearer(alice)).headers["location"]
        assert c.delete(path, headers=bearer(bob)).status_code == 404
        assert c.delete("/v1/assessments", params={"company": GOOD["company"]["name"]},
                        headers=bearer(bob)).json() == {"deleted": 0}
        assert c.get(path, headers=bearer(alice)).status_code == 200


def test_delete_everything_of_one_company(db_url):
    with app_client(db_url) as c:
        for name in ("Keep", "Erase", "Erase"):
            c.post("/v1/assessments", json=named(name))
        r = c.delete("/v1/assessments", params={"company": "Erase"})
        assert r.status_code == 200 and r.json() == {"deleted": 2}
        assert [a["company"]["name"] for a in c.get("/v1/assessments").json()["assessments"]] == ["Keep"]
        assert c.delete("/v1/assessments").json() == {"deleted": 0}  # no filter: nothing, never "all"
        assert c.delete("/v1/assessments", params={"company": "Keep", "credit_code": "y"}).json() == {"deleted": 0}


def test_delete_by_credit_code(db_url):
    upgrade(db_url)
    store = AssessmentStore(make_engine(db_url))
    result = {"overall": "exempt", "rulepack": {"version": "1", "digest": "d"}}
    mine = {"company": {"name": "X", "credit_code": "91310115MA1K3YJ123"}}
    store.create(mine, result, "alice")
    store.create(mine, result, "bob")
    store.create({"company": {"name": "X"}}, result, "alice")
    assert store.delete_company("alice", credit_code="91310115MA1K3YJ123") == 1
    assert len(store.list("alice")[0]) == 1 and len(store.list("bob")[0]) == 1
    store.engine.dispose()


def test_retention_purges_page_records_by_default_and_api_records_only_when_set(db_url):
    with app_client(db_url) as c:
        settings = c.app.state.settings
        api_old = c.post("/v1/assessments", json=GOOD).json()["id"]
        page_old = c.app.state.page_store.create(GOOD, {"overall": "exempt"}, "helpdesk")["id"]
        page_new = c.app.state.page_store.create(GOOD, {"overall": "exempt"}, "helpdesk")["id"]
        age(c, api_old, 400)
        age(c, page_old, settings.page_retention_days + 1)
        done = purge(settings, c.app.state.store, c.app.state.page_store, c.app.state.jobs.store)
        assert done["page"] == 1 and done["api"] == 0
        assert c.app.state.page_store.get(page_new, "helpdesk") is not None
        assert c.get(f"/v1/assessments/{api_old}").status_code == 200
        done = purge(settings.model_copy(update={"retention_days": 365}), c.app.state.store, c.app.state.page_store,
                     c.app.state.jobs.store)
        assert done["api"] == 1 and c.get(f"/v1/assessments/{api_old}").status_code == 404


def test_retention_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ADVISOR_RETENTION_DAYS", "90")
    monkeypatch.setenv("ADVISOR_PAGE_RETENTION_DAYS", "7")
    s = Settings.from_env()
    assert (s.retention_days, s.page_retention_days) == (90, 7)
    monkeypatch.delenv("ADVISOR_RETENTION_DAYS")
    assert Settings.from_env().retention_days is None
    monkeypatch.setenv("ADVISOR_RETENTION_DAYS", "soon")
    with pytest.raises(ValueError, match="ADVISOR_RETENTION_DAYS"):
        Settings.from_env()


def test_advisor_purge_runs_it_by_hand(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("ADVISOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("ADVISOR_RETENTION_DAYS", "30")
    settings = Settings(data_dir=tmp_path)
    upgrade(settings.url)
    store = AssessmentStore(make_engine(settings.url))
    old = store.create(GOOD, {"overall": "exempt"}, None)["id"]
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE assessments SET created_at = :t"),
                     {"t": dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=31)})
    parser = argparse.ArgumentParser(prog="advisor")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["purge", "--data-dir", str(tmp_path)])
    assert args.func(args) == 0
    assert "erased 1 API assessment" in capsys.readouterr().err and store.get(old, None) is None


def test_the_purge_runs_on_its_own(tmp_path):
    import time

    from fastapi.testclient import TestClient

    from advisor_api.main import create_app
    from api_fake import FakeAdvisor

    settings = Settings(data_dir=tmp_path, advisor_loader=FakeAdvisor, purge_every_seconds=0.2, retention_days=1)
    with TestClient(create_app(settings), client=("127.0.0.1", 1)) as c:
        rid = c.post("/v1/assessments", json=GOOD).json()["id"]
        age(c, rid, 2)
        deadline = time.monotonic() + 5
        while c.get(f"/v1/assessments/{rid}").status_code == 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert c.get(f"/v1/assessments/{rid}").status_code == 404
