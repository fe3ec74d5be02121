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
import sys
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


def _assess_chunk(task: tuple[int, int, int]) -> tuple[Any, list[str], int, list[Any]]:
    """Assess one chunk, its number and where it starts and stops among the batch's files: (JSON lines, or None
    once written to stdout in turn, or result dicts; error messages; profiles done; what was learnt)."""
    from advisor.profile_io import read_profile_file

    number, start, stop = task  # (the paths themselves are inherited: pickling 30,000 cost the workers 0.1 s)
    files = _state["files"][start:stop]
    advisor, args, turn = _state["advisor"], _state["args"], _state.get("turn")
    jsonl = args.format == "jsonl"
    hot = _state.get("hot") if jsonl and not args.bundle else None  # JSON lines assembled from caches
    direct = _state.get("direct") if jsonl else None  # one process: each line written as soon as it is made
    lines: list[bytes] = []
    results: list[dict[str, Any]] = []
    errors: list[str] = []
    try:
        for f in files:
            if hot is not None:
                try:
                    line = hot.line(read_profile_file(f), str(f), args.as_of)
                except ProfileError as exc:
                    exc.source = str(f)
                    errors.append(str(exc))
                    continue
                if direct:
                    direct.write(line)
                else:
                    lines.append(line)
                continue
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
                line = orjson.dumps(result, option=orjson.OPT_APPEND_NEWLINE)
                if direct:
                    direct.write(line)
                else:
                    lines.append(line)
            else:
                results.append(result)
    finally:
        if turn is not None and jsonl:
            _write_in_turn(turn, number, lines)  # in turn even after an error, so no other worker waits forever
    payload = None if (turn is not None or direct) and jsonl else (b"".join(lines) if jsonl else results)
    return payload, errors, len(files) - len(errors), _handed_over(advisor.matcher, hot if turn is not None else None)


def _handed_over(matcher: Any, hot: Any) -> tuple[list[Any], dict[str, Any], dict[str, Any]]:
    """What this process learnt since the last chunk: memo entries, and in a --jobs worker (``hot`` given) the
    questions' answers, the whole-vector memo's entries and the hot path's new parts too. The parent takes them up
    and keeps them for the next batch in the disk cache, as one process does with its own."""
    memo = matcher.take_new() if hasattr(matcher, "take_new") else []
    if hot is None:
        return memo, {}, {}
    kept = matcher.take_new_kept() if hasattr(matcher, "take_new_kept") else {}
    return memo, kept, hot.take_new()


def _write_in_turn(turn: Any, number: int, lines: list[bytes]) -> None:
    """Workers write their chunk's lines straight to stdout, chunk after chunk: the parent copies nothing."""
    cond, done = turn
    with cond:
        cond.wait_for(lambda: done.value == number)
        try:
            out = _stdout()
            out.writelines(lines)
            out.flush()
        finally:
            done.value = number + 1
            cond.notify_all()


OUT_BUFFER = 1 << 18


def _stdout() -> Any:
    """Standard output for the JSON lines, through a 256 KB buffer of this process's own (a line is ~40 KB: the
    default 8 KB buffer wrote each with a system call of its own); sys.stdout.buffer where there is no file
    descriptor (a test's captured output). Flushed by its user after each chunk or batch."""
    got = _state.get("stdout")
    if got is None or got[0] != os.getpid():  # (a --jobs worker makes its own)
        try:
            sys.stdout.flush()
            writer = open(sys.stdout.fileno(), "wb", buffering=OUT_BUFFER, closefd=False)  # noqa: SIM115
        except (AttributeError, OSError, ValueError):
            writer = sys.stdout.buffer
        got = _state["stdout"] = (os.getpid(), writer)
    return got[1]


PIPE_BYTES = 1 << 20  # Linux's default limit for a pipe's buffer (/proc/sys/fs/pipe-max-size)


