"""POST /v1/assessments, this tree against a baseline commit, in one run (part of `make bench`).

    .venv/bin/python bench/api_compare.py [--baseline e43ee61] [--seconds 10] [--runs 3]

The baseline is checked out in a temporary git worktree with its own virtualenv (built once, kept in
$TMPDIR/advisor-baseline-COMMIT), so it runs with the packages it shipped with. Each side runs its own
bench/api_create.py (16 keep-alive clients, 2 workers); the runs alternate baseline / this tree, on
SQLite then PostgreSQL (from scripts/services.sh; skipped when it is not running), and the medians are
printed.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"(\d+) requests/s, p50 ([\d.]+) ms, p99 ([\d.]+) ms, (\d+) requests, (\d+) non-201")


def baseline_tree(commit: str) -> Path:
    where = Path(tempfile.gettempdir()) / f"advisor-baseline-{commit}"
    if not (where / ".venv" / ".bench-ready").exists():
        if not where.exists():
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), commit],
                           check=True, capture_output=True)
        subprocess.run(["python3.11", "-m", "venv", str(where / ".venv")], check=True)
        pip = [str(where / ".venv" / "bin" / "pip"), "install", "-q"]
        subprocess.run([*pip, "-e", str(where), "httpx"], check=True)
        (where / ".venv" / ".bench-ready").touch()
    return where


def postgres_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
        return True
    except OSError:
        return False


def one(tree: Path, db: str, seconds: float) -> tuple[float, float, float, int]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ADVISOR_CACHE_DIR")}
    env["ADVISOR_CACHE_DIR"] = str(Path(tempfile.gettempdir()) / f"advisor-bench-cache-{tree.name}")
    out = subprocess.run([str(tree / ".venv" / "bin" / "python"), str(tree / "bench" / "api_create.py"),
                          "--db", db, "--seconds", str(seconds)], cwd=tree, env=env, capture_output=True, text=True)
    m = LINE.search(out.stdout)
    if m is None:
        raise SystemExit(f"api bench in {tree} failed:\n{out.stdout}\n{out.stderr[-2000:]}")
    return float(m[1]), float(m[2]), float(m[3]), int(m[5])


def compare(baseline: str = "e43ee61", seconds: float = 10, runs: int = 3) -> None:
    base = baseline_tree(baseline)
    dbs = ["sqlite"] + (["postgres"] if postgres_up() else [])
    print(f"HTTP API, POST /v1/assessments, 16 keep-alive clients, 2 workers, {seconds:.0f} s per run, "
          f"median of {runs} alternating runs:", flush=True)
    for db in dbs:
        got: dict[str, list[tuple[float, float, float, int]]] = {"base": [], "ours": []}
        for _ in range(runs):
            got["base"].append(one(base, db, seconds))
            got["ours"].append(one(ROOT, db, seconds))
        med = {k: [statistics.median(x[i] for x in v) for i in range(3)] for k, v in got.items()}
        errors = {k: sum(x[3] for x in v) for k, v in got.items()}
        for k, name in (("base", f"commit {baseline}"), ("ours", "this tree")):
            rps, p50, p99 = med[k]
            print(f"  {db:8s} {name:15s} {rps:6.0f} requests/s, p50 {p50:5.1f} ms, p99 {p99:5.1f} ms, "
                  f"{errors[k]} non-201")
        print(f"  {db:8s} ratio {med['ours'][0] / med['base'][0]:.2f}x requests/s", flush=True)
    if "postgres" not in dbs:
        print("  PostgreSQL is not running on 127.0.0.1:5432 (bash scripts/services.sh): skipped")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default="e43ee61")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    compare(args.baseline, args.seconds, args.runs)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
