"""Incidents (并单): incidents and ticket memberships (with what merging compares; a split ends one, never deletes it).

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("place", sa.String(256)),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "incident_members",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.String(128), sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("how", sa.String(16), nullable=False),
        sa.Column("linked_by", sa.String(128), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("similarity", sa.Float),
        sa.Column("matched_ticket", sa.String(128)),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("ended_by", sa.String(128)),
        sa.Column("note", sa.Text),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("place", sa.String(256)),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_incident_members_ticket_id", "incident_members", ["ticket_id"])
    op.create_index("ix_incident_members_incident_id", "incident_members", ["incident_id"])
    op.create_index("ix_incident_members_category_id", "incident_members", ["category", "id"])
    op.create_index("ix_incident_members_received_at", "incident_members", ["received_at"])


def downgrade() -> None:
    op.drop_table("incident_members")
    op.drop_table("incidents")
