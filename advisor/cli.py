"""`advisor` command line: assess profiles, browse regional measures (serve/keys come from advisor_api.cli)."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
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


_PROFILE_SUFFIXES = (".json", ".yaml", ".yml")


def _files(paths: list[str]) -> Iterator[Path]:
    for p in map(Path, paths):
        if str(p) == "-":
            yield p  # standard input
        elif p.is_dir():
            yield from _tree(p)
        else:
            yield p


def _tree(root: Path) -> list[Path]:
    """``sorted(f for f in root.rglob("*") if f.suffix.lower() in _PROFILE_SUFFIXES)``, the same paths in the same
    order (symbolic links to folders not followed, unreadable folders skipped), in a third of the time: 30,000
    files took 0.2 s, before any profile was read (and before --jobs workers start)."""
    found: list[tuple[tuple[str, ...], Path]] = []

    def walk(folder: Path, rel: tuple[str, ...]) -> None:
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except PermissionError:
            return
        child = getattr(folder, "_make_child_relpath", folder.joinpath)  # (what rglob makes its paths with)
        for e in entries:
            name = e.name
            dot = name.rfind(".")  # (Path.suffix: the last dot, not the first character, not the last)
            if 0 < dot < len(name) - 1 and name[dot:].lower() in _PROFILE_SUFFIXES:
                found.append(((*rel, name), child(name)))
            try:
                below = e.is_dir(follow_symlinks=False)
            except OSError:
                below = False
            if below:
                walk(child(name), (*rel, name))

    walk(root, ())
    found.sort(key=lambda x: x[0])  # (paths sort by their parts; the root's are the same for all)
    return [f for _, f in found]


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
    for payload, errors, assessed in assess_files(files, args, jobs=args.jobs):
        for message in errors:
            print(f"advisor assess: {message}", file=sys.stderr)
        failed += len(errors)
        done += assessed + len(errors)
        if out is not None:
            if payload:
                out.write(payload)
        else:
            results += payload
        if show_progress:
            _progress(done, len(files))
    if out is not None:
        out.flush()
    if args.format != "jsonl" and results:
        _emit(results, args)
    _done["quick_exit"] = True
    return 2 if failed else 0


def _bundle(result: dict, source: Path, folder: Path, lang: str) -> None:
    """Everything a consultant hands a client, per profile: JSON, Markdown report, calendar, filing pack."""
    from advisor.render import render

    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{source.stem}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / f"{source.stem}.md").write_text(str(render(result, "markdown", lang)), encoding="utf-8")
    (folder / f"{source.stem}.ics").write_bytes(bytes(render(result, "ics", lang)))
    (folder / f"{source.stem}.docx").write_bytes(bytes(render(result, "docx", lang)))
    other = "en" if lang == "zh" else "zh"   # the Chinese pack is the one filed; the English one is its rendering
    (folder / f"{source.stem}.{other}.docx").write_bytes(bytes(render(result, "docx", other)))


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
        notes: list[str] = []
        rows = advisor.measures(region=args.region, zone=args.zone, sector=args.sector, as_of=args.as_of, notes=notes)
    except ProfileError as exc:
        print(f"advisor measures: {exc}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"advisor measures: no measure can match: {note}", file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(measures_text(rows, args.lang, args))
    return 0


EPILOG = """exit status:
  0  done
  2  invalid input or usage: the file, field or option and the bad value are named on stderr;
     nothing is printed for a profile that was refused
  3  the rules folder is broken or incomplete: file, rule and field are named on stderr

environment:
  ADVISOR_RULES         rules folder to use instead of the shipped one (as --rules)
  ADVISOR_DATA_DIR      folder of the embedded SQLite database (serve, keys; default ./data)
  ADVISOR_DATABASE_URL  postgresql://user:password@host/db to use PostgreSQL instead
  ADVISOR_CACHE_DIR     cache of parsed rules and batch memos (default ~/.cache/cbdt-advisor; off disables it)

documentation: docs/ in the project (docs/cli.md for this command)"""


class _Help(argparse.RawDescriptionHelpFormatter):
    """Help that keeps the epilog's layout and names every default there is."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS) and "default" not in text \
                and action.option_strings:
            text += " (default: %(default)s)"
        return text


