"""Server-wide state in the database (shared by every worker and host): access mode, page secret."""
from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from advisor_api.storage.tables import server_state as S


def get(conn: Connection, name: str) -> str | None:
    return conn.execute(select(S.c.value).where(S.c.name == name)).scalar_one_or_none()


def put(conn: Connection, name: str, value: str) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    if conn.execute(update(S).where(S.c.name == name).values(value=value, updated_at=now)).rowcount == 0:
        conn.execute(insert(S), [{"name": name, "value": value, "updated_at": now}])


def secret(engine: Engine, name: str = "page_secret") -> str:
    """A random secret made once per database (so every worker and host signs alike)."""
    with engine.connect() as conn:
        found = get(conn, name)
    if found:
        return found
    try:
        with engine.begin() as conn:
            conn.execute(insert(S), [{"name": name, "value": secrets.token_hex(32),
                                      "updated_at": dt.datetime.now(dt.timezone.utc)}])
    except IntegrityError:
        pass  # another worker made it first
    with engine.connect() as conn:
        return str(get(conn, name))
