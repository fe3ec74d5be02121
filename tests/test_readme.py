"""Every `.venv/bin/advisor …` command of README.md runs as written (from a folder laid out like a fresh
clone: the repository's examples/ and .venv), and exits 0."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    lines = [ln.split("  #")[0].strip() for b in blocks for ln in b.splitlines()]
    return [ln for ln in lines if ln.startswith(".venv/bin/advisor")]


def test_readme_has_commands():
    assert len(_commands()) >= 5


@pytest.mark.parametrize("command", _commands())
def test_readme_command_runs_as_written(command, tmp_path):
    (tmp_path / ".venv").symlink_to(Path(sys.executable).parents[1])
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    proc = subprocess.run(["bash", "-c", f"set -o pipefail; {command}"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env={k: v for k, v in os.environ.items() if k != "ADVISOR_RULES"})
    assert proc.returncode == 0, f"{command}\n{proc.stderr[-2000:]}"
    target = re.search(r">\s*(\S+)\s*$", command)
    if target:
        assert (tmp_path / target.group(1)).stat().st_size > 0
    assert shlex.split(command)
