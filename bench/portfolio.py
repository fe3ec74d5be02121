"""Re-assessing a stored portfolio on PostgreSQL with 1 and 2 `advisor worker` processes: wall time from the
job's enqueueing to its end, items per second, each worker's resident memory when ready and at its peak
(VmHWM), and the machine's load average. A tool run by hand, not CI (needs the PostgreSQL of services.sh):

    nice -n 10 .venv/bin/python bench/portfolio.py --n 100000 --workers 1 2

The portfolio: --distinct real assessments (varied places, counts, dates, under the 2022 regime and the
2024 Provisions) stored again under new ids and company names up to --n rows, in a fresh database that is
dropped at the end. Each job re-assesses every row as of 2026-11-27 (the real advisor, its memo warm as in
a long-running worker) and records each change entry.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, select, text

ROOT = Path(__file__).resolve().parents[1]
URL = os.environ.get("ADVISOR_TEST_DATABASE_URL", "postgresql+psycopg://advisor:advisor@127.0.0.1:5432/postgres")
PLACES = ("310115", "440305", "110105", "330106", "120116")


def profiles(k: int) -> list[dict]:
    out = []
    for i in range(k):
        subjects = (5_000, 50_000, 150_000, 900_000, 1_200_000)[i % 5] + i
        out.append({"as_of": ("2023-12-01", "2025-06-01", "2026-03-01")[i % 3],
                    "company": {"name": f"客户{i}", "region": PLACES[i % len(PLACES)], "sector": "retail",
                                "ciio": False, "personal_info_processed": subjects + 10_000},
                    "transfers": [{"id": "crm", "purpose": "marketing",
                                   "recipient": {"kind": ("third_party", "affiliate")[i % 2], "country": "US"},
                                   "personal_info_subjects": subjects, "sensitive_info_subjects": (0, 2_000)[i % 2],
                                   "important_data": False}]})
    return out


def seed(url: str, n: int, distinct: int) -> None:
    from advisor.service import Advisor
    from advisor_api.storage import AssessmentStore, make_engine

    advisor = Advisor.load()
    base = [(p, advisor.assess(p)) for p in profiles(distinct)]
    store = AssessmentStore(make_engine(url))
    rows = []
    for i in range(n):
        profile, result = base[i % distinct]
        named = {**profile, "company": {**profile["company"], "name": f"客户{i:06d}"}}
        rows.append(store.prepare(named, {**result, "profile": named}, "bench")[0])
        if len(rows) == 1000:
            store.insert(rows)
            rows = []
    store.insert(rows)
    store.engine.dispose()


def rss_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def run(url: str, workers: int, stalled_after: float) -> dict:
    from advisor_api.jobs.pgqueue import Queue
    from advisor_api.jobs.store import JobStore
    from advisor_api.storage import make_engine
    from advisor_api.storage.tables import portfolio_jobs as J

    env = {**os.environ, "ADVISOR_DATABASE_URL": url}
    procs = [subprocess.Popen([sys.executable, "-c", "import sys; from advisor.cli import main; sys.exit(main())",
                               "worker", "--stalled-after", str(stalled_after)], env=env, cwd=ROOT,
                              stderr=subprocess.PIPE, text=True) for _ in range(workers)]
    try:
        for p in procs:  # ready: rules loaded, connected
            line = p.stderr.readline()
            if "worker on" not in line:
                raise RuntimeError(f"worker did not start: {line!r}")
        ready = [rss_kib(p.pid, "VmRSS") for p in procs]
        engine = make_engine(url)
        store, queue = JobStore(engine), Queue(url)
        load_before = os.getloadavg()
        job = store.create("bench", dt.date(2026, 11, 27), None)
        started = time.perf_counter()
        queue.enqueue(job)
        while True:
            with engine.connect() as conn:
                row = conn.execute(select(J.c.status, J.c.done, J.c.total, J.c.changed).where(J.c.id == job)).one()
            if row.status in ("done", "failed"):
                break
            time.sleep(0.5)
        seconds = time.perf_counter() - started
        peaks = [rss_kib(p.pid, "VmHWM") for p in procs]
        queue.close()
        engine.dispose()
        return {"workers": workers, "status": row.status, "items": row.done, "changed": row.changed,
                "seconds": seconds, "per_second": row.done / seconds, "ready_mib": max(ready) / 1024,
                "peak_mib": max(peaks) / 1024, "load_before": load_before[0], "load_after": os.getloadavg()[0]}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="stored assessments (default: 100000)")
    ap.add_argument("--distinct", type=int, default=300, help="distinct profiles among them (default: 300)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to run (default: 1 2)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per worker count; the median is shown (default: 1)")
    ap.add_argument("--keep", action="store_true", help="keep the database (default: dropped)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from advisor_api.jobs.pgqueue import ensure_schema
    from advisor_api.storage import upgrade

    name = f"advisor_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = URL.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade(url)
        ensure_schema(url)
        t = time.perf_counter()
        seed(url, args.n, args.distinct)
        print(f"seeded {args.n} assessments ({args.distinct} distinct profiles) in {time.perf_counter() - t:.0f} s; "
              f"load average {os.getloadavg()[0]:.1f}; {os.cpu_count()} CPUs", flush=True)
        print("| workers | items | changed | time (s, median) | items/s | RSS ready (MiB) | peak RSS (MiB) | load avg before → after |")
        print("|---|---|---|---|---|---|---|---|")
        for w in args.workers:
            runs = [run(url, w, 30.0) for _ in range(args.repeat)]
            med = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
            secs = statistics.median(r["seconds"] for r in runs)
            print(f"| {w} | {med['items']} | {med['changed']} | {secs:.1f} | {med['items'] / secs:.0f} | "
                  f"{med['ready_mib']:.0f} | {max(r['peak_mib'] for r in runs):.0f} | "
                  f"{med['load_before']:.1f} → {med['load_after']:.1f} |", flush=True)
    finally:
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
