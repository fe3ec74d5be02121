"""`advisor assess` over many files: in this process, or in N forked worker processes, output in input order.

The advisor (rule pack, durable_rules host, memo) is loaded once in the parent and inherited by forked
workers. Each worker assesses a chunk of files and hands back the chunk's JSON lines (or result dicts
for the other formats), its error messages, and the memo entries it learnt, which the parent adds to
its own memo and saves to the disk cache at the end (advisor/engine/cache.py).
"""
from __future__ import annotations

import argparse
import gc
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from advisor.errors import ProfileError

CHUNK = 250  # files per task: large enough that pickling results is cheap, small enough to balance cores
_state: dict[str, Any] = {}


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _assess_chunk(files: list[Path]) -> tuple[bytes | list[dict[str, Any]], list[str], list[Any]]:
    from advisor.profile_io import read_profile_file

    advisor, args = _state["advisor"], _state["args"]
    jsonl = args.format == "jsonl"
    lines: list[bytes] = []
    results: list[dict[str, Any]] = []
    errors: list[str] = []
    for f in files:
        try:
            result = advisor.assess(read_profile_file(f), source=str(f), as_of=args.as_of)
        except ProfileError as exc:
            exc.source = str(f)
            errors.append(str(exc))
            continue
        if args.bundle:
            from advisor.cli import _bundle

            _bundle(result, f, Path(args.bundle), args.lang)
        if jsonl:
            result["source"] = str(f)
            lines.append(orjson.dumps(result, option=orjson.OPT_APPEND_NEWLINE))
        else:
            results.append(result)
    learnt = advisor.matcher.take_new() if hasattr(advisor.matcher, "take_new") else []
    return (b"".join(lines) if jsonl else results), errors, learnt


def assess_files(files: list[Path], args: argparse.Namespace, jobs: int = 0) -> Iterator[tuple[Any, list[str]]]:
    """(payload, error messages) per chunk of ``files``, in input order: payload is the chunk's JSON lines
    (bytes) for ``--format jsonl``, else its list of assessments."""
    from advisor.service import Advisor

    advisor = Advisor.load()
    _state.update(advisor=advisor, args=args)
    gc.collect()
    gc.freeze()  # the loaded packs live as long as the process: out of every later GC pass (and shared by forks)
    jobs = jobs or default_jobs()
    chunks = [files[i:i + CHUNK] for i in range(0, len(files), CHUNK)]
    serial = jobs == 1 or len(chunks) < 2 or any(str(f) == "-" for f in files)
    matcher = advisor.matcher
    try:
        if serial:
            for chunk in chunks:
                payload, errors, _ = _assess_chunk(chunk)
                yield payload, errors
            return
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(min(jobs, len(chunks))) as pool:
            for payload, errors, learnt in pool.imap(_assess_chunk, chunks):
                if hasattr(matcher, "learn"):
                    matcher.learn(learnt)
                yield payload, errors
    finally:
        if hasattr(matcher, "save"):
            matcher.save()
