"""The command line explains itself: --version with the rule pack's digest, help naming every option's
choices and default, exit codes listed, valid zones listed on a bad --zone, options anywhere."""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.cli import build_parser
from advisor.packs.loader import digest_of
from advisor.resources import shipped_rules_dir
from advisor.vocab import SECTORS, ZONES

ADVISOR = str(Path(sys.executable).with_name("advisor"))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([ADVISOR, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    yield path, parser
    for sub in subs:
        for name, child in sub.choices.items():
            yield from _leaves(child, (*path, name))


def test_version_names_the_rule_pack_digest():
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("advisor ")
    assert digest_of(shipped_rules_dir()) in proc.stdout


def test_every_option_has_help_naming_choices_and_default():
    for path, parser in _leaves(build_parser()):
        text = parser.format_help()
        for action in parser._actions:
            if not action.option_strings or action.help == argparse.SUPPRESS:
                continue
            assert action.help, f"advisor {' '.join(path)} {action.option_strings[0]}: no help"
            if action.choices:
                assert "{" + ",".join(action.choices) + "}" in text, (path, action.option_strings)
            if action.default not in (None, False, argparse.SUPPRESS) and not isinstance(action.default, bool):
                assert f"default: {action.default}" in text or "default" in action.help, (path, action.option_strings)


@pytest.mark.parametrize("command", [[], ["assess"], ["measures"], ["serve"], ["schema"]])
def test_help_lists_the_exit_codes(command):
    proc = run(*command, "--help")
    assert proc.returncode == 0
    for code in ("0  done", "2  invalid input", "3  the rules folder"):
        assert code in proc.stdout, (command, code)


def test_bad_zone_and_sector_list_the_valid_ones():
    proc = run("measures", "--zone", "foo", "--sector", "mining")
    assert proc.returncode == 2 and proc.stdout == ""
    assert all(z in proc.stderr for z in ZONES) and all(s in proc.stderr for s in SECTORS)
    assert "'foo'" in proc.stderr and "'mining'" in proc.stderr


def test_keys_options_anywhere(tmp_path):
    after = run("keys", "create", "acme", "--data-dir", str(tmp_path / "a"))
    assert after.returncode == 0 and after.stdout.startswith("adv_"), after.stderr
    before = run("keys", "--data-dir", str(tmp_path / "a"), "list")
    assert before.returncode == 0 and before.stdout.startswith("acme\t")
    assert not (Path.cwd() / "data" / "acme").exists()


@pytest.mark.parametrize("which, title", [("profile", "Profile"), ("assessment", "Assessment")])
def test_schema_command(which, title):
    import json

    proc = run("schema", which)
    assert proc.returncode == 0 and json.loads(proc.stdout)["title"] == title
    assert run("schema", "everything").returncode == 2
