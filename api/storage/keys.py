"""API keys: issued once, stored as SHA-256 hashes, looked up through a short-lived per-worker cache."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import threading
import time

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from advisor_api.storage.tables import api_keys as K

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$")


class KeyNameError(ValueError):
    """A bad key name, a duplicate name or an unknown name (message says which)."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class KeyStore:
    def __init__(self, engine: Engine, cache_seconds: float = 1.0) -> None:
        self.engine = engine
        self.cache_seconds = cache_seconds
        self._lock = threading.Lock()
        self._active: dict[str, str] = {}
        self._loaded_at = float("-inf")

    def create(self, name: str) -> str:
        """Issue a key; returns the bearer token (shown once, never stored)."""
        if not NAME.match(name):
            raise KeyNameError(f"key name {name!r}: use 1-100 letters, digits, '_', '.', '@' or '-'")
        token = "adv_" + secrets.token_urlsafe(32)
        row = {"name": name, "key_hash": hash_token(token), "created_at": dt.datetime.now(dt.timezone.utc)}
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(K), [row])
        except IntegrityError:
            raise KeyNameError(f"a key named {name!r} already exists (revoked names stay taken)") from None
        self.invalidate()
        return token

    def list(self) -> list[dict[str, object]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(K.c.name, K.c.created_at, K.c.revoked_at).order_by(K.c.name)).all()
        return [{"name": r.name, "created_at": r.created_at, "revoked_at": r.revoked_at} for r in rows]

    def revoke(self, name: str) -> None:
        stmt = (update(K).where(K.c.name == name, K.c.revoked_at.is_(None))
                .values(revoked_at=dt.datetime.now(dt.timezone.utc)))
        with self.engine.begin() as conn:
            if conn.execute(stmt).rowcount == 0:
                raise KeyNameError(f"no active key named {name!r}")
        self.invalidate()

    def active(self) -> dict[str, str]:
        """{key hash: name} of keys not revoked; re-read at most every `cache_seconds`."""
        now = time.monotonic()
        if now - self._loaded_at < self.cache_seconds:
            return self._active
        with self._lock:
            if now - self._loaded_at >= self.cache_seconds:
                with self.engine.connect() as conn:
                    rows = conn.execute(select(K.c.key_hash, K.c.name).where(K.c.revoked_at.is_(None))).all()
                self._active = {r.key_hash: r.name for r in rows}
                self._loaded_at = time.monotonic()
        return self._active

    def owner_for(self, token: str) -> str | None:
        return self.active().get(hash_token(token))

    def invalidate(self) -> None:
        self._loaded_at = float("-inf")
