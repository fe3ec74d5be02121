"""`make setup`: finds Python 3.11/3.12, names what is missing before pip downloads anything, and a
failed set-up leaves no half-made .venv behind."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _make(folder: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", "-C", str(folder), *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "clone"
    dst.mkdir()
    for name in ("Makefile", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, dst / name)
    shutil.copytree(ROOT / "scripts", dst / "scripts")
    return dst


def test_an_unusable_python_is_named_before_anything_is_made(tmp_path):
    clone = _copy(tmp_path)
    proc = _make(clone, "setup", "PY=python3.13")
    assert proc.returncode != 0
    assert "3.11 or 3.12" in proc.stderr and "durable_rules" in proc.stderr
    assert not (clone / ".venv").exists()


def test_the_found_python_is_311_or_312():
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "find-python.sh")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    version = subprocess.run([proc.stdout.strip(), "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True).stdout.strip()
    assert version in ("(3, 11)", "(3, 12)")


def test_a_failed_setup_removes_the_venv(tmp_path):
    clone = _copy(tmp_path)
    (clone / ".venv").mkdir()  # what an interrupted set-up leaves: a venv without its stamp
    (clone / ".venv" / "junk").write_text("half-made")
    # no package index: pip cannot install the dependencies, so the set-up fails after making the venv
    proc = _make(clone, "setup", f"PY={sys.executable if sys.version_info[:2] in ((3, 11), (3, 12)) else ''}",
                 env={"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": "", "PIP_CONFIG_FILE": os.devnull})
    assert proc.returncode != 0
    assert "set-up failed" in proc.stderr and "removed" in proc.stderr
    assert not (clone / ".venv").exists()
