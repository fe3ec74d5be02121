"""Benchmark POST /v1/assessments: requests/s and p50/p99 latency, N concurrent keep-alive clients.

    .venv/bin/python bench/api_create.py                       # SQLite (embedded default), 2 workers, 16 clients
    .venv/bin/python bench/api_create.py --db postgres         # PostgreSQL from scripts/services.sh
    .venv/bin/python bench/api_create.py --fake                # the tests' fake advisor (before the core lands)

Goal (issue 13): at least twice the requests/s of commit e43ee61 in the same run (bench/api_compare.py,
part of `make bench`), on SQLite and PostgreSQL, p99 < 100 ms at 16 clients. Where a request's time went
before: one commit (and fsync) per request under SQLite's write lock, FastAPI's routing and dependencies
and a thread-pool hop, pglz compression in PostgreSQL, the young-generation GC; now: group commit
(api/storage/writer.py), the fast path (api/fast_create.py), lz4, a higher GC threshold (api/main.py).
"""
from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql+psycopg://advisor:advisor@127.0.0.1:5432/postgres"
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "api")]


def profiles() -> list[bytes]:
    from advisor_api.openapi import examples

    return [json.dumps(e["value"]).encode() for name, e in examples().items() if "-bad-" not in name]


async def client(port: int, bodies: list[bytes], until: float, lat: list[float], errors: list[int]) -> None:
    """One keep-alive connection on asyncio streams: a lean client, so the figures are the server's."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = 0
    while time.perf_counter() < until:
        body = bodies[i % len(bodies)]
        i += 1
        t = time.perf_counter()
        writer.write(b"POST /v1/assessments HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length:")).split(b":")[1])
        await reader.readexactly(length)
        lat.append(time.perf_counter() - t)
        status = int(head.split(b" ", 2)[1])
        if status != 201:
            errors.append(status)
    writer.close()


async def load(port: int, bodies: list[bytes], seconds: float, clients: int,
               lat: list[float], errors: list[int]) -> None:
    until = time.perf_counter() + seconds
    await asyncio.gather(*(client(port, bodies, until, lat, errors) for _ in range(clients)))


def pg_database() -> str:
    from sqlalchemy import create_engine, text

    name = f"advisor_bench_{uuid.uuid4().hex[:8]}"
    eng = create_engine(PG, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    eng.dispose()
    return PG.rsplit("/", 1)[0] + "/" + name


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--fake", action="store_true", help="use tests/api/api_fake.py instead of Advisor.load()")
    args = ap.parse_args()

    from api_server import free_port

    port, data = free_port(), tempfile.mkdtemp(prefix="advisor-bench-")
    env = {**os.environ, "ADVISOR_DATA_DIR": data, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests' / 'api'}"}
    env.pop("ADVISOR_DATABASE_URL", None)
    if args.db == "postgres":
        env["ADVISOR_DATABASE_URL"] = pg_database()
    subprocess.run([sys.executable, "-c", "from advisor_api.config import Settings; from advisor_api.storage import upgrade;"
                    "upgrade(Settings.from_env().url)"], env=env, check=True, cwd=ROOT)
    env["ADVISOR_MIGRATE"] = "0"
    target = "api_fake_app:create" if args.fake else "advisor_api.main:create_app"
    server = subprocess.Popen([sys.executable, "-m", "advisor_api.server", target, str(port), str(args.workers)],
                              env=env, cwd=ROOT)
    try:
        for _ in range(300):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        bodies = profiles()
        asyncio.run(load(port, bodies, 1.0, args.clients, [], []))  # warm-up
        lat: list[float] = []
        errors: list[int] = []
        start = time.perf_counter()
        asyncio.run(load(port, bodies, args.seconds, args.clients, lat, errors))
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(10)
    lat.sort()
    q = statistics.quantiles(lat, n=100)
    print(f"create ({args.db}, {args.workers} workers, {args.clients} clients, {'fake' if args.fake else 'real'} "
          f"advisor): {len(lat) / elapsed:.0f} requests/s, p50 {q[49] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms, "
          f"{len(lat)} requests, {len(errors)} non-201 {sorted(set(errors))}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
