"""`advisor` command line: assess profiles, browse regional measures (serve/keys come from advisor_api.cli)."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson

from advisor.errors import PackError, ProfileError

FORMATS = ("text", "json", "jsonl", "markdown", "ics", "docx")
BINARY = {"docx"}


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _jobs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if not 1 <= n <= 256:
        raise argparse.ArgumentTypeError(f"--jobs takes a whole number from 1 to 256, got {value!r}")
    return n


def _files(paths: list[str]) -> Iterator[Path]:
    for p in map(Path, paths):
        if str(p) == "-":
            yield p  # standard input
        elif p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.suffix.lower() in (".json", ".yaml", ".yml"))
        else:
            yield p


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\r{done}/{total} profiles assessed")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def cmd_assess(args: argparse.Namespace) -> int:
    from advisor.batch import assess_files

    files = list(_files(args.files))
    if not files:
        print("advisor assess: no profile files given (or the folders hold no .json/.yaml)", file=sys.stderr)
        return 2
    show_progress = args.format == "jsonl" and sys.stderr.isatty() and len(files) > 1
    results = []
    out = sys.stdout.buffer if args.format == "jsonl" else None
    if out is not None:
        sys.stdout.flush()
    done = failed = 0
    for payload, errors in assess_files(files, args, jobs=args.jobs):
        for message in errors:
            print(f"advisor assess: {message}", file=sys.stderr)
        failed += len(errors)
        done += len(payload) + len(errors) if isinstance(payload, list) else payload.count(b"\n") + len(errors)
        if out is not None:
            out.write(payload)
        else:
            results += payload
        if show_progress:
            _progress(done, len(files))
    if out is not None:
        out.flush()
    if args.format != "jsonl" and results:
        _emit(results, args)
    return 2 if failed else 0


def _bundle(result: dict, source: Path, folder: Path, lang: str) -> None:
    """Everything a consultant hands a client, per profile: JSON, Markdown report, calendar, filing pack."""
    from advisor.render import render

    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{source.stem}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / f"{source.stem}.md").write_text(str(render(result, "markdown", lang)), encoding="utf-8")
    (folder / f"{source.stem}.ics").write_bytes(bytes(render(result, "ics", lang)))
    (folder / f"{source.stem}.docx").write_bytes(bytes(render(result, "docx", lang)))


def _emit(results: list[dict], args: argparse.Namespace) -> None:
    from advisor.render import render

    if args.format == "json":
        doc = results[0] if len(results) == 1 else results
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return
    if args.format in BINARY:
        if len(results) != 1:
            raise SystemExit("advisor assess: --format docx takes one profile")
        data = render(results[0], args.format, args.lang)
        if args.output:
            Path(args.output).write_bytes(data)
        elif sys.stdout.isatty():
            raise SystemExit("advisor assess: --format docx is binary; give --output FILE or redirect stdout")
        else:
            sys.stdout.buffer.write(data)
        return
    chunks = [render(r, args.format, args.lang) for r in results]
    text = "\n".join(c.decode() if isinstance(c, bytes) else c for c in chunks)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_measures(args: argparse.Namespace) -> int:
    from advisor.render.measures import measures_text
    from advisor.service import Advisor

    advisor = Advisor.load()
    try:
        rows = advisor.measures(region=args.region, zone=args.zone, sector=args.sector, as_of=args.as_of)
    except ProfileError as exc:
        print(f"advisor measures: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(measures_text(rows, args.lang, args))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="advisor", description="China outbound data-transfer pathway advisor")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("assess", help="assess company profiles (JSON or YAML files, or folders of them)")
    a.add_argument("files", nargs="+", metavar="FILE", help="profile files or folders of them; - reads standard input")
    a.add_argument("--format", choices=FORMATS, default="text")
    a.add_argument("--lang", choices=("zh", "en"), default="zh")
    a.add_argument("--as-of", type=_date, help="assess as on this date (overrides the profiles' as_of)")
    a.add_argument("--output", "-o", help="write to this file instead of standard output")
    a.add_argument("--bundle", metavar="DIR", help="also write, per profile, NAME.json, NAME.md (report), NAME.ics "
                   "(every deadline) and NAME.docx (filing pack) into DIR")
    a.add_argument("--jobs", "-j", type=_jobs, default=0, metavar="N",
                   help="assess in N processes (default: the cores this process may use); output stays in input order")
    a.set_defaults(func=cmd_assess)
    m = sub.add_parser("measures", help="browse the regional facilitation catalogue")
    m.add_argument("--region", help="GB/T 2260 code or Chinese name")
    m.add_argument("--zone")
    m.add_argument("--sector")
    m.add_argument("--as-of", type=_date)
    m.add_argument("--format", choices=("text", "json"), default="text")
    m.add_argument("--lang", choices=("zh", "en"), default="zh")
    m.set_defaults(func=cmd_measures)
    try:
        from advisor_api.cli import register
    except ImportError:
        pass
    else:
        register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except PackError as exc:
        print(f"advisor: {exc}", file=sys.stderr)
        return 3
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
