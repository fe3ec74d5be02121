"""Stored assessments: input, output (exactly as first returned), rule-pack digest, who, when.

A result is acknowledged (201) only after its transaction has committed, so a crash between request
and commit loses nothing that a client was told was stored. Inserts go through the process's group-commit
writer (storage/writer.py): the requests waiting at one moment share one transaction.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic_core import to_jsonable_python
from sqlalchemy import Connection, Engine, and_, delete, or_, select, update

from advisor_api.storage.db import write_lock
from advisor_api.storage.idempotency import IdempotencyConflict, IdempotencyStore
from advisor_api.storage.tables import assessments as T
from advisor_api.storage.tables import idempotency as I
from advisor_api.storage.tables import portfolio_job_items as JI
from advisor_api.storage.writer import writer_for


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
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


class CursorError(ValueError):
    """A pagination cursor this server did not make."""


def _owner_is(owner: str | None):  # type: ignore[no-untyped-def]
    return T.c.created_by.is_(None) if owner is None else T.c.created_by == owner


def utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


class AssessmentStore:
    """Assessments of one space: "api" (the /v1 routes; owner = key name or None) or "page" (the help desk)."""

    def __init__(self, engine: Engine, space: str = "api") -> None:
        self.engine = engine
        self.space = space
        self._writing = write_lock(engine)
        self.idempotency = IdempotencyStore(engine)

    def _mine(self, owner: str | None):  # type: ignore[no-untyped-def]
        return and_(T.c.space == self.space, _owner_is(owner))

    # --- the two methods other parts of the project use -------------------------------------------
    def create(self, profile: dict, result: dict, owner: str | None,
               idempotency_key: str | None = None) -> dict:
        """Store one assessment; returns it with its "id" (the stored one again for a repeated key)."""
        if idempotency_key is None:
            return orjson.loads(self.save(profile, result, owner).body)
        scope = idempotency_scope(self.space, owner, "create", idempotency_key)
        earlier = self.idempotency.begin(scope, input_digest(profile))
        if earlier is not None:
            return orjson.loads(earlier.body)
        try:
            row, saved = self.prepare(profile, result, owner)
            self.insert([row], lambda conn: self.idempotency.complete(conn, scope, 201, saved.body, None, [saved.id]))
        except BaseException:
            self.idempotency.release(scope)
            raise
        return orjson.loads(saved.body)

    def get(self, id: str, owner: str | None) -> dict | None:
        body = self.get_body(id, owner)
        return None if body is None else orjson.loads(body)

    # --- what the HTTP routes use (no re-serialising on the hot path) -----------------------------
    def save(self, profile: Mapping[str, Any], result: Mapping[str, Any], owner: str | None) -> Saved:
        row, saved = self.prepare(profile, result, owner)
        self.insert([row])
        return saved

    def save_many(self, items: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]],
                  owner: str | None) -> list[Saved]:
        """Store several assessments in one transaction (batch requests)."""
        rows, out = [], []
        for profile, result in items:
            row, saved = self.prepare(profile, result, owner)
            rows.append(row)
            out.append(saved)
        self.insert(rows)
        return out

    def insert(self, rows: list[dict[str, Any]], also: Callable[[Connection], None] | None = None) -> None:
        """Insert prepared rows, and run `also` in the same transaction (e.g. completing an Idempotency-Key);
        returns once committed."""
        if rows or also is not None:
            writer_for(self.engine).write(T, rows, also)

    async def insert_async(self, rows: list[dict[str, Any]], also: Callable[[Connection], None] | None = None
                           ) -> None:
        """insert() for the event loop: waits for the commit without holding a thread."""
        if rows or also is not None:
            await writer_for(self.engine).commit(T, rows, also)

    def get_profile(self, id: str, owner: str | None) -> dict[str, Any] | None:
        """The input profile an assessment was made from (the owner's own only)."""
        stmt = select(T.c.profile).where(and_(T.c.id == id, self._mine(owner)))
        with self.engine.connect() as conn:
            text = conn.execute(stmt).scalar_one_or_none()
        return None if text is None else orjson.loads(text)

    def get_body(self, id: str, owner: str | None) -> str | None:
        stmt = select(T.c.result).where(and_(T.c.id == id, self._mine(owner)))
        with self.engine.connect() as conn:
            return conn.execute(stmt).scalar_one_or_none()

    def prepare(self, profile: Mapping[str, Any], result: Mapping[str, Any], owner: str | None
                ) -> tuple[dict[str, Any], Saved]:
        new_id = uuid.uuid4().hex
        body = dumps({"id": new_id, **{k: v for k, v in result.items() if k != "id"}})
        pack = result.get("rulepack") or {}
        company = profile.get("company") if isinstance(profile.get("company"), Mapping) else {}
        row = {
            "id": new_id, "created_at": dt.datetime.now(dt.timezone.utc), "space": self.space, "created_by": owner,
            "rulepack_version": str(pack.get("version", "")), "rulepack_digest": str(pack.get("digest", "")),
            "idempotency_scope": None, "input_digest": input_digest(profile),
            "company_name": _text(company.get("name"), 400), "credit_code": _text(company.get("credit_code"), 40),
            "overall": _text(result.get("overall"), 60), "profile": dumps(profile), "result": body,
        }
        return row, Saved(new_id, body)

    # --- lifecycle: list, erase, purge --------------------------------------------------------------
    def list(self, owner: str | None, *, limit: int = 50, cursor: str | None = None,
             created_from: dt.datetime | None = None, created_to: dt.datetime | None = None,
             overall: str | None = None, company: str | None = None, credit_code: str | None = None
             ) -> tuple[list[dict[str, Any]], str | None]:
        """The owner's assessments, newest first; returns (rows, cursor of the next page or None)."""
        cond = [self._mine(owner)]
        if created_from is not None:
            cond.append(T.c.created_at >= utc(created_from))
        if created_to is not None:
            cond.append(T.c.created_at < utc(created_to))
        if overall is not None:
            cond.append(T.c.overall == overall)
        if company is not None:
            cond.append(T.c.company_name == company)
        if credit_code is not None:
            cond.append(T.c.credit_code == credit_code)
        if cursor is not None:
            at, last = _read_cursor(cursor)
            cond.append(or_(T.c.created_at < at, and_(T.c.created_at == at, T.c.id < last)))
        stmt = (select(T.c.id, T.c.created_at, T.c.overall, T.c.company_name, T.c.credit_code,
                       T.c.rulepack_version, T.c.rulepack_digest)
                .where(and_(*cond)).order_by(T.c.created_at.desc(), T.c.id.desc()).limit(limit + 1))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        more = len(rows) > limit
        rows = rows[:limit]
        out = [{"id": r.id, "created_at": utc(r.created_at).isoformat().replace("+00:00", "Z"), "overall": r.overall,
                "company": {"name": r.company_name, "credit_code": r.credit_code},
                "rulepack": {"version": r.rulepack_version, "digest": r.rulepack_digest}} for r in rows]
        return out, (_make_cursor(rows[-1].created_at, rows[-1].id) if more and rows else None)

    def delete(self, id: str, owner: str | None) -> bool:
        """Erase one assessment (and any Idempotency-Key answer that holds it)."""
        return self._erase(and_(T.c.id == id, self._mine(owner))) == 1

    def delete_company(self, owner: str | None, *, company: str | None = None, credit_code: str | None = None) -> int:
        """Erase every assessment of one company (by exact name or by credit code); returns how many."""
        cond = [self._mine(owner)]
        if company is not None:
            cond.append(T.c.company_name == company)
        if credit_code is not None:
            cond.append(T.c.credit_code == credit_code)
        return self._erase(and_(*cond))

    def purge(self, older_than: dt.datetime) -> int:
        """Erase this space's assessments created before `older_than` (retention)."""
        return self._erase(and_(T.c.space == self.space, T.c.created_at < utc(older_than)))

    def _erase(self, where: Any) -> int:
        with self._writing(), self.engine.begin() as conn:
            ids = list(conn.execute(select(T.c.id).where(where)).scalars())
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                conn.execute(delete(T).where(T.c.id.in_(chunk)))
                conn.execute(delete(I).where(or_(*[I.c.assessment_ids.contains(i) for i in chunk])))
                # a portfolio job's change entries name the client: erased with it (the counts stay)
                conn.execute(update(JI).where(JI.c.assessment_id.in_(chunk)).values(entry=None))
        return len(ids)


def idempotency_scope(space: str, owner: str | None, endpoint: str, key: str) -> str:
    """Keys are bound to who sent them and where: one owner's key never meets another's."""
    return f"{space}/{owner or '-'}/{endpoint}/{key}"


def _text(value: Any, n: int) -> str | None:
    return value[:n] if isinstance(value, str) else None


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _make_cursor(at: dt.datetime, id: str) -> str:
    """"<microseconds since 1970>.<id>": every string of that shape is a position, so none is refused."""
    delta = utc(at) - _EPOCH
    return f"{(delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds}.{id}"


def _read_cursor(cursor: str) -> tuple[dt.datetime, str]:
    micros, _, id = cursor.partition(".")
    if not (micros.isdigit() and len(micros) <= 16 and re.fullmatch(r"[0-9a-f]{32}", id)):
        raise CursorError(f"cursor {cursor[:60]!r} was not made by this server")
    return _EPOCH + dt.timedelta(microseconds=int(micros)), id
