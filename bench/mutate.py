#!/usr/bin/env python3
"""Mutation testing of the law: does `pytest -m law` notice a wrong rule or a wrong line of the core?

    bench/mutate.py                 a sample of about 60 mutants (routine use; ≤ 10 minutes on 2 cores)
    bench/mutate.py --full          every mutant (releases)
    bench/mutate.py --list          the mutants, not run
    options: --sample N, --seed S, --jobs J, --only CATEGORY[,…], --report FILE (markdown), --log FILE (JSON
    lines, as results come), --resume LOG (take a former run's kills, run the rest), --survivors-of REPORT

Each mutant changes one line of one file in a temporary copy of the tree (never the working tree), and the
law tests run against that copy with the disk cache off (ADVISOR_CACHE_DIR=off), in a child forked from a
fork server per copy (see "the fork server" below). A mutant is *killed* when a test fails or the pack
refuses to load, *survives* when every law test passes. A timeout is not a kill: the mutant runs again
alone with a long limit, and only one that times out again counts, as a hang, reported apart.

Rule-pack mutants (rules/national/*.yaml incl. deadlines, calendar, filing packs; rules/regional/*.yaml):
threshold (each number compared or counted: ±1, ×10), operator (gte↔gt, lte↔lt, is↔is_not, in↔not_in),
date (each effective from/until ±1 day), conclusion (pathway, exemption, trigger, warning↔note, period direction, regional
need), boolean, citation (each cited article dropped or its number changed).
Code mutants (advisor/decide.py, facts.py, questions.py, calendar/, deadlines/, engine/cache.py):
comparisons, and/or, not, True/False, min/max, bisect_left/right, [0]/[-1], small integers ±1,
break/continue, setdefault (first wins) → assignment (last wins).

Equivalent mutants (no test could ever tell them apart) are listed with the reason in
tests/mutation_equivalents.yaml; they are reported apart, not counted. The exit status is 1 when a score
is below its target (rule pack 95 %, code 90 %) in a full run.
"""
from __future__ import annotations

import argparse
import collections
import concurrent.futures as cf
import datetime as dt
import io
import json
import os
import random
import resource
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)   # the venv that runs this script (make mutate: .venv)
EQUIVALENTS = ROOT / "tests" / "mutation_equivalents.yaml"
PACK_FILES = ["rules/national/*.yaml", "rules/regional/*.yaml"]
CODE_FILES = ["advisor/decide.py", "advisor/facts.py", "advisor/questions.py", "advisor/calendar/*.py",
              "advisor/deadlines/*.py", "advisor/engine/cache.py"]
TARGETS = {"pack": 0.95, "code": 0.90}
IGNORE = shutil.ignore_patterns(".venv", ".git", "data", "test-artifacts", "__pycache__", "*.pyc", ".hypothesis",
                                "*.egg-info", "build", "dist")


@dataclass(frozen=True)
class Mutant:
    path: str          # relative to the tree
    line: int          # 1-based
    old: str           # the line as it was
    new: str           # the line as mutated ("" deletes it)
    kind: str          # "pack" or "code"
    category: str      # threshold, operator, date, … (pack); the module (code)
    where: str = ""    # the rule or measure id (pack), the function (code): with old and new, the mutant's key

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.path, self.where, self.old.strip(), self.new.strip())

    def label(self) -> str:
        return (f"{self.path}:{self.line} [{self.where}]  {self.old.strip()}  →  "
                f"{self.new.strip() or '(line dropped)'}")


# ---- rule-pack mutants ------------------------------------------------------------------------------

OP_SWAP = {"gte": "gt", "gt": "gte", "lte": "lt", "lt": "lte", "is": "is_not", "is_not": "is", "in": "not_in",
           "not_in": "in"}
PATHWAYS = ["not_outbound", "exempt", "standard_contract_or_certification", "security_assessment"]
PATHWAY_SWAP = {"not_outbound": "exempt", "exempt": "standard_contract_or_certification",
                "standard_contract_or_certification": "security_assessment",
                "security_assessment": "standard_contract_or_certification"}
KEY_NUM = re.compile(r"(?<![\w.])([a-z_]+): (-?\d+)(?=[,}\]\s]|$)")
KEY_DATE = re.compile(r"(?<![\w.])([a-z_]+): (\d{4}-\d{2}-\d{2})(?=[,}\]\s]|$)")
KEY_BOOL = re.compile(r"(?<![\w.])([\w.{}\"]+): (true|false)(?=[,}\]\s]|$)")
KEY_OP = re.compile(r"(?<=[{,] )(gte|gt|lte|lt|is|is_not|in|not_in)(?=: )")
CITE = re.compile(r"\{instrument: [\w.-]+(?:, article: \"?(\d+)\"?)?(?:, item: \"?\w+\"?)?\}")
NOT_DATES = {"last_verified", "last_reviewed", "checked", "retrieved", "accessed", "published"}
COND_OPS = {"gte", "gt", "lte", "lt"}


def _strip_comment(line: str) -> str:
    return "" if line.lstrip().startswith("#") else line


def _sub_at(line: str, m: re.Match, group: int, value: str) -> str:
    return line[:m.start(group)] + value + line[m.end(group):]


