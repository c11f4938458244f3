"""A ticket's life after triage: its state and version, the history of its steps, measures and progress, the
details Open311 clients send, and the unit a unit's API key belongs to.

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

def _ticket() -> sa.ForeignKey:
    return sa.ForeignKey("tickets.id", ondelete="CASCADE")


_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("unit_code", sa.String(64), nullable=True))
    op.create_table(
        "ticket_states",
        sa.Column("ticket_id", sa.String(128), _ticket(), primary_key=True),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=True, index=True),
        sa.Column("level", sa.String(16), nullable=True),
        sa.Column("deadline", _WHEN, nullable=True),
        sa.Column("suspended_at", _WHEN, nullable=True),
        sa.Column("closed_at", _WHEN, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
    )
    op.create_index("ix_ticket_states_state_deadline", "ticket_states", ["state", "deadline"])
    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.String(128), _ticket(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False, index=True),
        sa.Column("from_state", sa.String(32), nullable=False),
        sa.Column("to_state", sa.String(32), nullable=False),
        sa.Column("from_unit", sa.String(64), nullable=True, index=True),
        sa.Column("to_unit", sa.String(64), nullable=True),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("actor_role", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("satisfaction", sa.String(16), nullable=True),
        sa.Column("deadline", _WHEN, nullable=True),
        sa.Column("created_at", _WHEN, nullable=False, index=True),
    )
    op.create_index("ix_ticket_events_ticket", "ticket_events", ["ticket_id", "id"])
    op.create_table(
        "rectifications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.String(128), _ticket(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=True),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
    )
    op.create_index("ix_rectifications_ticket", "rectifications", ["ticket_id", "id"])
    op.create_table(
        "open311_requests",
        sa.Column("ticket_id", sa.String(128), _ticket(), primary_key=True),
        sa.Column("service_code", sa.String(32), nullable=False),
        sa.Column("address", sa.Text, nullable=True),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("long", sa.Float, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("open311_requests")
    op.drop_table("rectifications")
    op.drop_table("ticket_events")
    op.drop_table("ticket_states")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("unit_code")