def _wide_pipe() -> None:
    """When standard output is a pipe, widen its buffer from 64 KB to 1 MB: a batch writes ~40 KB a profile, and
    the reader then takes it in a few large reads instead of stalling the writer every 64 KB (a 30,000-profile
    batch read by another process: ~5 % faster, and less of the reader's time). Where the system says no, the
    pipe stays as it was."""
    import fcntl
    import stat

    try:
        fd = sys.stdout.fileno()
        if stat.S_ISFIFO(os.fstat(fd).st_mode) and fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ) < PIPE_BYTES:
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (OSError, ValueError, AttributeError):  # (not Linux, a closed or replaced stdout, a lower limit)
        pass


def _warm_in_child() -> None:
    """On a cold disk cache (the first run after an install or a rules change), a child process builds and
    stores everything the disk cache keeps (``Advisor.prepare``); this process then reads it as every later
    run does. Building it here would validate the YAML with pydantic and keep the memory that took (a
    30,000-profile batch: 106 MB instead of 88-93)."""
    import subprocess

    from advisor.service import Advisor

    if Advisor.warm():
        return
    try:  # (a broken rules folder fails again here, in Advisor.load, with its message)
        subprocess.run([sys.executable, "-c", "from advisor.service import Advisor; Advisor.load().prepare()"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        pass  # this process builds them itself


def assess_files(files: list[Path], args: argparse.Namespace, jobs: int = 0) -> Iterator[tuple[Any, list[str], int]]:
    """(payload, error messages, profiles done) per chunk of ``files``, in input order. For
    ``--format jsonl`` the payload is None: the lines are already on stdout (one process writes each line as
    it is made, workers write chunk after chunk); for the other formats it is the chunk's list of assessments."""
    from advisor.hotpath import HotPath
    from advisor.service import Advisor

    many = len(files) > CHUNK  # (what follows costs a short run more than it gains)
    if many:
        _warm_in_child()
        if args.format == "jsonl":
            _wide_pipe()
    advisor = Advisor.load()
    hot = HotPath(advisor)
    _state.update(advisor=advisor, args=args, turn=None, direct=None, hot=hot, stdout=None)
    batch = many and args.format == "jsonl" and not args.bundle
    if batch:
        hot.restore()  # the hot path's parts from the last batch
    if many:
        if hasattr(advisor.matcher, "restore_answers"):
            advisor.matcher.restore_answers()
        gc.collect()
    # the loaded packs live as long as the process: out of every later GC pass (and shared by forks), the
    # collections at exit included (a fifth of a one-profile run's time)
    gc.freeze()
    jobs = jobs or default_jobs()
    _state["files"] = files
    chunks = [(n, i, i + CHUNK) for n, i in enumerate(range(0, len(files), CHUNK))]
    serial = jobs == 1 or len(chunks) < 2 or any(str(f) == "-" for f in files)
    matcher = advisor.matcher
    try:
        if serial:
            _state["direct"] = out = _stdout()
            try:
                for chunk in chunks:
                    payload, errors, done, _ = _assess_chunk(chunk)
                    yield payload, errors, done
            finally:
                out.flush()
            return
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        sys.stdout.flush()
        _state["turn"] = (ctx.Condition(), ctx.RawValue("l", 0))
        hot.track()  # (in the workers' copies)
        with ctx.Pool(min(jobs, len(chunks))) as pool:
            for payload, errors, done, (memo, kept, parts) in pool.imap(_assess_chunk, chunks):
                if hasattr(matcher, "learn"):
                    matcher.learn(memo)
                if kept:
                    matcher.learn_kept(kept)
                hot.learn(parts)
                yield payload, errors, done
    finally:
        _state["turn"] = _state["direct"] = _state["files"] = _state["stdout"] = None
        if hasattr(matcher, "save"):
            matcher.save()
        if batch:  # (what --jobs workers made, they handed over with each chunk)
            hot.save()
