"""`advisor serve` and `advisor keys …` handlers (argparse wiring from advisor_api.cli.register)."""
from __future__ import annotations

import argparse

import pytest

from advisor.errors import PackError
from advisor_api import cli
from advisor_api.config import Settings


@pytest.fixture
def parse(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ADVISOR_DATABASE_URL", raising=False)
    parser = argparse.ArgumentParser(prog="advisor")
    cli.register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args


def test_serve_defaults_to_localhost_port_8000_one_worker(parse):
    args = parse(["serve"])
    assert (args.host, args.port, args.workers) == ("127.0.0.1", 8000, 1) and args.func is cli.run_serve


def test_keys_create_list_revoke(parse, capsys):
    assert parse(["keys", "create", "acme"]).func(parse(["keys", "create", "acme"])) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("adv_") and len(token) > 40
    args = parse(["keys", "list"])
    assert args.func(args) == 0 and "acme" in capsys.readouterr().out
    args = parse(["keys", "revoke", "acme"])
    assert args.func(args) == 0
    assert args.func(args) == 2 and "no active key named 'acme'" in capsys.readouterr().err


def _settings_with(monkeypatch, tmp_path, loader):
    monkeypatch.setattr(cli, "_settings", lambda args: Settings(data_dir=tmp_path, advisor_loader=loader))


def test_serve_refuses_a_public_address_while_no_key_exists(parse, capsys, monkeypatch, tmp_path):
    from api_fake import FakeAdvisor

    _settings_with(monkeypatch, tmp_path, FakeAdvisor)
    args = parse(["serve", "--host", "0.0.0.0"])
    assert args.func(args) == 2
    assert "advisor keys create" in capsys.readouterr().err


def test_serve_stops_on_a_broken_pack_with_the_loaders_message(parse, capsys, monkeypatch, tmp_path):
    def broken():
        raise PackError("rules/regional/x.yaml", "unknown field 'untill'", rule="x.y")

    _settings_with(monkeypatch, tmp_path, broken)
    args = parse(["serve"])
    assert args.func(args) == 3  # exit status 3: the rules folder is broken (as every command)
    assert "rule pack error in rules/regional/x.yaml, rule x.y" in capsys.readouterr().err


def test_serve_refuses_zero_workers(parse, capsys):
    args = parse(["serve", "--workers", "0"])
    assert args.func(args) == 2 and "--workers 0" in capsys.readouterr().err
