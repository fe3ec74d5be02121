"""The tables. Their history lives in api/migrations/; change both together."""
from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

assessments = Table(
    "assessments", metadata,
    Column("id", String(32), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # "api": made through /v1 (owner = API key name, NULL in open mode); "page": made by the help-desk page.
    # No API call ever reads a "page" row: the two spaces never meet, whatever the owner name.
    Column("space", String(8), nullable=False, server_default="api"),
    Column("created_by", String(100), nullable=True, index=True),  # API key name; NULL in open mode
    Column("rulepack_version", String(100), nullable=False),
    Column("rulepack_digest", String(100), nullable=False),
    Column("idempotency_scope", String(400), nullable=True, unique=True),  # unused since 0002 (see idempotency)
    Column("input_digest", String(80), nullable=False),  # sha256 of the canonical input profile
    Column("company_name", String(400), nullable=True),  # for listing and erasure by company
    Column("credit_code", String(40), nullable=True),
    Column("overall", String(60), nullable=True),
    Column("profile", Text, nullable=False),  # the input, JSON
    Column("result", Text, nullable=False),   # the response body exactly as first returned, JSON
    Index("ix_assessments_space_owner_created", "space", "created_by", "created_at"),
)

api_keys = Table(
    "api_keys", metadata,
    Column("name", String(100), primary_key=True),
    Column("key_hash", String(80), nullable=False, unique=True),  # sha256 hex of the bearer token
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

# One row per Idempotency-Key (scope = "<owner>/<key>"): what the first request was (fingerprint of
# method, path, query and body) and, once done, what it answered. Rows older than 24 h are ignored
# and purged.
idempotency = Table(
    "idempotency", metadata,
    Column("scope", String(400), primary_key=True),
    Column("fingerprint", String(80), nullable=False),
    Column("state", String(10), nullable=False),  # "pending" | "done"
    Column("status", Integer, nullable=True),
    Column("location", String(200), nullable=True),
    Column("body", Text, nullable=True),
    Column("assessment_ids", Text, nullable=True),  # space-separated ids the answer holds (erased with them)
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
)

# Server-wide state every worker and host shares: access mode ("open" | "keyed"), the page's CSRF secret.
server_state = Table(
    "server_state", metadata,
    Column("name", String(50), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
