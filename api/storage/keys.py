"""API keys: issued once, stored as SHA-256 hashes; access mode ("open" | "keyed") is database state.

Once a key has been issued the server stays keyed: revoking every key shuts the API until a new key is
made or `advisor keys open` (KeyStore.open) returns it to open mode, which serves localhost only.
Each worker re-reads mode and keys at most every `cache_seconds` (default 0.5 s), so a revocation
reaches every worker and host within a second.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from advisor_api.storage import state
from advisor_api.storage.tables import api_keys as K

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$")
# Names that would read as someone other than a consultant's key (the page, the server itself).
RESERVED = frozenset({"helpdesk", "help-desk", "page", "web", "open", "public", "anonymous", "admin", "root",
                      "system", "server", "advisor"})


class KeyNameError(ValueError):
    """A bad key name, a duplicate name or an unknown name (message says which)."""


@dataclass(frozen=True)
class Access:
    keyed: bool
    keys: dict[str, str] = field(default_factory=dict)  # {key hash: name} of keys not revoked


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class KeyStore:
    def __init__(self, engine: Engine, cache_seconds: float = 0.5) -> None:
        self.engine = engine
        self.cache_seconds = cache_seconds
        self._lock = threading.Lock()
        self._access = Access(False)
        self._loaded_at = float("-inf")

    def create(self, name: str) -> str:
        """Issue a key and put the server in keyed mode; returns the bearer token (shown once, never stored)."""
        if not NAME.match(name):
            raise KeyNameError(f"key name {name!r}: use 1-100 letters, digits, '_', '.', '@' or '-'")
        if name.lower() in RESERVED:
            raise KeyNameError(f"key name {name!r} is reserved; choose another")
        token = "adv_" + secrets.token_urlsafe(32)
        row = {"name": name, "key_hash": hash_token(token), "created_at": dt.datetime.now(dt.timezone.utc)}
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(K), [row])
                state.put(conn, "mode", "keyed")
        except IntegrityError:
            raise KeyNameError(f"a key named {name!r} already exists (revoked names stay taken)") from None
        self.invalidate()
        return token

    def list(self) -> list[dict[str, object]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(K.c.name, K.c.created_at, K.c.revoked_at).order_by(K.c.name)).all()
        return [{"name": r.name, "created_at": r.created_at, "revoked_at": r.revoked_at} for r in rows]

    def revoke(self, name: str) -> None:
        """Revoke one key. The server stays keyed even when no key is left."""
        stmt = (update(K).where(K.c.name == name, K.c.revoked_at.is_(None))
                .values(revoked_at=dt.datetime.now(dt.timezone.utc), feed_hash=None))  # its feed dies with it
        with self.engine.begin() as conn:
            if conn.execute(stmt).rowcount == 0:
                raise KeyNameError(f"no active key named {name!r}")
        self.invalidate()

    def open(self) -> list[str]:
        """Back to open mode: revoke every active key (returned by name); the API then serves localhost only."""
        now = dt.datetime.now(dt.timezone.utc)
        with self.engine.begin() as conn:
            names = list(conn.execute(select(K.c.name).where(K.c.revoked_at.is_(None)).order_by(K.c.name)).scalars())
            conn.execute(update(K).where(K.c.revoked_at.is_(None)).values(revoked_at=now, feed_hash=None))
            state.put(conn, "mode", "open")
        self.invalidate()
        return names

    # --- calendar-feed tokens: one per key, in the path of /v1/feeds/{token}/deadlines.ics ------------
    def feed(self, name: str) -> str:
        """Issue (or replace) the feed token of an active key; returns it (shown once, only its hash is kept)."""
        token = "feed_" + secrets.token_urlsafe(32)
        stmt = update(K).where(K.c.name == name, K.c.revoked_at.is_(None)).values(feed_hash=hash_token(token))
        with self.engine.begin() as conn:
            if conn.execute(stmt).rowcount == 0:
                raise KeyNameError(f"no active key named {name!r}")
        return token

    def revoke_feed(self, name: str) -> bool:
        """Withdraw a key's feed token; False when it had none."""
        stmt = update(K).where(K.c.name == name, K.c.feed_hash.is_not(None)).values(feed_hash=None)
        with self.engine.begin() as conn:
            return conn.execute(stmt).rowcount == 1

    def feed_owner(self, token: str) -> str | None:
        """The key a feed token belongs to, if both are live (a revoked key's feed is dead with it)."""
        if not token.startswith("feed_") or len(token) > 100:
            return None
        stmt = select(K.c.name).where(K.c.feed_hash == hash_token(token), K.c.revoked_at.is_(None))
        with self.engine.connect() as conn:
            return conn.execute(stmt).scalar_one_or_none()

    def keyed(self) -> bool:
        return self.access().keyed

    def access(self) -> Access:
        """Mode and active keys; re-read at most every `cache_seconds`."""
        now = time.monotonic()
        if now - self._loaded_at < self.cache_seconds:
            return self._access
        with self._lock:
            if now - self._loaded_at >= self.cache_seconds:
                with self.engine.connect() as conn:
                    rows = conn.execute(select(K.c.key_hash, K.c.name).where(K.c.revoked_at.is_(None))).all()
                    keyed = state.get(conn, "mode") == "keyed"
                self._access = Access(keyed, {r.key_hash: r.name for r in rows})
                self._loaded_at = time.monotonic()
        return self._access

    def active(self) -> dict[str, str]:
        """{key hash: name} of keys not revoked."""
        return self.access().keys

    def owner_for(self, token: str) -> str | None:
        return self.active().get(hash_token(token))

    def invalidate(self) -> None:
        self._loaded_at = float("-inf")
