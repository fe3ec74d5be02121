"""Stored assessments: input, output (exactly as first returned), rule-pack digest, who, when.

A result is acknowledged (201) only after its transaction has committed, so a crash between request
and commit loses nothing that a client was told was stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic_core import to_jsonable_python
from sqlalchemy import Engine, and_, insert, select
from sqlalchemy.exc import IntegrityError

from advisor_api.storage.db import write_lock
from advisor_api.storage.tables import assessments as T


class IdempotencyConflict(Exception):
    """The same Idempotency-Key was sent before with a different profile."""


@dataclass(frozen=True)
class Saved:
    id: str
    body: str  # the JSON text stored and returned
    replayed: bool = False


def dumps(obj: Any) -> str:
    """Compact UTF-8 JSON (orjson: ~30x faster than json.dumps on an assessment; json for what orjson
    cannot write, such as an echoed integer beyond 64 bits in an error)."""
    try:
        return orjson.dumps(obj, default=to_jsonable_python).decode()
    except TypeError:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=to_jsonable_python)


def input_digest(profile: Any) -> str:
    canonical = json.dumps(profile, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                           default=to_jsonable_python)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def _owner_is(owner: str | None):  # type: ignore[no-untyped-def]
    return T.c.created_by.is_(None) if owner is None else T.c.created_by == owner


class AssessmentStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writing = write_lock(engine)

    # --- the two methods other parts of the project use -------------------------------------------
    def create(self, profile: dict, result: dict, owner: str | None,
               idempotency_key: str | None) -> dict:
        """Store one assessment; returns it with its "id" (the stored one again for a repeated key)."""
        return orjson.loads(self.save(profile, result, owner, idempotency_key).body)

    def get(self, id: str, owner: str | None) -> dict | None:
        body = self.get_body(id, owner)
        return None if body is None else orjson.loads(body)

    # --- what the HTTP routes use (no re-serialising on the hot path) -----------------------------
    def save(self, profile: Mapping[str, Any], result: Mapping[str, Any], owner: str | None,
             idempotency_key: str | None) -> Saved:
        row, saved = self._row(profile, result, owner, idempotency_key)
        try:
            with self._writing(), self.engine.begin() as conn:
                conn.execute(insert(T), [row])
        except IntegrityError:
            if idempotency_key is None:
                raise
            earlier = self.find_idempotent(owner, idempotency_key, row["input_digest"])
            if earlier is None:
                raise
            return earlier
        return saved

    def save_many(self, items: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]],
                  owner: str | None) -> list[Saved]:
        """Store several assessments in one transaction (batch requests)."""
        rows, out = [], []
        for profile, result in items:
            row, saved = self._row(profile, result, owner, None)
            rows.append(row)
            out.append(saved)
        if rows:
            with self._writing(), self.engine.begin() as conn:
                conn.execute(insert(T), rows)
        return out

    def find_idempotent(self, owner: str | None, key: str, digest: str | None = None) -> Saved | None:
        """The assessment stored earlier under this key; IdempotencyConflict if its input differs."""
        stmt = select(T.c.id, T.c.result, T.c.input_digest).where(T.c.idempotency_scope == _scope(owner, key))
        with self.engine.connect() as conn:
            found = conn.execute(stmt).first()
        if found is None:
            return None
        if digest is not None and found.input_digest != digest:
            raise IdempotencyConflict(key)
        return Saved(found.id, found.result, replayed=True)

    def get_body(self, id: str, owner: str | None) -> str | None:
        stmt = select(T.c.result).where(and_(T.c.id == id, _owner_is(owner)))
        with self.engine.connect() as conn:
            return conn.execute(stmt).scalar_one_or_none()

    def _row(self, profile: Mapping[str, Any], result: Mapping[str, Any], owner: str | None,
             key: str | None) -> tuple[dict[str, Any], Saved]:
        new_id = uuid.uuid4().hex
        body = dumps({"id": new_id, **{k: v for k, v in result.items() if k != "id"}})
        pack = result.get("rulepack") or {}
        row = {
            "id": new_id, "created_at": dt.datetime.now(dt.timezone.utc), "created_by": owner,
            "rulepack_version": str(pack.get("version", "")), "rulepack_digest": str(pack.get("digest", "")),
            "idempotency_scope": None if key is None else _scope(owner, key),
            "input_digest": input_digest(profile), "profile": dumps(profile), "result": body,
        }
        return row, Saved(new_id, body)


def _scope(owner: str | None, key: str) -> str:
    return f"{owner or '-'}/{key}"
