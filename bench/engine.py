"""Benchmark the advisor (issue: advisor core, item 8). Not a test: prints figures for README.

    .venv/bin/python bench/engine.py [--quick]

1. In-process assessments/s: durable_rules (raw), the plain-Python reference evaluator (raw), and the
   production path (durable_rules behind the exact memo), with the durable/reference ratio.
2. End to end: `advisor assess --format jsonl` over 3,000 generated three-transfer profiles, pinned
   to one core (taskset) when available.
3. Memory: RSS before and after 100,000 assessments on the production path, and after 5,000 on raw
   durable_rules (state must be freed: flat memory).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from advisor.service import Advisor  # noqa: E402
from bench.profiles import profiles  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rate(advisor: Advisor, ps: list[dict]) -> float:
    advisor.assess(ps[0])
    t = time.perf_counter()
    for p in ps:
        advisor.assess(p)
    return len(ps) / (time.perf_counter() - t)


def end_to_end(n: int, runs: int = 5) -> tuple[float, float, float]:
    """Best and median profiles/s over ``runs`` runs (this machine is a VM whose speed varies run to run),
    and the wall time of one process assessing one profile (start-up)."""
    with tempfile.TemporaryDirectory() as tmp:
        for i, p in enumerate(profiles(n, seed=11)):
            Path(tmp, f"p{i:05d}.json").write_text(json.dumps(p, ensure_ascii=False), encoding="utf-8")
        cmd = [str(ROOT / ".venv" / "bin" / "advisor"), "assess", "--format", "jsonl", tmp]
        if shutil.which("taskset"):
            cmd = ["taskset", "-c", "0", *cmd]
        walls = []
        for _ in range(runs):
            t = time.perf_counter()
            out = subprocess.run(cmd, capture_output=True, text=True, check=True)
            walls.append(time.perf_counter() - t)
            assert len(out.stdout.splitlines()) == n, "every profile must give one line"
        one = [*cmd[:-1], str(next(Path(tmp).iterdir()))]
        t = time.perf_counter()
        subprocess.run(one, capture_output=True, check=True)
        startup = time.perf_counter() - t
    walls.sort()
    return n / walls[0], n / walls[len(walls) // 2], startup


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller runs (for a smoke check)")
    args = ap.parse_args()
    n = 500 if args.quick else 3000
    ps = profiles(n)
    raw_d = rate(Advisor.load(engine="durable", memo=False), ps[: n // 3])
    raw_r = rate(Advisor.load(engine="reference", memo=False), ps)
    prod = Advisor.load()
    memo = rate(prod, ps)
    print(f"in-process, {n} generated 3-transfer profiles (questions included):")
    print(f"  durable_rules raw       {raw_d:8.0f} assessments/s")
    print(f"  reference evaluator raw {raw_r:8.0f} assessments/s   (durable/reference = {raw_d / raw_r:.2f})")
    print(f"  durable_rules + memo    {memo:8.0f} assessments/s   (memo hits {prod.matcher.hits}, misses {prod.matcher.misses})")
    best, median, startup = end_to_end(n, 3 if args.quick else 5)
    print(f"end to end: advisor assess --format jsonl, {n} files, one core: best {best:.0f}, median {median:.0f} "
          f"profiles/s (start-up included; one process with one profile takes {startup:.2f} s)")
    big = 20_000 if args.quick else 100_000
    many = profiles(big, seed=3)
    for p in many[:1000]:
        prod.assess(p)
    before = rss_mb()
    for p in many:
        prod.assess(p)
    after = rss_mb()
    print(f"memory, production path: RSS {before:.0f} MB after warm-up, {after:.0f} MB after {big} more "
          f"assessments")
    raw = Advisor.load(engine="durable", memo=False)
    for p in many[:500]:
        raw.assess(p)
    mid = rss_mb()
    for p in many[500:5500]:
        raw.assess(p)
    print(f"memory, raw durable_rules: RSS {mid:.0f} MB after 500, {rss_mb():.0f} MB after 5,500 assessments")
    os.sys.stdout.flush()


if __name__ == "__main__":
    main()
