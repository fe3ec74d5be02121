"""Assessments (input, output, rule-pack digest, who, when) and hashed API keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        sa.Column("rulepack_version", sa.String(100), nullable=False),
        sa.Column("rulepack_digest", sa.String(100), nullable=False),
        sa.Column("idempotency_scope", sa.String(400), nullable=True),
        sa.Column("input_digest", sa.String(80), nullable=False),
        sa.Column("profile", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.UniqueConstraint("idempotency_scope", name="uq_assessments_idempotency_scope"),
    )
    op.create_index("ix_assessments_created_by", "assessments", ["created_by"])
    op.create_table(
        "api_keys",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("key_hash", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )


def downgrade() -> None:
    op.drop_table("api_keys")
    op.drop_index("ix_assessments_created_by", table_name="assessments")
    op.drop_table("assessments")
