"""Portfolio jobs (issue 14): re-assessment jobs and their items, and each API key's calendar-feed token.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("feed_hash", sa.String(80), nullable=True))
        batch.create_unique_constraint("uq_api_keys_feed_hash", ["feed_hash"])
    op.create_table(
        "portfolio_jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("space", sa.String(8), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        sa.Column("as_of", sa.String(10), nullable=False),
        sa.Column("ids", sa.Text, nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("total", sa.Integer, nullable=True),
        *[sa.Column(c, sa.Integer, nullable=False, server_default="0")
          for c in ("done", "changed", "unchanged", "failed", "gone")],
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("lease", sa.String(200), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_portfolio_jobs_created_by", "portfolio_jobs", ["created_by"])
    op.create_table(
        "portfolio_job_items",
        sa.Column("job_id", sa.String(32), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("assessment_id", sa.String(32), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("entry", sa.Text, nullable=True),
    )
    op.create_index("ix_portfolio_job_items_state", "portfolio_job_items", ["job_id", "state", "seq"])
    op.create_index("ix_portfolio_job_items_assessment", "portfolio_job_items", ["assessment_id"])


def downgrade() -> None:
    op.drop_index("ix_portfolio_job_items_assessment", table_name="portfolio_job_items")
    op.drop_index("ix_portfolio_job_items_state", table_name="portfolio_job_items")
    op.drop_table("portfolio_job_items")
    op.drop_index("ix_portfolio_jobs_created_by", table_name="portfolio_jobs")
    op.drop_table("portfolio_jobs")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_constraint("uq_api_keys_feed_hash", type_="unique")
        batch.drop_column("feed_hash")
