#!/usr/bin/env python3
"""Mutation testing of the law: does `pytest -m law` notice a wrong rule or a wrong line of the core?

    bench/mutate.py                 a sample of about 60 mutants (routine use; ≤ 10 minutes on 2 cores)
    bench/mutate.py --full          every mutant (releases)
    bench/mutate.py --list          the mutants, not run
    options: --sample N, --seed S, --jobs J, --only CATEGORY[,…], --report FILE (markdown)

Each mutant changes one line of one file in a temporary copy of the tree (never the working tree), and the
law tests run against that copy with the disk cache off (ADVISOR_CACHE_DIR=off). A mutant is *killed* when
the tests fail (or time out, or the pack refuses to load), *survives* when they pass.

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
import concurrent.futures as cf
import datetime as dt
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
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
    env = {**os.environ, "PYTHONPATH": str(tree), "ADVISOR_CACHE_DIR": "off", "PYTHONDONTWRITEBYTECODE": "1",
           "HYPOTHESIS_PROFILE": os.environ.get("HYPOTHESIS_PROFILE", "default")}
    cmd = [str(PYTHON), "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-m", "law", *files]
    try:
        proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, "timeout"
    tail = [l for l in proc.stdout.splitlines() if l.startswith(("FAILED", "ERROR"))][:1]
    return proc.returncode == 0, (tail[0] if tail else proc.stdout.strip().splitlines()[-1:] and proc.stdout.strip().splitlines()[-1] or "")


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
    ap.add_argument("--survivors-of", type=Path, metavar="LOG",
                    help="run again only the mutants a former run's output (log or report) lists as survivors")
    args = ap.parse_args(argv)

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

    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        trees = [make_copy(Path(tmp) / f"w{i}") for i in range(max(1, args.jobs))]
        probe = _probe(trees[0])
        if str(trees[0]) not in probe:
            print(f"the copy does not import its own code: {probe}", file=sys.stderr)
            return 2
        files = law_files(trees[0])
        t0 = time.monotonic()
        ok, why = run_tests(trees[0], files, timeout=600)
        base = time.monotonic() - t0
        if not ok:
            print(f"the law tests fail on the unmutated tree: {why}", file=sys.stderr)
            return 2
        print(f"{len(todo)} mutants ({'full' if args.full else 'sample'}), {len(equivalent)} equivalent "
              f"(tests/mutation_equivalents.yaml); law tests take {base:.0f} s unmutated; {args.jobs} at once",
              flush=True)
        free = list(trees)
        results: dict[Mutant, tuple[bool, str]] = {}

        def one(m: Mutant) -> tuple[Mutant, bool | None, str]:
            if args.time_limit and time.monotonic() - t0 > args.time_limit * 60:
                return m, None, "not run (time limit)"
            tree = free.pop()
            target = tree / m.path
            original = target.read_text(encoding="utf-8")
            lines = original.split("\n")
            assert lines[m.line - 1] == m.old
            lines[m.line - 1:m.line] = [m.new] if m.new != "" else []
            try:
                target.write_text("\n".join(lines), encoding="utf-8")
                survived, why = run_tests(tree, files, timeout=base * 3 + 60)
            finally:
                target.write_text(original, encoding="utf-8")
                free.append(tree)
            return m, survived, why

        with cf.ThreadPoolExecutor(max_workers=len(trees)) as pool:
            for n, (m, survived, why) in enumerate(pool.map(one, todo), 1):
                if survived is None:
                    continue
                results[m] = (survived, why)
                if survived:
                    print(f"  [{n}/{len(todo)}] SURVIVED {m.kind}:{m.category} {m.label()}", flush=True)
                elif n % 20 == 0:
                    print(f"  [{n}/{len(todo)}] … {time.monotonic() - t0:.0f} s", flush=True)

    report = render(results, equivalent, equivalents, args.full, time.monotonic() - t0)
    if len(results) < len(todo):
        report = (f"CUT OFF by --time-limit: {len(results)} of {len(todo)} mutants run (a random sample of them)\n"
                  + report)
    print(report)
    if args.report:
        args.report.write_text(report + "\n", encoding="utf-8")
    low = [k for k, target in TARGETS.items() if _score(results, k)[2] is not None and _score(results, k)[2] < target]
    return 1 if args.full and low else 0


def _survivor_keys(log: Path) -> set[tuple[str, str, str]]:
    """(file, old, new) of each survivor named in a former run's output."""
    keys = set()
    for line in log.read_text(encoding="utf-8").splitlines():
        m = re.search(r"(?:SURVIVED |^- )(?:pack|code):.*? (\S+?):\d+(?: \[[^\]]*\])?  (.*?)  →  (.*)$", line)
        if m:
            keys.add((m.group(1), m.group(2).strip(), m.group(3).strip()))
    return keys


def _score(results: dict[Mutant, tuple[bool, str]], kind: str, category: str | None = None):
    rows = [s for m, (s, _) in results.items() if m.kind == kind and (category is None or m.category == category)]
    killed = sum(1 for s in rows if not s)
    return killed, len(rows), (killed / len(rows) if rows else None)


def render(results, equivalent, reasons, full, seconds) -> str:
    out = [f"Mutation run ({'full' if full else 'sample'}), {len(results)} mutants in {seconds / 60:.1f} min:", "",
           "| | category | killed | mutants | score |", "|---|---|---|---|---|"]
    for kind in ("pack", "code"):
        cats = sorted({m.category for m in results if m.kind == kind})
        for c in cats:
            k, n, s = _score(results, kind, c)
            out.append(f"| {kind} | {c} | {k} | {n} | {s:.0%} |")
        k, n, s = _score(results, kind)
        if n:
            out.append(f"| **{kind}** | **all** | **{k}** | **{n}** | **{s:.1%}** (target {TARGETS[kind]:.0%}) |")
    survivors = [m for m, (s, _) in results.items() if s]
    out += ["", f"Survivors ({len(survivors)}):"] + [f"- {m.kind}:{m.category} {m.label()}" for m in survivors]
    out += ["", f"Equivalent, not counted ({len(equivalent)}; reasons in tests/mutation_equivalents.yaml):"]
    out += [f"- {m.label()} — {reasons[m.key]}" for m in equivalent]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