def pack_mutants(rel: str, text: str) -> list[Mutant]:
    out: list[Mutant] = []
    lines = text.split("\n")
    in_text, where = False, ""
    for i, line in enumerate(lines, 1):
        found = re.match(r"^\s*-?\s*id: ([\w.-]+)", line)
        if found and (not line.startswith("    ") or line.lstrip().startswith("- id:")):
            where = found.group(1)
        body = _strip_comment(line)
        stripped = body.strip()
        indent = len(body) - len(body.lstrip())
        if in_text and stripped and indent <= text_indent:
            in_text = False
        if re.match(r"^\s*(zh|en|text|title|note|offers|eligible|summary|name|issuer)\s*:\s*[|>]?\s*$", body):
            in_text, text_indent = True, indent
            continue
        if in_text or not stripped or re.match(r"^\s*-?\s*(zh|en)\s*:", body) or stripped.startswith("- http"):
            continue

        def add(new: str, category: str) -> None:
            if new != line:
                out.append(Mutant(rel, i, line, new, "pack", category, where))

        for m in KEY_NUM.finditer(body):
            key, n = m.group(1), int(m.group(2))
            if key in ("article", "item"):
                continue
            for v in sorted({n - 1, n + 1, n * 10} - {n}):
                add(_sub_at(line, m, 2, str(v)), "threshold")
        for m in KEY_OP.finditer(body):
            if m.group(1) in ("is", "is_not") and re.match(r": (true|false)\b", body[m.end(1):]):
                continue                               # the same as flipping the boolean (below)
            add(_sub_at(line, m, 1, OP_SWAP[m.group(1)]), "operator")
        for m in KEY_DATE.finditer(body):
            if m.group(1) in NOT_DATES:
                continue
            d = dt.date.fromisoformat(m.group(2))
            for v in (d - dt.timedelta(days=1), d + dt.timedelta(days=1)):
                add(_sub_at(line, m, 2, v.isoformat()), "date")
        for m in KEY_BOOL.finditer(body):
            add(_sub_at(line, m, 2, "false" if m.group(2) == "true" else "true"), "boolean")
        for m in re.finditer(r"(?<![\w.])(pathway|severity|trigger|exemption|need_country|need|status|direction): ([\w-]+)", body):
            key, v = m.group(1), m.group(2)
            swap = {"pathway": PATHWAY_SWAP.get(v), "severity": {"warning": "note", "note": "warning"}.get(v),
                    "need_country": {"HK": "MO", "MO": "HK"}.get(v)}.get(key)
            if key == "trigger":
                swap = {"volume": "ciio", "ciio": "important_data", "important_data": "volume"}.get(v)
            if key == "exemption":
                swap = "below_threshold" if v != "below_threshold" else "contract_necessity"
            if key == "need":
                swap = "none" if v != "none" else None
            if key == "direction":
                swap = {"after": "before", "before": "after"}.get(v)
            if key == "status":
                swap = {"in_force": "expired", "expired": "in_force", "draft": "in_force"}.get(v)
            if swap:
                add(_sub_at(line, m, 2, swap), "conclusion")
        cites = list(CITE.finditer(body))
        for m in cites:
            if m.group(1):
                add(_sub_at(line, m, 1, str(int(m.group(1)) + 1)), "citation")
            if re.match(r"^\s*-\s*\{instrument:", body) and len(cites) == 1:
                add("", "citation")                    # a block-list item: drop the line
            elif len(cites) > 1:
                s, e = m.span()
                before, after = line[:s], line[e:]
                if after.startswith(", "):
                    add(before + after[2:], "citation")
                elif before.endswith(", "):
                    add(before[:-2] + after, "citation")
    return out


# ---- code mutants -----------------------------------------------------------------------------------

TOKEN_SWAP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "==", "and": "or", "or": "and",
              "True": "False", "False": "True", "min": "max", "max": "min", "bisect_left": "bisect_right",
              "bisect_right": "bisect_left", "break": "continue", "continue": "break", "+": "-", "-": "+",
              "any": "all", "all": "any"}


