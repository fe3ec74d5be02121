"""create_app(): the FastAPI app. The rule pack, engine and database load once per process, at start-up."""
from __future__ import annotations

import gc
import importlib.util
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncio
import contextlib

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from advisor.errors import PackError
from advisor_api import docs_ui, errors, openapi
from advisor_api.config import Settings
from advisor_api.fast_create import FastCreate
from advisor_api.limits import BodyLimit
from advisor_api.middleware import Guard, install_log_redaction
from advisor_api.retention import purge_forever
from advisor_api.jobs.service import Jobs
from advisor_api.routes import assessments, catalogue, exports, health, jobs, portfolio, schema
from advisor_api.storage import AssessmentStore, KeyStore, make_engine, upgrade
from advisor_api.storage import state as server_state
from advisor_api.storage.assessments import dumps
from advisor_api.storage.writer import close_writer

log = logging.getLogger("api")

DESCRIPTION = """China outbound data-transfer compliance pathway advisor (the HTTP API of docs/api.md).

Send a company profile, get the assessment (pathway per transfer, measures, deadlines, questions) and a
stored record of it. Without API keys the server is open to clients on the same machine only; once
`advisor keys create NAME` has issued a key, every `/v1` call needs `Authorization: Bearer <key>` and each key
sees only its own records (revoking every key shuts the API; `advisor keys open` reopens it to localhost).

Bodies are `application/json` in UTF-8 (415 otherwise); every refusal names the field path."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            advisor = settings.advisor_loader()
        except PackError as err:
            log.error("%s", err)
            raise
        if settings.migrate_on_start:
            upgrade(settings.url)
        engine = make_engine(settings.url)
        # assessing is CPU-bound: a few threads keep the GIL hand-offs (and so the latency tail) short
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        app.state.settings = settings
        app.state.advisor = advisor
        app.state.store = AssessmentStore(engine)
        app.state.page_store = AssessmentStore(engine, space="page")  # never readable through /v1
        app.state.page_secret = server_state.secret(engine)
        app.state.keys = KeyStore(engine, settings.key_cache_seconds)
        app.state.rules_body = dumps(advisor.rules_summary())
        app.state.jobs = Jobs(engine, advisor, settings.url)  # portfolio jobs: in-process (SQLite) or queued (PG)
        gc.collect()
        gc.freeze()  # the loaded pack is long-lived: keep it out of every later GC pass (shorter pauses)
        # A request allocates thousands of short-lived containers, freed by reference counting: at the
        # default threshold (700) the young generation is scanned every few requests for next to nothing
        # (measured with gc.callbacks over 4,000 POST /v1/assessments: ~40 us of GC a request; ~3 us here).
        gc.set_threshold(20_000, *gc.get_threshold()[1:])
        purging = asyncio.create_task(purge_forever(settings, app.state.store, app.state.page_store,
                                                     app.state.jobs.store))
        try:
            yield
        finally:
            purging.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await purging
            await anyio.to_thread.run_sync(app.state.jobs.close)
            await anyio.to_thread.run_sync(close_writer, engine)  # what is queued is committed first
            engine.dispose()

    app = FastAPI(title="China outbound data-transfer advisor", version="1", description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None)  # docs_ui serves them offline
    errors.install(app)
    install_log_redaction()
    for module in (health, portfolio, jobs, exports, assessments, catalogue, schema):  # exports before /assessments/{id}
        app.include_router(module.router)
    if importlib.util.find_spec("advisor_api.web.routes") is not None:  # the help-desk page, when it exists
        from advisor_api.web.routes import router as web_router

        from advisor_api.web import csrf
        from advisor_api.web.routes import templates

        csrf.install(templates)
        app.include_router(web_router)
        app.add_middleware(csrf.PageGuard, secret=lambda: getattr(app.state, "page_secret", None),
                           per_minute=settings.page_posts_per_minute,
                           per_address=settings.page_posts_per_minute_per_address)
    app.add_middleware(FastCreate)  # POST /v1/assessments that will succeed, without the framework
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
                           expose_headers=["Location", "Idempotent-Replayed", "X-Request-ID"], max_age=600)
    app.add_middleware(Guard)  # outermost: request id, security headers, last catch for 500s
    openapi.install(app)
    docs_ui.install(app)
    return app
