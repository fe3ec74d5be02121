"""Run the service in a real uvicorn subprocess (several workers) for crash and concurrency tests."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(data_dir: Path, *, workers: int = 2, fake: bool = True, database_url: str | None = None):
    """Yields (base_url, process). The fake advisor unless fake=False (then the real Advisor.load())."""
    port = free_port()
    env = {**os.environ, "ADVISOR_DATA_DIR": str(data_dir),
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(Path(__file__).parent)])}
    env.pop("ADVISOR_DATABASE_URL", None)
    if database_url:
        env["ADVISOR_DATABASE_URL"] = database_url
    factory = "api_fake_app:create" if fake else "advisor_api.main:create_app"
    # migrate once before the workers start, as `advisor serve` does
    subprocess.run([sys.executable, "-c", "from advisor_api.config import Settings; from advisor_api.storage import upgrade;"
                    "upgrade(Settings.from_env().url)"], env=env, check=True, cwd=ROOT)
    env["ADVISOR_MIGRATE"] = "0"
    proc = subprocess.Popen([sys.executable, "-m", "advisor_api.server", factory, str(port), str(workers)],
                            env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start (exit {proc.poll()})")
            time.sleep(0.2)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
