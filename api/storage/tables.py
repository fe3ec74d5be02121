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
    # sha256 hex of the key's calendar-feed token (/v1/feeds/{token}/deadlines.ics); NULL: no feed (0003)
    Column("feed_hash", String(80), nullable=True, unique=True),
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

# Portfolio re-assessment jobs (0003): one row per POST /v1/portfolio:reassess. `done` counts items whose
# result is recorded, `changed`/`unchanged`/`failed`/`gone` split them; all move in the transaction that
# records the items, so a job killed mid-way resumes from what is committed and counts each item once.
portfolio_jobs = Table(
    "portfolio_jobs", metadata,
    Column("id", String(32), primary_key=True),
    Column("space", String(8), nullable=False),
    Column("created_by", String(100), nullable=True, index=True),
    Column("as_of", String(10), nullable=False),
    Column("ids", Text, nullable=True),  # JSON list of the assessment ids asked for; NULL: all of the owner's
    Column("status", String(10), nullable=False),  # queued | running | done | failed
    Column("total", Integer, nullable=True),  # set once the items are listed
    Column("done", Integer, nullable=False, server_default="0"),
    Column("changed", Integer, nullable=False, server_default="0"),
    Column("unchanged", Integer, nullable=False, server_default="0"),
    Column("failed", Integer, nullable=False, server_default="0"),
    Column("gone", Integer, nullable=False, server_default="0"),
    Column("error", Text, nullable=True),
    Column("lease", String(200), nullable=True),  # in-process runner holding it: "host:pid:nonce"
    Column("lease_until", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
)

# One row per assessment of a job, in a fixed order (seq): its state and, once recorded, its change entry.
portfolio_job_items = Table(
    "portfolio_job_items", metadata,
    Column("job_id", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("assessment_id", String(32), nullable=False),
    Column("state", String(10), nullable=False),  # todo | unchanged | changed | failed | gone
    Column("entry", Text, nullable=True),  # JSON: the change entry (changed) or the error (failed)
    Index("ix_portfolio_job_items_state", "job_id", "state", "seq"),
    Index("ix_portfolio_job_items_assessment", "assessment_id"),  # erasing a client erases its entries
)
