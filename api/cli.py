"""`advisor serve` and `advisor keys …`: registered on the advisor CLI by advisor/cli.py (register(sub))."""
from __future__ import annotations

import argparse
import os
import sys
from typing import Any

LOCAL = {"127.0.0.1", "localhost", "::1"}


def register(subparsers: Any, **common: Any) -> None:
    """``common``: what every command of the advisor CLI shares (parents=[...], formatter_class, epilog)."""
    data_dir = {"metavar": "DIR", "help": "folder for the SQLite database (default: $ADVISOR_DATA_DIR, else ./data)"}
    serve = subparsers.add_parser("serve", help="run the HTTP API and the help-desk page (embedded SQLite unless "
                                  "ADVISOR_DATABASE_URL)", **common)
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to bind (others than localhost need an API key to exist first)")
    serve.add_argument("--port", type=int, default=8000, help="TCP port")
    serve.add_argument("--workers", type=int, default=1, help="worker processes")
    serve.add_argument("--data-dir", **data_dir)
    serve.set_defaults(func=run_serve)

    keys = subparsers.add_parser("keys", help="API keys: once one is issued, every /v1 call needs one", **common)
    keys.add_argument("--data-dir", **data_dir)
    ks = keys.add_subparsers(dest="keys_command", required=True, metavar="{create,list,revoke,open,feed}")
    leaf = {**common, "epilog": None}
    # --data-dir after the subcommand too (`advisor keys create NAME --data-dir D`); SUPPRESS keeps one
    # given before it
    after = {**data_dir, "default": argparse.SUPPRESS}
    create = ks.add_parser("create", help="issue a key (printed once; only its hash is stored)", **leaf)
    create.add_argument("name", help="a name for the key's holder (letters, digits, - _ .)")
    create.add_argument("--data-dir", **after)
    create.set_defaults(func=run_keys_create)
    listing = ks.add_parser("list", help="list keys (names and dates) and the access mode", **leaf)
    listing.add_argument("--data-dir", **after)
    listing.set_defaults(func=run_keys_list)
    revoke = ks.add_parser("revoke", help="revoke a key (the API stays keyed)", **leaf)
    revoke.add_argument("name", help="the key's name")
    revoke.add_argument("--data-dir", **after)
    revoke.set_defaults(func=run_keys_revoke)
    opened = ks.add_parser("open", help="revoke every key and return to open mode (localhost only)", **leaf)
    opened.add_argument("--data-dir", **after)
    opened.set_defaults(func=run_keys_open)

    feed = ks.add_parser("feed", help="issue or replace a key's calendar-feed token (printed once), or --revoke it",
                         **leaf)
    feed.add_argument("name", help="the key's name")
    feed.add_argument("--revoke", action="store_true", help="withdraw the feed token instead (default: off)")
    feed.add_argument("--data-dir", **after)
    feed.set_defaults(func=run_keys_feed)

    worker = subparsers.add_parser("worker", help="run portfolio re-assessment jobs from the PostgreSQL queue "
                                   "(ADVISOR_DATABASE_URL); start one or more per host", **common)
    worker.add_argument("--stalled-after", type=float, default=30.0, metavar="SECONDS",
                        help="take back the tasks of a worker silent this long (killed or cut off) (default: 30)")
    worker.add_argument("--once", action="store_true",
                        help="stop when the queue is empty instead of waiting for more (default: off)")
    worker.set_defaults(func=run_worker)

    purge = subparsers.add_parser("purge", help="erase records past their retention period now "
                                  "(ADVISOR_RETENTION_DAYS, ADVISOR_PAGE_RETENTION_DAYS)", **common)
    purge.add_argument("--data-dir", **data_dir)
    purge.set_defaults(func=run_purge)


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from advisor_api.config import Settings

    if getattr(args, "data_dir", None):
        os.environ["ADVISOR_DATA_DIR"] = args.data_dir  # workers build their settings from the environment
    return Settings.from_env()


def _keystore(settings: Any):  # type: ignore[no-untyped-def]
    from advisor_api.storage import KeyStore, make_engine, upgrade

    upgrade(settings.url)
    return KeyStore(make_engine(settings.url), cache_seconds=0)


def _fail(message: str) -> int:
    print(f"advisor: {message}", file=sys.stderr)
    return 2


def run_serve(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from advisor.errors import PackError

    settings = _settings(args)
    if args.workers < 1:
        return _fail(f"--workers {args.workers}: give 1 or more")
    try:
        advisor = settings.advisor_loader()  # a broken pack stops start-up here, with the loader's message
    except PackError as err:
        _fail(str(err))
        return 3  # the rules folder is broken: the same status as every other command
    try:
        has_keys = _keystore(settings).keyed()
    except SQLAlchemyError as err:
        return _fail(f"database {settings.url.split('@')[-1]}: {type(err).__name__}: {err.orig or err}"[:500])
    if args.host not in LOCAL and not has_keys:
        return _fail(f"--host {args.host}: no API key has been issued, so the server is open and binds to "
                     "localhost only; run `advisor keys create NAME` first")
    _announce(args, has_keys)
    from advisor_api import server

    os.environ["ADVISOR_MIGRATE"] = "0"  # migrated above, once, before any worker starts
    if args.workers == 1:
        from advisor_api.main import create_app

        app = create_app(settings.model_copy(update={"advisor_loader": lambda: advisor, "migrate_on_start": False}))
        server.run(app, host=args.host, port=args.port)
    else:
        server.run("advisor_api.main:create_app", factory=True, host=args.host, port=args.port, workers=args.workers)
    return 0


def _announce(args: argparse.Namespace, has_keys: bool) -> None:
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '[::]') else host}:{args.port}"
    auth = ' -H "Authorization: Bearer $ADVISOR_KEY"' if has_keys else ""
    print(f"advisor: serving on {url}  (API docs: {url}/docs)\n"
          f"  try:  curl -s{auth} -H 'Content-Type: application/json' --data @profile.json {url}/v1/assessments\n"
          f"  access: {'API key required' if has_keys else 'open (no API keys issued), localhost only'}",
          flush=True)


