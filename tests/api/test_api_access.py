"""Keyed mode is database state (issue 10 §1): revoking every key shuts the API, `keys open` reopens it
to localhost only, the local-client rule holds on every request, revocation reaches every worker."""
from __future__ import annotations

import argparse
import time

import pytest
from fastapi.testclient import TestClient

from advisor_api import cli
from advisor_api.openapi import examples
from advisor_api.storage import KeyStore, make_engine
from advisor_api.storage.keys import KeyNameError
from api_apps import REMOTE, app_client, bearer

GOOD = examples()["v02-contract-band"]["value"]


def test_revoking_the_last_key_shuts_the_api_instead_of_opening_it(db_url):
    with app_client(db_url) as c:
        keys = c.app.state.keys
        token = keys.create("alice")
        keys.revoke("alice")
        assert c.post("/v1/assessments", json=GOOD).status_code == 401
        assert c.get("/v1/rules", headers=bearer(token)).status_code == 401
        assert c.get("/v1/assessments").status_code == 401


def test_keys_open_returns_to_keyless_localhost_only_mode(db_url):
    with app_client(db_url) as c:
        token = c.app.state.keys.create("alice")
        assert c.app.state.keys.open() == ["alice"]
        assert c.post("/v1/assessments", json=GOOD).status_code == 201
        assert c.get("/v1/rules", headers=bearer(token)).status_code == 200  # no key needed; its token is just ignored
        assert c.app.state.keys.access().keys == {}


def test_open_mode_refuses_clients_that_are_not_this_machine_on_every_request(db_url):
    with app_client(db_url, client=REMOTE) as c:
        r = c.post("/v1/assessments", json=GOOD)
        assert r.status_code == 403 and "advisor keys create" in r.json()["error"]["message"]
        assert c.get("/v1/measures").status_code == 403
        token = c.app.state.keys.create("alice")
        assert c.get("/v1/rules", headers=bearer(token)).status_code == 200  # keyed: any address with a key


def test_open_mode_refuses_a_request_a_local_proxy_forwards(client):
    assert client.get("/v1/rules").status_code == 200
    assert client.get("/v1/rules", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 403
    assert client.get("/v1/rules", headers={"Forwarded": "for=198.51.100.1"}).status_code == 403


def test_a_revocation_reaches_another_worker_within_a_second(db_url):
    with app_client(db_url) as worker_a, app_client(db_url) as worker_b:
        token = worker_a.app.state.keys.create("alice")
        assert worker_b.get("/v1/rules", headers=bearer(token)).status_code == 200  # b has cached the key
        engine = make_engine(db_url)
        KeyStore(engine, cache_seconds=0).revoke("alice")  # `advisor keys revoke` from another process
        engine.dispose()
        time.sleep(1.0)
        assert worker_b.get("/v1/rules", headers=bearer(token)).status_code == 401
        assert worker_a.get("/v1/rules", headers=bearer(token)).status_code == 401


@pytest.mark.parametrize("name", ["helpdesk", "HelpDesk", "page", "admin", "open"])
def test_reserved_names_cannot_be_keys(client, name):
    with pytest.raises(KeyNameError, match="reserved"):
        client.app.state.keys.create(name)


@pytest.fixture
def parse(tmp_path, monkeypatch):
    monkeypatch.delenv("ADVISOR_DATABASE_URL", raising=False)
    monkeypatch.delenv("ADVISOR_DATA_DIR", raising=False)
    parser = argparse.ArgumentParser(prog="advisor")
    cli.register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args


@pytest.mark.parametrize("line", [["keys", "--data-dir", "{d}", "create", "acme"],
                                  ["keys", "create", "acme", "--data-dir", "{d}"],
                                  ["keys", "create", "--data-dir", "{d}", "acme"]])
def test_keys_takes_its_options_anywhere_on_the_line(parse, tmp_path, capsys, line):
    args = parse([x.format(d=tmp_path) for x in line])
    assert args.func(args) == 0 and capsys.readouterr().out.startswith("adv_")
    assert (tmp_path / "advisor.db").exists()


def test_keys_open_and_revoke_say_what_they_do(parse, tmp_path, capsys):
    d = str(tmp_path)
    for line in (["keys", "create", "acme", "--data-dir", d], ["keys", "revoke", "acme", "--data-dir", d]):
        args = parse(line)
        assert args.func(args) == 0
    assert "refuses every call" in capsys.readouterr().err
    args = parse(["keys", "list", "--data-dir", d])
    assert args.func(args) == 0 and "every key is revoked" in capsys.readouterr().err
    args = parse(["keys", "open", "--data-dir", d])
    assert args.func(args) == 0
    said = capsys.readouterr().err
    assert "open mode" in said and "localhost" in said
    args = parse(["keys", "list", "--data-dir", d])
    assert args.func(args) == 0 and "access: open" in capsys.readouterr().err


def test_serve_stays_refused_on_a_public_address_after_keys_open_but_not_while_keyed(parse, tmp_path, capsys,
                                                                                         monkeypatch):
    from advisor_api.config import Settings
    from api_fake import FakeAdvisor

    monkeypatch.setattr(cli, "_settings", lambda args: Settings(data_dir=tmp_path, advisor_loader=FakeAdvisor))
    monkeypatch.setenv("ADVISOR_MIGRATE", "1")  # run_serve sets it to 0 for its workers: restored after the test
    started = []
    monkeypatch.setattr("advisor_api.server.run", lambda *a, **k: started.append(k["host"]))
    store = cli._keystore(Settings(data_dir=tmp_path))
    store.create("acme")
    store.revoke("acme")  # keyed, with no active key: starting on 0.0.0.0 opens nothing
    args = parse(["serve", "--host", "0.0.0.0"])
    assert args.func(args) == 0 and started == ["0.0.0.0"]
    store.open()
    assert args.func(args) == 2 and "binds to localhost only" in capsys.readouterr().err


def test_a_page_app_without_keys_is_still_served_to_the_counter(tmp_path):
    from advisor_api.config import Settings
    from advisor_api.main import create_app
    from api_fake import FakeAdvisor

    app = create_app(Settings(data_dir=tmp_path, advisor_loader=FakeAdvisor))
    with TestClient(app, client=REMOTE) as c:
        assert c.get("/").status_code == 200 and c.get("/v1/rules").status_code == 403
