"""`advisor assess --jobs N`: the same bytes as one process, in input order, bad files named, memo kept."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.batch import CHUNK
from bench.profiles import profiles

ADVISOR = [sys.executable, "-m", "advisor.cli"]


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([*ADVISOR, *args], capture_output=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("batch")
    for i, p in enumerate(profiles(2 * CHUNK + 17, seed=5)):
        (d / f"p{i:04d}.json").write_text(json.dumps(p, ensure_ascii=False), encoding="utf-8")
    (d / f"p{CHUNK + 3:04d}b.json").write_text('{"company": {"region": "nowhere"}}', encoding="utf-8")
    return d


def test_jobs_give_the_same_lines_in_input_order(folder, tmp_path):
    env = {**os.environ, "ADVISOR_CACHE_DIR": str(tmp_path / "cache")}
    one = _run("assess", "--format", "jsonl", "--jobs", "1", str(folder), env=env)
    two = _run("assess", "--format", "jsonl", "--jobs", "2", str(folder), env=env)
    assert one.returncode == two.returncode == 2  # one bad file
    assert one.stdout == two.stdout
    sources = [json.loads(line)["source"] for line in two.stdout.splitlines()]
    good = sorted(str(f) for f in folder.iterdir() if not f.name.endswith("b.json"))
    assert sources == good
    for out in (one, two):
        errors = out.stderr.decode().splitlines()
        assert len(errors) == 1 and f"p{CHUNK + 3:04d}b.json" in errors[0] and "company.sector" in errors[0]


@pytest.mark.parametrize("jobs", ["1", "2"])  # one process too: it once dropped what it learnt
def test_the_memo_is_kept_for_the_next_process(folder, tmp_path, jobs):
    env = {**os.environ, "ADVISOR_CACHE_DIR": str(tmp_path / "cache")}
    first = _run("assess", "--format", "jsonl", "--jobs", jobs, str(folder), env=env)
    assert len(list((tmp_path / "cache").glob("memo-*.pickle"))) == 1
    second = _run("assess", "--format", "jsonl", "--jobs", jobs, str(folder), env=env)
    assert first.stdout == second.stdout and first.stdout.count(b"\n") == 2 * CHUNK + 17


def test_jobs_must_be_a_sensible_number(tmp_path):
    out = _run("assess", "--jobs", "0", str(tmp_path), env=dict(os.environ))
    assert out.returncode == 2 and b"--jobs takes a whole number from 1 to 256, got '0'" in out.stderr


def test_workers_hand_over_what_the_next_batch_starts_from(folder, tmp_path):
    """With --jobs 2 (the default on two cores) the workers' answers and hot-path parts reach the disk cache too,
    as one process's do; the next run, taking them up, writes the same bytes."""
    env = {**os.environ, "ADVISOR_CACHE_DIR": str(tmp_path / "cache")}
    first = _run("assess", "--format", "jsonl", "--jobs", "2", str(folder), env=env)
    for kind in ("memo", "answers", "whole", "hotpath"):
        assert len(list((tmp_path / "cache").glob(f"{kind}-*.pickle"))) == 1, kind
    second = _run("assess", "--format", "jsonl", "--jobs", "2", str(folder), env=env)
    one = _run("assess", "--format", "jsonl", "--jobs", "1", str(folder), env=env)
    assert first.stdout == second.stdout == one.stdout and first.stdout.count(b"\n") == 2 * CHUNK + 17


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_reader_that_stops_early_ends_the_batch_quietly(folder, tmp_path, jobs):
    """`advisor assess ... | head`: when the reader goes, the batch stops (it does not assess the rest for nobody),
    with status 0 and nothing on standard error but the bad file's message, if it got that far."""
    import time

    env = {**os.environ, "ADVISOR_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen([*ADVISOR, "assess", "--format", "jsonl", "--jobs", jobs, str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    assert json.loads(first)["source"].endswith("p0000.json")
    proc.stdout.close()  # the reader goes
    start = time.monotonic()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0 and time.monotonic() - start < 60
    assert b"Traceback" not in err and b"Exception" not in err and b"BrokenPipe" not in err