def _common() -> argparse.ArgumentParser:
    """Options every command takes, before or after its own (default SUPPRESS: a later level never
    overwrites an earlier one)."""
    c = argparse.ArgumentParser(add_help=False)
    c.add_argument("--rules", metavar="DIR", default=argparse.SUPPRESS,
                   help="rules folder to use: a full copy of the shipped rules/, amended (default: $ADVISOR_RULES, "
                        "else the rules shipped with this version); validated like the shipped one")
    return c


class _Version(argparse.Action):
    """--version: the program's version and the rule pack's version and digest (computed when asked)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kw: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="print the version and the rule pack's version and digest, then exit")

    def __call__(self, parser: argparse.ArgumentParser, ns: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        from importlib.metadata import PackageNotFoundError, version

        from advisor.packs.loader import digest_of
        from advisor.packs.yamlio import read_yaml
        from advisor.resources import chosen_rules_dir

        try:
            own = version("cbdt-advisor")
        except PackageNotFoundError:
            own = "(not installed)"
        try:
            root = chosen_rules_dir(getattr(ns, "rules", None))
            meta = read_yaml(root / "national" / "pack.yaml")
            pack = meta.get("version", "?") if isinstance(meta, dict) else "?"
            print(f"advisor {own}\nrules {pack} {digest_of(root)}\n  from {root}")
        except PackError as exc:
            print(f"advisor {own}\nadvisor: {exc}", file=sys.stderr)
            parser.exit(3)
        parser.exit(0)


def _choices(values: object) -> str:
    return ", ".join(sorted(values))  # type: ignore[call-overload]


def build_parser() -> argparse.ArgumentParser:
    from advisor.vocab import SECTORS, ZONES

    common = _common()
    p = argparse.ArgumentParser(prog="advisor", description="China outbound data-transfer pathway advisor: "
                                "the route the law requires for each transfer, with articles, deadlines and "
                                "regional measures.", epilog=EPILOG, formatter_class=_Help, parents=[common])
    p.add_argument("--version", action=_Version)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, **kw: object) -> argparse.ArgumentParser:  # noqa: A002
        return sub.add_parser(name, help=help, description=help, parents=[common], formatter_class=_Help,
                              epilog=EPILOG, **kw)  # type: ignore[arg-type]

    a = command("assess", "assess company profiles (JSON or YAML files, or folders of them)")
    a.add_argument("files", nargs="+", metavar="FILE", help="profile files or folders of them; - reads standard input")
    a.add_argument("--format", choices=FORMATS, default="text",
                   help="text: for reading aloud; json: one assessment (a list for several); jsonl: one line per "
                        "profile; markdown: a report; ics: every deadline as a calendar event; docx: a filing pack")
    a.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of text, markdown, ics and docx")
    a.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                   help="assess as on this date (overrides the profiles' as_of; default: the profile's, else today "
                        "in Asia/Shanghai)")
    a.add_argument("--output", "-o", metavar="FILE", help="write to this file instead of standard output")
    a.add_argument("--bundle", metavar="DIR", help="also write, per profile, NAME.json, NAME.md (report), NAME.ics "
                   "(every deadline), NAME.docx (filing pack, in --lang) and NAME.en.docx (or NAME.zh.docx with --lang en: the "
                   "pack in the other language) into DIR")
    a.add_argument("--jobs", "-j", type=_jobs, default=0, metavar="N",
                   help="assess in N processes (default: the cores this process may use); output stays in input order")
    a.set_defaults(func=cmd_assess)
    m = command("measures", "browse the regional facilitation catalogue")
    m.add_argument("--region", metavar="R", help="GB/T 2260 code (440115) or Chinese name (广州市南沙区)")
    m.add_argument("--zone", metavar="ZONE", help=f"special zone, one of: {_choices(ZONES)}")
    m.add_argument("--sector", metavar="SECTOR", help=f"sector, one of: {_choices(SECTORS)}")
    m.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                   help="judge each measure's status on this date (default: today in Asia/Shanghai)")
    m.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    m.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the text output")
    m.add_argument("--ids", action="store_true", help="also show each measure's id in the text output (for "
                   "scripting; JSON always has it; default: titles only)")
    m.set_defaults(func=cmd_measures)
    s = command("schema", "print the JSON Schema of the profile (input) or the assessment (output)")
    s.add_argument("which", choices=("profile", "assessment"), help="which format")
    s.set_defaults(func=cmd_schema)
    r = command("rules", "the rules folder: check one, or copy the one in use to amend it")
    rs = r.add_subparsers(dest="rules_command", required=True, metavar="{check,copy}")
    check = rs.add_parser("check", parents=[common], formatter_class=_Help,
                          help="load and validate the rules folder in use (or DIR); print its version and digest")
    check.add_argument("dir", nargs="?", metavar="DIR", help="folder to check (default: the one in use)")
    check.set_defaults(func=cmd_rules_check)
    copy = rs.add_parser("copy", parents=[common], formatter_class=_Help,
                         help="copy the rules folder in use into DIR (a new folder), to amend it")
    copy.add_argument("dir", metavar="DIR", help="folder to create")
    copy.set_defaults(func=cmd_rules_copy)
    from advisor.impact_cli import register as register_impact

    register_impact(sub, parents=[common], formatter_class=_Help, epilog=EPILOG)
    try:
        from advisor_api.cli import register
    except ImportError:
        pass
    else:
        register(sub, parents=[common], formatter_class=_Help, epilog=EPILOG)
    return p


def cmd_schema(args: argparse.Namespace) -> int:
    from advisor.schemas import json_schema

    sys.stdout.write(json.dumps(json_schema(args.which), ensure_ascii=False, indent=2) + "\n")
    return 0


def cmd_rules_check(args: argparse.Namespace) -> int:
    from advisor.resources import check_rules_dir
    from advisor.service import Advisor

    root = check_rules_dir(args.dir, "rules check") if args.dir else None
    advisor = Advisor.load(root)
    print(f"rules {advisor.pack.meta.version} {advisor.pack.digest}\n  from {advisor.pack.root}\n"
          f"  {len(advisor.pack.rules)} rules, {len(advisor.pack.instruments)} instruments, "
          f"{len(advisor.pack.catalogue.by_id)} regional measures: valid")
    return 0


def cmd_rules_copy(args: argparse.Namespace) -> int:
    import shutil

    from advisor.resources import chosen_rules_dir

    src = chosen_rules_dir()
    dst = Path(args.dir)
    if dst.exists():
        print(f"advisor rules copy: {dst} exists; give a new folder", file=sys.stderr)
        return 2
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.py", "*.pyc"))
    print(f"advisor: copied the rules from {src} to {dst}; amend them, then `advisor rules check {dst}` "
          f"and use them with --rules {dst} (or ADVISOR_RULES={dst})", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    import os

    from advisor.resources import ENV, check_rules_dir

    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "rules", None):
            # one setting for this process and every worker it starts (Advisor.load reads it)
            os.environ[ENV] = str(check_rules_dir(args.rules, "--rules"))
        return int(args.func(args) or 0)
    except PackError as exc:
        print(f"advisor: {exc}", file=sys.stderr)
        return 3
    except BrokenPipeError:
        return 0


_done: dict[str, bool] = {}  # "quick_exit": the command has written all it had to (see ``run``)


def run() -> None:
    """The `advisor` program: ``main``, then, after `advisor assess`, out at once (``os._exit``) once standard output
    and error are flushed. A batch's caches are millions of small objects; freeing them one by one at exit took
    0.1-0.15 s of a 30,000-profile run. By then everything that outlives the process is written: the disk cache
    stores each file whole (written, then renamed), and assess starts no thread. Other commands (the server
    among them) end as Python ends them."""
    rc = main()
    if not _done.get("quick_exit"):
        sys.exit(rc)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # (the reader has gone, as main's BrokenPipeError; or a closed stream)
            pass
    os._exit(rc)


if __name__ == "__main__":
    run()
