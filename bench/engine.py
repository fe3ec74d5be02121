"""`make bench`: every speed and memory figure of README's Benchmarks section, measured in one run.

    .venv/bin/python bench/engine.py [--quick] [--no-api]

This machine is shared and noisy, so each figure is measured side by side with its baseline in the same
run, several times, interleaved, and the median is reported:

1. End to end, one process: `advisor assess --format jsonl --jobs 1` over 10,000 and 30,000 generated
   three-transfer profiles (start-up included) against the bare decision of bench/anchor.py (same files,
   same JSON lines out); the ratio. Also the first run on a cold disk cache (memo empty, rules
   not yet parsed), its speed and peak RSS; and three batches of other profiles (never seen) on the warm
   cache, since the disk cache keeps what a batch learnt and the timed runs repeat one folder.
2. `--jobs 2` against `--jobs 1` on the 30,000 profiles: the speed-up.
3. Start-up: `advisor assess` of one profile with a warm disk cache, against `python -c pass`.
4. Growth: one profile of 100 and one of 1,000 transfers, each transfer with unknown facts (important
   data, a local list that may apply, and the company's CIIO status), in process; the ratio.
5. Memory: peak RSS of the 30,000-profile process (warm and cold); RSS in process after 1,000 and after 100,000 more
   assessments (flat?).
6. The HTTP API (bench/api_compare.py): POST /v1/assessments, this tree against commit e43ee61, on
   SQLite and PostgreSQL.

What it prints is also written to bench/results.txt (README's Benchmarks section quotes it), with the
commit, the load average at start and end, and how long the run took. The advisor runs as installed
code does: from byte-compiled modules (compiled first; PYTHONDONTWRITEBYTECODE is dropped).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.txt"
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv" / "bin"
ADVISOR = [str(BIN / "advisor"), "assess", "--format", "jsonl"]
ANCHOR = [str(BIN / "python"), str(ROOT / "bench" / "anchor.py")]


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def timed(cmd: list[str], env: dict[str, str], cpu: list[float] | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) and number of output lines of one process (its CPU seconds appended to
    ``cpu``: less sensitive than wall time to other users of a shared machine)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    lines = 0
    assert proc.stdout is not None
    for chunk in iter(lambda: proc.stdout.read(1 << 20), b""):
        lines += chunk.count(b"\n")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if cpu is not None:
        cpu.append(usage.ru_utime + usage.ru_stime)
    if status != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({status})")
    return wall, usage.ru_maxrss / 1024, lines


def write_profiles(folder: Path, n: int, seed: int) -> None:
    from bench.profiles import profiles

    folder.mkdir(parents=True)
    for i, p in enumerate(profiles(n, seed=seed)):
        (folder / f"p{i:05d}.json").write_bytes(json.dumps(p, ensure_ascii=False).encode())


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def end_to_end(tmp: Path, env: dict[str, str], sizes: tuple[int, ...], runs: int) -> dict[int, dict]:
    out: dict[int, dict] = {}
    for n in sizes:
        folder = tmp / f"p{n}"
        write_profiles(folder, n, seed=11 + n)
        first = timed([*ADVISOR, "--jobs", "1", str(folder)], {**env, "ADVISOR_CACHE_DIR": str(tmp / f"cold{n}")})
        walls: dict[str, list[float]] = {"anchor": [], "j1": [], "j2": []}
        peak = 0.0
        for _ in range(runs):  # interleaved, so a slow phase of the machine hits all of them
            w, _, lines = timed([*ANCHOR, str(folder)], env)
            assert lines == n
            walls["anchor"].append(w)
            w, rss, lines = timed([*ADVISOR, "--jobs", "1", str(folder)], env)
            assert lines == n, "every profile must give one line"
            walls["j1"].append(w)
            peak = max(peak, rss)
            if n == sizes[-1]:
                w, _, lines = timed([*ADVISOR, "--jobs", "2", str(folder)], env)
                assert lines == n
                walls["j2"].append(w)
        unseen = []  # the warm cache serves profiles it has never seen: its keys are rules, places, days
        for k in range(3):
            other = tmp / f"p{n}-unseen{k}"
            write_profiles(other, n, seed=1000 + 10 * n + k)
            unseen.append(timed([*ADVISOR, "--jobs", "1", str(other)], env)[0])
        out[n] = {"first": n / first[0], "first_peak": first[1], "peak": peak, "unseen": n / median(unseen),
                  **{k: n / median(v) for k, v in walls.items() if v},
                  "spread": {k: (n / max(v), n / min(v)) for k, v in walls.items() if v}}
    return out


def startup(folder: Path, env: dict[str, str], runs: int = 9) -> tuple[float, float, float, float]:
    """Wall and CPU seconds (medians) of `advisor assess` of one profile, then of `python -c pass`."""
    one = str(next(folder.iterdir()))
    timed([*ADVISOR, one], env)  # warm
    bare, ours, bare_cpu, ours_cpu = [], [], [], []
    for _ in range(runs):
        bare.append(timed([str(BIN / "python"), "-c", "pass"], env, bare_cpu)[0])
        ours.append(timed([*ADVISOR, one], env, ours_cpu)[0])
    return median(ours), median(ours_cpu), median(bare), median(bare_cpu)


def growth_profile(n: int) -> dict:
    """Company totals stay in the same band at 100 and 1,000 transfers, so both sizes do the same work
    per transfer (what changes is how many transfers each question's re-decision has to consider)."""
    return {"as_of": "2026-11-27",
            "company": {"name": "增长测试", "region": "310115", "sector": "retail", "ciio": None},
            "transfers": [{"id": f"t{i}", "purpose": "marketing",
                           "recipient": {"kind": "third_party", "country": "US"},
                           "personal_info_subjects": 40 + i % 7, "important_data": None} for i in range(n)]}


def growth(runs: int = 5) -> tuple[float, float, int]:
    """CPU seconds of this process (medians): in process, so CPU time is the fair figure on a shared machine."""
    from advisor.service import Advisor

    advisor = Advisor.load()
    times = {}
    questions = 0
    for n in (100, 1000):
        p = growth_profile(n)
        questions = len(advisor.assess(p)["questions"])
        ts = []
        for _ in range(runs):
            t = time.process_time()
            advisor.assess(p)
            ts.append(time.process_time() - t)
        times[n] = median(ts)
    return times[100], times[1000], questions


def memory(n: int) -> tuple[float, float]:
    """RSS after 1,000 assessments and after ``n`` more (profiles made one at a time: none is held)."""
    from advisor.service import Advisor
    from bench.profiles import iter_profiles

    advisor = Advisor.load()
    for p in iter_profiles(1000, seed=3):
        advisor.assess(p)
    before = rss_mb()
    for p in iter_profiles(n, seed=4):
        advisor.assess(p)
    return before, rss_mb()


class _Tee:
    """stdout, copied to bench/results.txt."""

    def __init__(self, *streams: Any) -> None:
        self.streams = streams

    def write(self, s: str) -> int:
        for st in self.streams:
            st.write(s)
        return len(s)

    def flush(self) -> None:
        for st in self.streams:
            st.flush()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller runs (a smoke check, not figures)")
    ap.add_argument("--no-api", action="store_true", help="skip the HTTP API comparison")
    args = ap.parse_args()
    sizes, runs = ((1000, 3000), 2) if args.quick else ((10_000, 30_000), 3)
    started = time.perf_counter()
    results = (ROOT / "bench" / "results-quick.txt" if args.quick else RESULTS).open("w", encoding="utf-8")
    sys.stdout = _Tee(sys.__stdout__, results)  # type: ignore[assignment]
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([str(BIN / "python"), "-m", "compileall", "-q", str(ROOT / "advisor"), str(ROOT / "api")],
                   check=True, stdout=subprocess.DEVNULL)
    commit = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %cd", "--date=iso"],
                            capture_output=True, text=True).stdout.strip()
    print(f"`make bench` at {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit}", flush=True)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start", flush=True)
    with tempfile.TemporaryDirectory(prefix="advisor-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = {**os.environ, "ADVISOR_CACHE_DIR": str(tmp / "cache")}
        os.environ["ADVISOR_CACHE_DIR"] = env["ADVISOR_CACHE_DIR"]
        e2e = end_to_end(tmp, env, sizes, runs)
        print(f"end to end, `advisor assess --format jsonl`, generated 3-transfer profiles, start-up included, "
              f"median of {runs} interleaved runs (slowest–fastest):")
        for n, r in e2e.items():
            lo_a, hi_a = r["spread"]["anchor"]
            lo_p, hi_p = r["spread"]["j1"]
            print(f"  {n:6d} profiles: advisor --jobs 1 {r['j1']:7.0f}/s ({lo_p:.0f}–{hi_p:.0f}), "
                  f"bare decision {r['anchor']:7.0f}/s ({lo_a:.0f}–{hi_a:.0f}), "
                  f"ratio {r['anchor'] / r['j1']:.1f}x; peak RSS {r['peak']:.0f} MB; first run on a cold cache "
                  f"{r['first']:.0f}/s, peak RSS {r['first_peak']:.0f} MB; {n} profiles never seen, warm cache "
                  f"{r['unseen']:.0f}/s (median of 3)")
        big = e2e[sizes[-1]]
        print(f"  --jobs 2 on {sizes[-1]} profiles: {big['j2']:.0f}/s, {big['j2'] / big['j1']:.2f}x --jobs 1", flush=True)
        ours, ours_cpu, bare, bare_cpu = startup(tmp / f"p{sizes[0]}", env)
        print(f"start-up: `advisor assess` of one profile, warm disk cache: {ours:.3f} s wall, {ours_cpu:.3f} s CPU "
              f"(python -c pass: {bare:.3f} s wall, {bare_cpu:.3f} s CPU), medians of 9", flush=True)
        t100, t1000, q = growth()
        print(f"growth (CPU): 100 transfers {t100 * 1000:.0f} ms, 1,000 transfers {t1000 * 1000:.0f} ms "
              f"({q} open questions), ratio {t1000 / t100:.1f}x (linear = 10x)", flush=True)
        big_n = 20_000 if args.quick else 100_000
        before, after = memory(big_n)
        print(f"memory in process: RSS {before:.0f} MB after 1,000 assessments, {after:.0f} MB after {big_n:,} more",
              flush=True)
    if not args.no_api:
        from bench.api_compare import compare

        compare(seconds=4 if args.quick else 10)
    print(f"done in {(time.perf_counter() - started) / 60:.1f} min; load average {os.getloadavg()[0]:.1f} at the end",
          flush=True)
    sys.stdout = sys.__stdout__
    results.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
