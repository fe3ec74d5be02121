"""The "done when" of the installable package: the built wheel, installed in a fresh venv outside the
repository and run from another folder, assesses, prints schemas, lists measures and serves (healthz, the
help-desk page, /docs with no CDN); nothing named `api` lands in site-packages.

To stay fast, the fresh venv gets the wheel itself (no deps) and sees the dependencies of the project's
.venv through a path file (which adds no editable finder: nested .pth files are not processed). With
ADVISOR_WHEEL_FULL=1 the dependencies are installed from the wheel's own metadata instead (minutes)."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from advisor.packs.loader import digest_of
from advisor.resources import shipped_rules_dir

ROOT = Path(__file__).resolve().parents[1]
FULL = os.environ.get("ADVISOR_WHEEL_FULL") == "1"


def _run(*cmd: str, cwd: Path, timeout: int = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ADVISOR_", "PYTHON", "VIRTUAL_ENV"))}
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env={**clean, **(env or {})})


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(the fresh venv's bin folder, a work folder outside the repository)."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"  # build from a copy holding only what git tracks: what a clone would build
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for rel in filter(None, (f.decode() for f in files)):
        if (ROOT / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, src / rel)
    pip = [sys.executable, "-m", "pip"]
    built = _run(*pip, "wheel", "-q", "--no-deps", "-w", str(base / "dist"), str(src), cwd=base)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next((base / "dist").glob("cbdt_advisor-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "advisor_rules/national/pack.yaml" in names and "advisor_api/web/ui.yaml" in names
    assert not any(n.startswith("api/") or n.startswith("rules/") for n in names)
    venv = base / "venv"
    assert _run(sys.executable, "-m", "venv", "--without-pip", str(venv), cwd=base).returncode == 0
    py = venv / "bin" / "python"
    if FULL:
        got = _run(*pip, "--python", str(py), "install", "-q", str(wheel), cwd=base, timeout=1800)
    else:
        got = _run(*pip, "--python", str(py), "install", "-q", "--no-deps", str(wheel), cwd=base)
        site = Path(_run(str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                         cwd=base).stdout.strip())
        (site / "zz_project_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    assert got.returncode == 0, got.stderr[-3000:]
    work = base / "elsewhere"
    work.mkdir()
    shutil.copy(ROOT / "examples" / "profile.json", work / "client.json")
    return venv / "bin", work


def test_the_package_comes_from_the_wheel_not_the_repository(installed):
    bin_, work = installed
    where = _run(str(bin_ / "python"), "-c", "import advisor, advisor_api, advisor_rules; "
                 "print(advisor.__file__, advisor_api.__file__, advisor_rules.__file__)", cwd=work)
    assert where.returncode == 0, where.stderr
    assert str(ROOT) not in where.stdout and "site-packages" in where.stdout
    assert _run(str(bin_ / "python"), "-c", "import api", cwd=work).returncode != 0


def test_assess_schema_measures_version(installed):
    bin_, work = installed
    adv = str(bin_ / "advisor")
    out = _run(adv, "assess", "--format", "json", "client.json", cwd=work)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["rulepack"]["digest"] == digest_of(shipped_rules_dir())
    text = _run(adv, "assess", "client.json", cwd=work)
    assert text.returncode == 0 and "总体结论" in text.stdout
    schema = _run(adv, "schema", "profile", cwd=work)
    assert schema.returncode == 0 and json.loads(schema.stdout)["title"] == "Profile"
    measures = _run(adv, "measures", "--region", "440115", "--lang", "en", cwd=work)
    assert measures.returncode == 0 and measures.stdout.strip(), measures.stderr
    version = _run(adv, "--version", cwd=work)
    assert version.returncode == 0 and digest_of(shipped_rules_dir()) in version.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 - our own local server
        return r.status, r.read().decode("utf-8", "replace")


def test_serve_health_page_and_offline_docs(installed):
    bin_, work = installed
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([str(bin_ / "advisor"), "serve", "--port", str(port), "--data-dir", str(work / "db")],
                            cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, body = _get(f"{url}/healthz")
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        assert status == 200 and json.loads(body)["rulepack"]["digest"] == digest_of(shipped_rules_dir())
        status, page = _get(f"{url}/")
        assert status == 200 and "<form" in page
        for path in ("/docs", "/redoc"):
            status, html = _get(url + path)
            assert status == 200 and not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), html
            for asset in re.findall(r"""(?:src|href)=["']?(/[^"' >]+)""", html):
                assert _get(url + asset)[0] == 200, asset
        assert "StoredAssessment" in _get(f"{url}/openapi.json")[1]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
