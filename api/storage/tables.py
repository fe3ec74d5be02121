"""The two tables. Their history lives in api/migrations/; change both together."""
from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, String, Table, Text

metadata = MetaData()

assessments = Table(
    "assessments", metadata,
    Column("id", String(32), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=True, index=True),  # API key name; NULL in open mode
    Column("rulepack_version", String(100), nullable=False),
    Column("rulepack_digest", String(100), nullable=False),
    Column("idempotency_scope", String(400), nullable=True, unique=True),  # "<owner>/<Idempotency-Key>"
    Column("input_digest", String(80), nullable=False),  # sha256 of the canonical input profile
    Column("profile", Text, nullable=False),  # the input, JSON
    Column("result", Text, nullable=False),   # the response body exactly as first returned, JSON
)

api_keys = Table(
    "api_keys", metadata,
    Column("name", String(100), primary_key=True),
    Column("key_hash", String(80), nullable=False, unique=True),  # sha256 hex of the bearer token
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)