def run_keys_create(args: argparse.Namespace) -> int:
    from advisor_api.storage.keys import KeyNameError

    try:
        token = _keystore(_settings(args)).create(args.name)
    except KeyNameError as err:
        return _fail(str(err))
    print(token)
    print(f"advisor: key {args.name!r} created; it is shown only this once. From now on every /v1 call needs "
          "'Authorization: Bearer <key>'.", file=sys.stderr)
    return 0


def run_keys_list(args: argparse.Namespace) -> int:
    store = _keystore(_settings(args))
    rows = store.list()
    if not store.keyed():
        print("access: open (no API keys needed; answers only on this machine)", file=sys.stderr)
    elif not any(r["revoked_at"] is None for r in rows):
        print("access: keyed, and every key is revoked: the API answers no one until `advisor keys create NAME` "
              "(or `advisor keys open`)", file=sys.stderr)
    else:
        print("access: keyed (every /v1 call needs a key)", file=sys.stderr)
    for r in rows:
        state = f"revoked {r['revoked_at']:%Y-%m-%d}" if r["revoked_at"] else "active"
        print(f"{r['name']}\tcreated {r['created_at']:%Y-%m-%d}\t{state}")
    return 0


def run_keys_revoke(args: argparse.Namespace) -> int:
    from advisor_api.storage.keys import KeyNameError

    try:
        _keystore(_settings(args)).revoke(args.name)
    except KeyNameError as err:
        return _fail(str(err))
    store = _keystore(_settings(args))
    left = [r for r in store.list() if r["revoked_at"] is None]
    print(f"advisor: key {args.name!r} revoked (within a second on every worker)" +
          ("" if left else "; no active key is left, so the API now refuses every call. Issue a new key with "
           "`advisor keys create NAME`, or run `advisor keys open` to go back to keyless, localhost-only mode"),
          file=sys.stderr)
    return 0


def run_keys_open(args: argparse.Namespace) -> int:
    revoked = _keystore(_settings(args)).open()
    print("advisor: open mode: " + (f"revoked {len(revoked)} key(s) ({', '.join(revoked)}); " if revoked else "") +
          "/v1 calls need no key now and are answered only on this machine (localhost); `advisor serve` binds "
          "to localhost only. Records made under keys stay with their key names and are not readable "
          "without them. `advisor keys create NAME` returns to keyed mode.", file=sys.stderr)
    return 0


def run_keys_feed(args: argparse.Namespace) -> int:
    from advisor_api.storage.keys import KeyNameError

    store = _keystore(_settings(args))
    if args.revoke:
        if not store.revoke_feed(args.name):
            return _fail(f"key {args.name!r} has no calendar feed")
        print(f"advisor: the calendar feed of key {args.name!r} is withdrawn", file=sys.stderr)
        return 0
    try:
        token = store.feed(args.name)
    except KeyNameError as err:
        return _fail(str(err))
    print(f"/v1/feeds/{token}/deadlines.ics")
    print(f"advisor: calendar feed of key {args.name!r} issued (shown only this once; any earlier one stops "
          "working). Subscribe to the server's address followed by this path; `advisor keys feed "
          f"{args.name} --revoke` withdraws it, and revoking the key ends it too.", file=sys.stderr)
    return 0


def run_worker(args: argparse.Namespace) -> int:
    from advisor.errors import PackError

    settings = _settings(args)
    if not settings.url.startswith("postgresql"):
        return _fail("`advisor worker` takes jobs from the PostgreSQL queue: set ADVISOR_DATABASE_URL to a "
                     "postgresql:// URL (on the embedded SQLite database, `advisor serve` runs jobs itself)")
    if args.stalled_after < 1:
        return _fail(f"--stalled-after {args.stalled_after}: give 1 second or more")
    try:
        advisor = settings.advisor_loader()
    except PackError as err:
        _fail(str(err))
        return 3
    from advisor_api.jobs.pgqueue import ensure_schema, work
    from advisor_api.storage import upgrade

    upgrade(settings.url)
    ensure_schema(settings.url)
    print(f"advisor: worker on {settings.url.split('@')[-1]} (queue: portfolio)", file=sys.stderr, flush=True)
    work(settings.url, advisor, wait=not args.once, stalled_after=args.stalled_after)
    return 0


def run_purge(args: argparse.Namespace) -> int:
    from advisor_api.jobs.store import JobStore
    from advisor_api.retention import purge
    from advisor_api.storage import AssessmentStore, make_engine, upgrade

    settings = _settings(args)
    upgrade(settings.url)
    engine = make_engine(settings.url)
    done = purge(settings, AssessmentStore(engine), AssessmentStore(engine, space="page"), JobStore(engine))
    kept = "API records are kept until deleted (ADVISOR_RETENTION_DAYS unset)" if settings.retention_days is None \
        else (f"API records older than {settings.retention_days} days (assessments by when they were made, "
              "portfolio jobs by when they finished; queued and running jobs are kept)")
    print(f"advisor: erased {done['api']} API assessment(s), {done['jobs']} finished portfolio job(s) with their "
          f"results, {done['page']} help-desk page record(s) older than "
          f"{settings.page_retention_days} days, {done['idempotency_keys']} expired Idempotency-Key(s). "
          f"Retention: {kept}.", file=sys.stderr)
    return 0
