"""Security and lifecycle (issue 10): the page's own space, company columns for listing and erasure,
Idempotency-Key table, server-wide state (keyed mode, CSRF secret).

Existing data: rows stored by the help-desk page under owner "helpdesk" move to the "page" space
(unless an API key of that name exists, whose rows they may then be); a database where any key was
ever issued starts in keyed mode.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        batch.add_column(sa.Column("space", sa.String(8), nullable=False, server_default="api"))
        batch.add_column(sa.Column("company_name", sa.String(400), nullable=True))
        batch.add_column(sa.Column("credit_code", sa.String(40), nullable=True))
        batch.add_column(sa.Column("overall", sa.String(60), nullable=True))
    op.create_index("ix_assessments_space_owner_created", "assessments", ["space", "created_by", "created_at"])
    op.create_table(
        "idempotency",
        sa.Column("scope", sa.String(400), primary_key=True),
        sa.Column("fingerprint", sa.String(80), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("status", sa.Integer, nullable=True),
        sa.Column("location", sa.String(200), nullable=True),
        sa.Column("body", sa.Text, nullable=True),
        sa.Column("assessment_ids", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_idempotency_created_at", "idempotency", ["created_at"])
    op.create_table(
        "server_state",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    conn = op.get_bind()
    now = dt.datetime.now(dt.timezone.utc)
    names = {r[0] for r in conn.execute(sa.text("SELECT name FROM api_keys"))}
    if names:
        conn.execute(sa.text("INSERT INTO server_state (name, value, updated_at) VALUES ('mode', 'keyed', :t)"),
                     {"t": now})
    if "helpdesk" not in names:
        conn.execute(sa.text("UPDATE assessments SET space = 'page' WHERE created_by = 'helpdesk'"))
    rows = conn.execute(sa.text("SELECT id, profile, result FROM assessments")).all()
    for rid, profile, result in rows:
        company = _company(profile)
        try:
            overall = json.loads(result).get("overall")
        except ValueError:
            overall = None
        conn.execute(sa.text("UPDATE assessments SET company_name = :n, credit_code = :c, overall = :o WHERE id = :i"),
                     {"n": _str(company.get("name"), 400), "c": _str(company.get("credit_code"), 40),
                      "o": _str(overall, 60), "i": rid})


def _company(profile: str) -> dict:
    try:
        company = json.loads(profile).get("company")
    except (ValueError, AttributeError):
        return {}
    return company if isinstance(company, dict) else {}


def _str(value: object, n: int) -> str | None:
    return value[:n] if isinstance(value, str) else None


def downgrade() -> None:
    op.drop_table("server_state")
    op.drop_index("ix_idempotency_created_at", table_name="idempotency")
    op.drop_table("idempotency")
    op.drop_index("ix_assessments_space_owner_created", table_name="assessments")
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("overall")
        batch.drop_column("credit_code")
        batch.drop_column("company_name")
        batch.drop_column("space")
