"""Tickets, predictions, append-only corrections, hashed API keys and retraining jobs.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("channel", sa.String(64)),
        sa.Column("received_at", TZ, nullable=False, index=True),
    )
    op.create_table(
        "predictions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.String(128), sa.ForeignKey("tickets.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("route", sa.String(32), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("margin", sa.Float, nullable=False),
        sa.Column("needs_review", sa.Boolean, nullable=False),
        sa.Column("explanation", sa.JSON, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.String(128), sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("category", sa.String(32)),
        sa.Column("urgency", sa.String(16)),
        sa.Column("route", sa.String(32)),
        sa.Column("previous", sa.JSON, nullable=False),
        sa.Column("annotator", sa.String(128), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("created_at", TZ, nullable=False, index=True),
    )
    op.create_index("ix_corrections_ticket_time", "corrections", ["ticket_id", "id"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ),
    )
    op.create_table(
        "retrain_jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_by", sa.String(128), nullable=False),
        sa.Column("progress", sa.Text, nullable=False),
        sa.Column("candidate_version", sa.String(64)),
        sa.Column("active_version", sa.String(64)),
        sa.Column("report", sa.JSON),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("finished_at", TZ),
    )


def downgrade() -> None:
    for table in ("retrain_jobs", "api_keys", "corrections", "predictions", "tickets"):
        op.drop_table(table)
