"""The help-desk page's records are not an API owner; its POSTs need a CSRF token, a same-site Origin and
stay under a rate limit (issue 10 §2, §3, §8)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from advisor_api.openapi import examples
from advisor_api.storage import upgrade
from api_apps import app_client, bearer

GOOD = examples()["v02-contract-band"]["value"]


def token(c) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', c.get("/").text).group(1)


def form(c, **extra) -> dict:
    return {"lang": "en", "action": "assess", "company.name": "X", **extra}


def test_no_key_reads_the_pages_records(db_url):
    with app_client(db_url) as c:
        row = c.app.state.page_store.create(GOOD, {"overall": "exempt"}, "helpdesk")
        with pytest.raises(ValueError, match="reserved"):
            c.app.state.keys.create("helpdesk")
        assert c.get(f"/v1/assessments/{row['id']}").status_code == 404  # open mode, owner None
        assert c.get("/v1/assessments").json()["assessments"] == []
        alice = c.app.state.keys.create("alice")
        assert c.get(f"/v1/assessments/{row['id']}", headers=bearer(alice)).status_code == 404
        assert c.delete(f"/v1/assessments/{row['id']}", headers=bearer(alice)).status_code == 404
        assert c.app.state.page_store.get(row["id"], "helpdesk") is not None


def test_old_page_records_move_to_the_page_space_on_upgrade(db_url):
    from alembic import command

    from advisor_api.storage.db import alembic_config, make_engine

    command.upgrade(alembic_config(db_url), "0001")
    engine = make_engine(db_url)
    with engine.begin() as conn:
        for rid, owner in (("p1", "helpdesk"), ("a1", None), ("a2", "alice")):
            conn.execute(text("INSERT INTO assessments (id, created_at, created_by, rulepack_version, rulepack_digest,"
                              " input_digest, profile, result) VALUES (:i, CURRENT_TIMESTAMP, :o, '1', 'd', 'x',"
                              " :p, '{\"overall\": \"exempt\"}')"),
                         {"i": rid, "o": owner, "p": '{"company": {"name": "Acme"}}'})
        conn.execute(text("INSERT INTO api_keys (name, key_hash, created_at) VALUES ('alice', 'h', CURRENT_TIMESTAMP)"))
    upgrade(db_url)
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, space FROM assessments")).all())
        names = dict(conn.execute(text("SELECT id, company_name FROM assessments")).all())
        mode = conn.execute(text("SELECT value FROM server_state WHERE name = 'mode'")).scalar()
    assert rows == {"p1": "page", "a1": "api", "a2": "api"} and names["a1"] == "Acme" and mode == "keyed"
    engine.dispose()


def test_a_post_without_a_token_is_refused_and_nothing_is_stored(db_url):
    with app_client(db_url) as c:
        r = c.post("/", data=form(c), follow_redirects=False)
        assert r.status_code == 403 and "expired" in r.text
        with c.app.state.store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM assessments")).scalar() == 0


def test_a_token_works_only_with_its_own_cookie(client):
    good = token(client)
    ok = client.post("/", data=form(client, csrf_token=good), follow_redirects=False)
    assert ok.status_code in (303, 422)
    client.cookies.clear()
    client.cookies.set("advisor_csrf", "0" * 32)
    assert client.post("/", data=form(client, csrf_token=good), follow_redirects=False).status_code == 403
    forged = "0" * 32 + "." + "f" * 40
    assert client.post("/", data=form(client, csrf_token=forged), follow_redirects=False).status_code == 403


@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"}, {"Origin": "null"},
                                     {"Referer": "https://evil.example/page"}, {"Sec-Fetch-Site": "cross-site"}])
def test_a_cross_site_post_is_refused_even_with_a_token(client, headers):
    t = token(client)
    r = client.post("/", data=form(client, csrf_token=t), headers=headers, follow_redirects=False)
    assert r.status_code == 403


def test_a_same_site_origin_is_accepted(client):
    t = token(client)
    r = client.post("/", data=form(client, csrf_token=t), headers={"Origin": "http://testserver"},
                    follow_redirects=False)
    assert r.status_code in (303, 422)


def test_the_answer_form_is_guarded_too(client):
    assert client.post("/result/abc/answer", data={"field": "x", "value": "y"}).status_code == 403


def test_page_posts_are_rate_limited_per_client(db_url):
    with app_client(db_url, page_posts_per_minute=3) as c:
        t = token(c)
        codes = [c.post("/", data=form(c, csrf_token=t), follow_redirects=False).status_code for _ in range(4)]
        assert codes[:3] != [429] * 3 and codes[3] == 429
        assert c.get("/").status_code == 200  # reading is not limited
        assert c.post("/v1/assessments", json=GOOD).status_code == 201  # the API is not the page


def test_terminals_behind_one_address_each_have_their_own_allowance(db_url):
    """A help desk's terminals share one address (NAT): one browser's limit does not stop the next one; the
    address as a whole has its own, higher limit, which a script fetching a new cookie per POST still meets."""
    with app_client(db_url, page_posts_per_minute=2, page_posts_per_minute_per_address=5) as c:
        def post_as_new_browser() -> int:
            c.cookies.clear()
            t = token(c)
            return c.post("/", data=form(c, csrf_token=t), follow_redirects=False).status_code

        t = token(c)
        first = [c.post("/", data=form(c, csrf_token=t), follow_redirects=False).status_code for _ in range(3)]
        assert 429 not in first[:2] and first[2] == 429          # one browser: 2 a minute
        others = [post_as_new_browser() for _ in range(4)]
        assert 429 not in others[:3] and others[3] == 429        # the address: 5 a minute in all (2 + 3)
        r = c.post("/", data=form(c, csrf_token=token(c)), follow_redirects=False)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1


def test_the_form_carries_the_token_field(client):
    page = client.get("/")
    assert 'name="csrf_token"' in page.text and "advisor_csrf=" in page.headers["set-cookie"]
    assert "HttpOnly" in page.headers["set-cookie"] and "SameSite=Lax" in page.headers["set-cookie"]