def code_mutants(rel: str, text: str) -> list[Mutant]:
    category = Path(rel).parent.name if Path(rel).parent.name in ("calendar", "deadlines") else Path(rel).stem
    if category == "cache":
        category = "engine cache"
    lines = text.split("\n")
    out: list[Mutant] = []
    seen: set[tuple[int, str]] = set()
    toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    func, name = {}, ""
    for i, line in enumerate(lines, 1):
        found = re.match(r"^\s*(?:async )?def (\w+)|^class (\w+)", line)
        if found:
            name = found.group(1) or found.group(2)
        elif line and not line[0].isspace() and not line.startswith(("#", ")", "]", "}")):
            name = "(module)"
        func[i] = name or "(module)"

    def add(row: int, col: int, end: int, new_tok: str) -> None:
        line = lines[row - 1]
        new = line[:col] + new_tok + line[end:]
        if (row, new) in seen or new == line:
            return
        seen.add((row, new))
        if _compiles(lines, row, new):
            out.append(Mutant(rel, row, line, new, "code", category, func[row]))

    for k, t in enumerate(toks):
        (row, col), (erow, ecol) = t.start, t.end
        if row != erow or t.type in (tokenize.STRING, tokenize.COMMENT):
            continue
        line = lines[row - 1]
        if line.lstrip().startswith(("import ", "from ", "def ", "class ", "@")) or "-> " in line[col - 3:col + 3]:
            continue
        prev = toks[k - 1].string if k else ""
        nxt = toks[k + 1].string if k + 1 < len(toks) else ""
        if t.string in TOKEN_SWAP and (t.type == tokenize.OP or t.type == tokenize.NAME):
            if t.string in ("+", "-") and not (toks[k + 1].type == tokenize.NUMBER):
                continue                       # arithmetic on small constants only (off-by-one)
            if t.string == "-" and prev in ("(", "[", ",", "=", ":", "return"):
                continue                       # a negative literal, not a subtraction
            add(row, col, ecol, TOKEN_SWAP[t.string])
        if t.string == "not" and t.type == tokenize.NAME and nxt != "in":
            add(row, col, toks[k + 1].start[1], "")
        if t.string == "in" and prev == "not":
            add(row, toks[k - 1].start[1], ecol, "in")
        elif t.string == "in" and t.type == tokenize.NAME and not line.lstrip().startswith("for ") and " for " not in line:
            add(row, col, ecol, "not in")
        if t.string == "is" and nxt == "not":
            add(row, col, toks[k + 1].end[1], "is")
        elif t.string == "is" and nxt == "None":
            add(row, col, ecol, "is not")
        if t.type == tokenize.NUMBER and t.string in ("0", "1", "2") and prev != "-":
            add(row, col, ecol, {"0": "1", "1": "0", "2": "1"}[t.string])
        if t.string == "[" and nxt in ("0", "-") and prev not in ("=", "(", ",", "return", "[", ":"):
            close = toks[k + 2] if nxt == "0" else toks[k + 3] if k + 3 < len(toks) else None
            if close is not None and close.string == "]" and close.start[0] == row:
                inner = "-1" if nxt == "0" else "0"
                if nxt == "0" or toks[k + 2].string == "1":
                    add(row, col, close.end[1], f"[{inner}]")
        if t.string == "setdefault" and prev == ".":
            m = re.match(r"^(\s*)([\w.\[\]]+)\.setdefault\((.+?), (.+)\)\s*$", line)
            if m:
                new = f"{m.group(1)}{m.group(2)}[{m.group(3)}] = {m.group(4)}"
                if _compiles(lines, row, new):
                    out.append(Mutant(rel, row, line, new, "code", category, func[row]))
    return out


def _compiles(lines: list[str], row: int, new: str) -> bool:
    src = "\n".join(lines[:row - 1] + [new] + lines[row:])
    try:
        compile(src, "<mutant>", "exec")
        return True
    except SyntaxError:
        return False


# ---- the fork server: one per tree, pytest imported once, a forked child per mutant -------------------
#
# A mutant's run used to be a fresh `python -m pytest` (interpreter, pytest and its plugins, pydantic,
# durable_rules, the assertion rewriting of every test module: seconds before the first test). The worker
# below imports all of that once, with the code of the tree NOT imported, and forks a child per mutant;
# the child imports the tree's (mutated) code, checks that the pack loads, and runs `pytest -x -m law`
# with the tests that killed earlier mutants of the same file and category first. A surviving mutant
# still runs every law test (only the order changes); the baseline runs in reversed order too, so a test
# that passes only after another one cannot fake a kill.

PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider", "-m", "law"]
WORKER_ENV = {"ADVISOR_CACHE_DIR": "off", "PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


class _Order:
    """pytest plugin: the tests named in `first` run first, in that order; records the first failure."""

    def __init__(self, first: list[str], reverse: bool = False) -> None:
        self.rank = {n: i for i, n in enumerate(first)}
        self.reverse = reverse
        self.failed: str | None = None
        self.why = ""
        self.ran = 0

    def pytest_collection_modifyitems(self, items: list) -> None:
        if self.reverse:
            items.reverse()
        n, pos = len(self.rank), {id(it): i for i, it in enumerate(items)}
        items.sort(key=lambda it: (self.rank.get(it.nodeid, n), pos[id(it)]))

    def _fail(self, report) -> None:
        if report.failed and self.failed is None:
            self.failed = report.nodeid or "(collection)"
            self.why = str(report.longrepr)[-400:]
            if _ANSWER_FD is not None:    # killed: answer now, skip the teardown and pytest's exit work
                _answer({"status": "failed", "killer": self.failed, "why": self.why, "tests": self.ran})

    def pytest_runtest_logreport(self, report) -> None:
        self.ran += report.when == "call"
        self._fail(report)

    def pytest_collectreport(self, report) -> None:
        self._fail(report)


_ANSWER_FD: int | None = None


def _answer(res: dict) -> None:
    """The child's answer to the worker, then its end (os._exit: no teardown, no atexit, no gc)."""
    os.write(_ANSWER_FD, json.dumps(res).encode())
    os._exit(0)


def _child(req: dict) -> dict:
    import pytest

    if req.get("load_pack"):                       # a pack the validator refuses: killed without pytest
        try:
            from advisor.service import Advisor
            Advisor.load(engine="reference", memo=False)
        except Exception as e:                     # noqa: BLE001 - whatever stops the pack loading
            return {"status": "refused", "killer": "(the pack refuses to load)", "why": f"{type(e).__name__}: {e}"[:400]}
    order = _Order(req.get("first", []), req.get("reverse", False))
    code = int(pytest.main([*PYTEST_ARGS, *req["files"]], plugins=[order]))
    status = "passed" if code == 0 else "failed" if code in (1, 2) else f"pytest exit {code}"
    return {"status": status, "killer": order.failed, "why": order.why, "tests": order.ran}


def _fork_run(req: dict) -> dict:
    t0 = time.monotonic()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:                                   # the child: its own process group, output discarded
        global _ANSWER_FD
        os.close(r)
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        _ANSWER_FD = w
        try:
            res = _child(req)
        except BaseException as e:                 # noqa: BLE001
            res = {"status": "error", "why": f"{type(e).__name__}: {e}"[:400]}
        _answer(res)
    os.close(w)
    buf, deadline = b"", t0 + req["timeout"]
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([r], [], [], left)[0]:
            try:
                os.killpg(pid, signal.SIGKILL)     # the child and whatever it started (the CLI tests)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            os.close(r)
            return {"status": "timeout", "seconds": time.monotonic() - t0}
        chunk = os.read(r, 1 << 16)
        if not chunk:
            break
        buf += chunk
    os.close(r)
    os.waitpid(pid, 0)
    try:
        res = json.loads(buf)
    except ValueError:
        res = {"status": "error", "why": "the child died without an answer"}
    res["seconds"] = time.monotonic() - t0
    return res


def worker_main() -> int:
    """`mutate.py --worker`, run in a tree: requests (JSON lines) on stdin, answers on stdout."""
    tree = Path.cwd().resolve()
    out = os.fdopen(os.dup(1), "w")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    import pytest  # noqa: F401  - imported once, before any fork

    foreign, own = _probe_modules(tree)
    for name in foreign + own:
        try:
            __import__(name)
        except Exception:                          # noqa: BLE001 - a module that will not preload is imported later
            pass
    parsed = _parse_yaml_once(tree)
    out.write(json.dumps({"ready": True, "foreign": len(foreign), "own": own, "yaml": parsed}) + "\n")
    out.flush()
    for line in sys.stdin:
        out.write(json.dumps(_fork_run(json.loads(line))) + "\n")
        out.flush()
    return 0


def _mutated_modules(tree: Path) -> set[str]:
    return {p.relative_to(tree).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")
            for pattern in CODE_FILES for p in tree.glob(pattern)}


def _probe_modules(tree: Path) -> tuple[list[str], list[str]]:
    """What the law tests import, found by a probe child that collects them: the modules from outside the
    tree (pydantic, durable_rules, yaml, …), and the tree's own modules that are safe to import once for
    every mutant: no mutated module among what they import, no file under rules/ read when imported
    (else a mutant of that file would go unseen)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 1)
        os.dup2(null, 2)
        foreign: list[str] = []
        own: list[str] = []
        try:
            import pytest
            before = set(sys.modules)
            pytest.main(["--collect-only", *PYTEST_ARGS, "tests"])
            candidates = []
            for name in list(sys.modules):
                f = getattr(sys.modules[name], "__file__", None) or ""
                if name in before or name == "__main__" or not f or "/_pytest/" in f:
                    continue
                if not f.startswith(str(tree)):
                    foreign.append(name)
                elif f.startswith(str(tree / "advisor")):
                    candidates.append(name)
            own = _safe_own(tree, candidates)
        finally:
            os.write(w, json.dumps([foreign, own]).encode())
            os._exit(0)
    os.close(w)
    buf = b""
    while chunk := os.read(r, 1 << 16):
        buf += chunk
    os.close(r)
    os.waitpid(pid, 0)
    foreign, own = json.loads(buf or b"[[], []]")
    return foreign, own


def _safe_own(tree: Path, candidates: list[str]) -> list[str]:
    """Run in the probe child (after the tests were collected there): each candidate imported afresh, after
    every module of the tree was dropped from sys.modules; safe when that pulled in no mutated module and
    opened no file under rules/."""
    mutated = _mutated_modules(tree)
    rules = str(tree / "rules")
    opened: list[str] = []
    sys.addaudithook(lambda event, a: opened.append(str(a[0])) if event == "open" and a and
                     isinstance(a[0], (str, Path)) and str(a[0]).startswith(rules) else None)
    safe = []
    for name in sorted(candidates):
        if name in mutated:
            continue
        for n in [n for n, m in sys.modules.items() if (getattr(m, "__file__", None) or "").startswith(str(tree))]:
            del sys.modules[n]
        opened.clear()
        try:
            __import__(name)
        except Exception:                          # noqa: BLE001
            continue
        if not opened and not (mutated & set(sys.modules)):
            safe.append(name)
    return safe


def _parse_yaml_once(tree: Path) -> int:
    """The tree's YAML files parsed once, here: the strict reader (advisor/packs/yamlio.py, not mutated) then
    answers from this memo, keyed by the file's whole text, so a mutated file (another text) is parsed
    afresh. Parsing the packs again was a third of a killed mutant's time."""
    import pickle

    try:
        from advisor.packs import yamlio
    except ImportError:
        return 0
    if "advisor.packs.yamlio" in _mutated_modules(tree):
        return 0
    parse, memo = yamlio.parse_yaml, {}
    for p in sorted(tree.rglob("*.yaml")):
        try:
            text = p.read_text(encoding="utf-8")
            memo[text] = pickle.dumps(parse(text, str(p)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:                          # noqa: BLE001 - a file that does not parse is parsed (and refused) later
            continue

    def parse_yaml(text: str, name: str):
        blob = memo.get(text)
        return pickle.loads(blob) if blob is not None else parse(text, name)

    parse_yaml.__doc__ = parse.__doc__
    yamlio.parse_yaml = parse_yaml
    return len(memo)


class Worker:
    """The main process's handle on one tree's fork server."""

    def __init__(self, tree: Path) -> None:
        self.tree = tree
        env = {**os.environ, "PYTHONPATH": str(tree), **WORKER_ENV}
        self.proc = subprocess.Popen([str(PYTHON), str(Path(__file__).resolve()), "--worker"], cwd=tree, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.hello = json.loads(self.proc.stdout.readline() or "{}")
        if not self.hello.get("ready"):
            raise RuntimeError(f"the worker in {tree} did not start")

    def run(self, **req) -> dict:
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the worker in {self.tree} died")
        return json.loads(line)

    def close(self) -> None:
        if not self.proc.stdin.closed:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


# ---- running ----------------------------------------------------------------------------------------

def all_mutants(tree: Path) -> list[Mutant]:
    out: list[Mutant] = []
    for pattern in PACK_FILES:
        for p in sorted(tree.glob(pattern)):
            out += pack_mutants(p.relative_to(tree).as_posix(), p.read_text(encoding="utf-8"))
    for pattern in CODE_FILES:
        for p in sorted(tree.glob(pattern)):
            if p.name != "__init__.py":
                out += code_mutants(p.relative_to(tree).as_posix(), p.read_text(encoding="utf-8"))
    return out


def load_equivalents() -> dict[tuple[str, str, str], str]:
    sys.path.insert(0, str(ROOT))
    from advisor.packs.yamlio import read_yaml

    doc = read_yaml(EQUIVALENTS) if EQUIVALENTS.exists() else {}
    out = {}
    for e in doc.get("equivalents") or []:
        out[(e["file"], e["where"], str(e["from"]).strip(), str(e.get("to", "")).strip())] = e["reason"]
    return out


def law_files(tree: Path) -> list[str]:
    files = [p for p in sorted((tree / "tests").rglob("test_*.py")) if "pytest.mark.law" in p.read_text(encoding="utf-8")]
    first = ["test_citations.py", "test_cases.py"]          # quick, and they kill most mutants
    files.sort(key=lambda p: (first.index(p.name) if p.name in first else len(first), p.name))
    return [p.relative_to(tree).as_posix() for p in files]


def make_copy(dest: Path) -> Path:
    shutil.copytree(ROOT, dest, ignore=IGNORE, symlinks=True)
    (dest / "advisor_rules").symlink_to("rules")       # what `import advisor_rules` finds in the copy
    return dest


def run_tests(tree: Path, files: list[str], timeout: float) -> tuple[bool, str]:
    """The law tests in a fresh interpreter (the unmutated baseline). Byte code is written: the tree's
    unmutated modules and the rewritten test modules are then compiled once, not once per mutant (a
    mutated file gets another mtime, so its stale byte code is never read; see `apply`)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "ADVISOR_CACHE_DIR": "off",
           "HYPOTHESIS_PROFILE": os.environ.get("HYPOTHESIS_PROFILE", "default")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [str(PYTHON), "-m", "pytest", *PYTEST_ARGS, *files]
    try:
        proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, "timeout"
    tail = [l for l in proc.stdout.splitlines() if l.startswith(("FAILED", "ERROR"))][:1]
    return proc.returncode == 0, (tail[0] if tail else proc.stdout.strip().splitlines()[-1:] and proc.stdout.strip().splitlines()[-1] or "")


class apply:
    """The mutant written into the tree, the original put back after, with its own mtime: the byte code
    compiled from the original stays valid, and the mutant (mtime moved on by 2 s) never matches it."""

    def __init__(self, tree: Path, m: Mutant) -> None:
        self.target, self.m = tree / m.path, m

    def __enter__(self) -> None:
        self.original = self.target.read_text(encoding="utf-8")
        self.stat = self.target.stat()
        lines = self.original.split("\n")
        assert lines[self.m.line - 1] == self.m.old, (self.m.path, self.m.line)
        lines[self.m.line - 1:self.m.line] = [self.m.new] if self.m.new != "" else []
        self.target.write_text("\n".join(lines), encoding="utf-8")
        os.utime(self.target, ns=(self.stat.st_atime_ns, self.stat.st_mtime_ns + 2_000_000_000))

    def __exit__(self, *exc) -> None:
        self.target.write_text(self.original, encoding="utf-8")
        os.utime(self.target, ns=(self.stat.st_atime_ns, self.stat.st_mtime_ns))


class Killers:
    """Which tests killed mutants so far, by file and by category: a mutant's run starts with them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)

    def add(self, m: Mutant, test: str | None) -> None:
        if test and "::" in test:
            with self.lock:
                for k in (m.path, f"{m.kind}:{m.category}", m.kind, ""):
                    self.by[k][test] += 1

    def first(self, m: Mutant, n: int = 25) -> list[str]:
        out: list[str] = []
        with self.lock:
            for k in (m.path, f"{m.kind}:{m.category}", m.kind, ""):
                out += [t for t, _ in self.by[k].most_common(n) if t not in out]
        return out


def _probe(tree: Path) -> str:
    code = "import advisor, advisor_rules; print(advisor.__file__); print(list(advisor_rules.__path__)[0])"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(PYTHON), "-c", code], cwd=tree, env=env, capture_output=True, text=True).stdout


def sample(mutants: list[Mutant], n: int, seed: int) -> list[Mutant]:
    """About n mutants, every category represented, in proportion otherwise."""
    rng = random.Random(seed)
    by: dict[str, list[Mutant]] = {}
    for m in mutants:
        by.setdefault(f"{m.kind}:{m.category}", []).append(m)
    out = []
    for cat, ms in sorted(by.items()):
        k = max(1, round(n * len(ms) / len(mutants)))
        out += rng.sample(ms, min(k, len(ms)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--full", action="store_true", help="every mutant (default: a sample)")
    ap.add_argument("--sample", type=int, default=60, help="mutants in a sampled run (default 60)")
    ap.add_argument("--seed", type=int, default=None, help="sample seed (default: today's date)")
    ap.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    ap.add_argument("--only", default="", help="comma-separated categories (threshold, citation, decide, …)")
    ap.add_argument("--list", action="store_true", help="list the mutants and stop")
    ap.add_argument("--time-limit", type=float, default=0, help="minutes: start no mutant after this (the mutants "
                    "run in random order, so a cut-off run is a random sample; the report says so)")
    ap.add_argument("--report", type=Path, help="also write the report (markdown) to this file")
    ap.add_argument("--log", type=Path, help="append each mutant's result to this file as it comes (JSON lines)")
    ap.add_argument("--resume", type=Path, metavar="LOG", help="take the results a former run's --log holds (a "
                    "run cut off by a crash or on purpose) and run only the other mutants; the report counts both")
    ap.add_argument("--survivors-of", type=Path, metavar="LOG",
                    help="run again only the mutants a former run's output (log or report) lists as survivors")
    ap.add_argument("--report-of", type=Path, nargs="+", metavar="LOG",
                    help="no run: the report of the results in these --log files (a later row of a mutant wins), "
                         "leaving out the mutants tests/mutation_equivalents.yaml lists today")
    args = ap.parse_args(argv)
    if args.report_of:
        return report_of(args.report_of, args.report)

    mutants = all_mutants(ROOT)
    if args.only:
        wanted = set(args.only.split(","))
        mutants = [m for m in mutants if m.category in wanted or m.kind in wanted]
    if args.survivors_of:
        wanted_keys = _survivor_keys(args.survivors_of)
        mutants = [m for m in mutants if (m.path, m.old.strip(), m.new.strip() or "(line dropped)") in wanted_keys]
        args.full = True
    equivalents = load_equivalents()
    equivalent = [m for m in mutants if m.key in equivalents]
    todo = [m for m in mutants if m.key not in equivalents]
    if not args.full:
        seed = args.seed if args.seed is not None else int(dt.date.today().strftime("%Y%m%d"))
        todo = sample(todo, args.sample, seed)
    random.Random(0).shuffle(todo)
    if args.list:
        for m in todo:
            print(f"{m.kind}:{m.category:12} {m.label()}")
        print(f"{len(todo)} mutants ({len(equivalent)} equivalent not listed)")
        return 0

    t0, loads = time.monotonic(), [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        trees = [make_copy(Path(tmp) / f"w{i}") for i in range(max(1, args.jobs))]
        probe = _probe(trees[0])
        if str(trees[0]) not in probe:
            print(f"the copy does not import its own code: {probe}", file=sys.stderr)
            return 2
        files = law_files(trees[0])
        with cf.ThreadPoolExecutor(max_workers=len(trees)) as pool:   # also compiles each tree's byte code
            bases = list(pool.map(lambda t: (time.monotonic(), run_tests(t, files, timeout=900), time.monotonic()),
                                  trees))
        for t_start, (ok, why), t_end in bases:
            if not ok:
                print(f"the law tests fail on the unmutated tree: {why}", file=sys.stderr)
                return 2
        fresh = max(t_end - t_start for t_start, _, t_end in bases)
        workers = [Worker(t) for t in trees]
        try:
            return _run_all(args, todo, equivalent, equivalents, files, workers, fresh, t0, loads)
        finally:
            for w in workers:
                w.close()


def _run_all(args, todo, equivalent, equivalents, files, workers, fresh, t0, loads) -> int:
    # the baseline in reversed order (no test leans on another) and after the pack check (which leaves
    # nothing behind that a test could lean on)
    base = workers[0].run(files=files, timeout=900, reverse=True, load_pack=True)
    if base["status"] != "passed":
        print(f"the law tests fail on the unmutated tree in reversed order: {base.get('killer')} "
              f"{base.get('why', '')}", file=sys.stderr)
        return 2
    timeout = max(90.0, base["seconds"] * 4)
    hello = workers[0].hello
    print(f"each worker imported {hello['foreign']} modules from outside the tree and {len(hello['own'])} of the "
          f"tree's own that no mutant touches ({', '.join(hello['own'])}), and parsed {hello['yaml']} YAML files",
          flush=True)
    print(f"{len(todo)} mutants ({'full' if args.full else 'sample'}), {len(equivalent)} equivalent "
          f"(tests/mutation_equivalents.yaml); the law tests take {fresh:.0f} s in a fresh interpreter, "
          f"{base['seconds']:.0f} s in a forked one ({base['tests']} tests); {len(workers)} at once; "
          f"timeout {timeout:.0f} s", flush=True)
    free, killers = list(workers), Killers()
    results: dict[Mutant, dict] = {}
    if args.resume:
        done = {}
        for line in args.resume.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            done[row["mutant"]] = row
        for m in todo:
            row = done.get(m.label())
            if row is not None and row["status"] in KILLED:     # survivors run again, against today's tests
                results[m] = {**{k: v for k, v in row.items() if k not in ("mutant", "kind", "category")},
                              "resumed": True}
                if row["status"] != "passed":
                    killers.add(m, row.get("killer"))
        print(f"resumed from {args.resume}: {len(results)} mutants' results taken, {len(todo) - len(results)} to run "
              f"(its survivors run again)", flush=True)
        todo = [m for m in todo if m not in results]

    def one(m: Mutant, limit: float = timeout) -> tuple[Mutant, dict | None]:
        if args.time_limit and time.monotonic() - t0 > args.time_limit * 60:
            return m, None
        w = free.pop()
        try:
            with apply(w.tree, m):
                res = w.run(files=files, timeout=limit, first=killers.first(m), load_pack=m.kind == "pack")
        finally:
            free.append(w)
        if res["status"] in ("failed", "refused"):
            killers.add(m, res.get("killer"))
        return m, res

    def record(n: int, total: int, m: Mutant, res: dict | None) -> None:
        if res is None:
            return
        results[m] = res
        if args.log:
            with args.log.open("a", encoding="utf-8") as f:
                f.write(json.dumps({"mutant": m.label(), "kind": m.kind, "category": m.category, **res},
                                   ensure_ascii=False) + "\n")
        if res["status"] == "passed":
            print(f"  [{n}/{total}] SURVIVED {m.kind}:{m.category} {m.label()}", flush=True)
        elif res["status"] not in ("failed", "refused"):
            print(f"  [{n}/{total}] {res['status'].upper()} ({res['seconds']:.0f} s) {m.kind}:{m.category} "
                  f"{m.label()}", flush=True)
        if n % 50 == 0:
            loads.append(os.getloadavg()[0])
            print(f"  [{n}/{total}] … {time.monotonic() - t0:.0f} s, load {loads[-1]:.1f}", flush=True)

    with cf.ThreadPoolExecutor(max_workers=len(workers)) as pool:
        for n, (m, res) in enumerate(pool.map(one, todo), 1):
            record(n, len(todo), m, res)
    # A timeout under load is not a kill: each runs again alone, with a long limit. One that times out
    # again hangs for real (a loop that no longer ends); it is counted as killed and listed apart.
    again = [m for m, r in results.items() if r["status"] in ("timeout", "error") or r["status"].startswith("pytest")]
    if again:
        print(f"running again, one at a time: {len(again)} mutants that timed out or errored", flush=True)
        for n, m in enumerate(again, 1):
            first = results[m]
            _, res = one(m, limit=max(600.0, timeout * 4))
            if res is not None:
                res["first_try"] = first["status"]
                if res["status"] == "timeout":
                    res["status"] = "hang"
                record(n, len(again), m, res)
    loads.append(os.getloadavg()[0])
    for w in workers:
        w.close()
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = render(results, equivalent, equivalents, args.full, time.monotonic() - t0,
                    {"fresh": fresh, "base": base, "loads": loads, "jobs": len(workers), "timeout": timeout,
                     "cpu": cpu.ru_utime + cpu.ru_stime})
    if len(results) < len(todo):
        report = (f"CUT OFF by --time-limit: {len(results)} of {len(todo)} mutants run (a random sample of them)\n"
                  + report)
    print(report)
    if args.report:
        args.report.write_text(report + "\n", encoding="utf-8")
    low = [k for k, target in TARGETS.items() if _score(results, k)[2] is not None and _score(results, k)[2] < target]
    return 1 if args.full and low else 0


LABEL = re.compile(r"^(\S+?):(\d+) \[([^\]]*)\]  (.*?)  →  (.*)$")


def report_of(logs: list[Path], out: Path | None) -> int:
    """The report of one or more --log files: a run cut off and resumed, read as one."""
    rows: dict[str, dict] = {}
    for log in logs:
        for line in log.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            rows[row["mutant"]] = row
    equivalents = load_equivalents()
    results: dict[Mutant, dict] = {}
    equivalent = []
    for label, row in rows.items():
        m = LABEL.match(label)
        if not m:
            continue
        new = "" if m.group(5) == "(line dropped)" else m.group(5)
        mutant = Mutant(m.group(1), int(m.group(2)), m.group(4), new, row["kind"], row["category"], m.group(3))
        if mutant.key in equivalents:
            equivalent.append(mutant)
        else:
            results[mutant] = {k: v for k, v in row.items() if k not in ("mutant", "kind", "category")}
    seconds = sum(r.get("seconds", 0) for r in results.values())
    report = (f"Report of {', '.join(str(x) for x in logs)}: {len(rows)} mutants logged, {len(equivalent)} of them "
              f"listed as equivalent since; the times below are the mutants' own, summed\n"
              + render(results, equivalent, equivalents, True, seconds, None))
    print(report)
    if out:
        out.write_text(report + "\n", encoding="utf-8")
    return 0


def _survivor_keys(log: Path) -> set[tuple[str, str, str]]:
    """(file, old, new) of each survivor named in a former run's output."""
    keys = set()
    for line in log.read_text(encoding="utf-8").splitlines():
        m = re.search(r"(?:SURVIVED |^- )(?:pack|code):.*? (\S+?):\d+(?: \[[^\]]*\])?  (.*?)  →  (.*)$", line)
        if m:
            keys.add((m.group(1), m.group(2).strip(), m.group(3).strip()))
    return keys


KILLED = ("failed", "refused", "hang")


def _score(results: dict[Mutant, dict], kind: str, category: str | None = None):
    """(killed, counted, score): errors that stayed errors on the second try are not counted."""
    rows = [r["status"] for m, r in results.items()
            if m.kind == kind and (category is None or m.category == category) and r["status"] in KILLED + ("passed",)]
    killed = sum(1 for s in rows if s in KILLED)
    return killed, len(rows), (killed / len(rows) if rows else None)


def render(results, equivalent, reasons, full, seconds, run) -> str:
    times = sorted(r["seconds"] for r in results.values() if "seconds" in r)
    med = times[len(times) // 2] if times else 0
    if run is None:
        out = [f"{len(results)} mutants; their own time {seconds / 60:.1f} min, a mutant's median {med:.1f} s"]
    else:
        loads = run["loads"]
        out = [f"Mutation run ({'full' if full else 'sample'}) of {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC: "
               f"{len(results)} mutants in {seconds / 60:.1f} min, {run['jobs']} at once on {os.cpu_count()} cores, "
               f"load average {min(loads):.1f}–{max(loads):.1f} (sampled every 50 mutants); a mutant's median "
               f"{med:.1f} s; the whole law suite {run['fresh']:.0f} s fresh, {run['base']['seconds']:.0f} s forked; "
               f"timeout {run['timeout']:.0f} s; CPU time {run['cpu'] / 60:.0f} min (on an idle machine, {run['jobs']} "
               f"at once: about {run['cpu'] / 60 / min(run['jobs'], os.cpu_count() or 1):.0f} min)"]
    out += ["", "| | category | killed | of which the pack refused | hang | mutants | score |", "|---|---|---|---|---|---|---|"]
    for kind in ("pack", "code"):
        cats = sorted({m.category for m in results if m.kind == kind})
        for c in cats + [None]:
            k, n, s = _score(results, kind, c)
            if not n:
                continue
            refused = sum(1 for m, r in results.items() if m.kind == kind and (c is None or m.category == c)
                          and r["status"] == "refused")
            hang = sum(1 for m, r in results.items() if m.kind == kind and (c is None or m.category == c)
                       and r["status"] == "hang")
            if c is None:
                out.append(f"| **{kind}** | **all** | **{k}** | {refused} | {hang} | **{n}** | **{s:.1%}** "
                           f"(target {TARGETS[kind]:.0%}) |")
            else:
                out.append(f"| {kind} | {c} | {k} | {refused} | {hang} | {n} | {s:.1%} |")
    survivors = [m for m, r in results.items() if r["status"] == "passed"]
    out += ["", f"Survivors ({len(survivors)}):"] + [f"- {m.kind}:{m.category} {m.label()}" for m in survivors]
    again = [(m, r) for m, r in results.items() if "first_try" in r]
    out += ["", f"Timed out or errored, then run again alone ({len(again)}):"]
    out += [f"- {r['first_try']} → {r['status']} ({r['seconds']:.0f} s): {m.kind}:{m.category} {m.label()}"
            for m, r in again]
    broken = [(m, r) for m, r in results.items() if r["status"] not in KILLED + ("passed",)]
    if broken:
        out += ["", f"Not counted: errors on both tries ({len(broken)}):"]
        out += [f"- {r['status']}: {m.label()} — {r.get('why', '')[:200]}" for m, r in broken]
    out += ["", f"Equivalent, not counted ({len(equivalent)}; reasons in tests/mutation_equivalents.yaml):"]
    out += [f"- {m.label()} — {reasons[m.key]}" for m in equivalent]
    return "\n".join(out)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        sys.exit(worker_main())
    sys.exit(main())
