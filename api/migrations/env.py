"""Alembic environment: runs online against the URL set by advisor_api.storage.db.alembic_config()."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool, text

from advisor_api.storage.tables import metadata

_LOCK_ID = 727_274_001  # PostgreSQL advisory lock: one migrator at a time across hosts and workers


def run() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:  # `alembic -c api/alembic.ini ...` by hand: same URL as the service
        from advisor_api.config import Settings

        url = Settings.from_env().url
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        is_pg = conn.dialect.name == "postgresql"
        if is_pg:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _LOCK_ID})
            conn.commit()
        try:
            context.configure(connection=conn, target_metadata=metadata, render_as_batch=not is_pg)
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if is_pg:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _LOCK_ID})
                conn.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run()
