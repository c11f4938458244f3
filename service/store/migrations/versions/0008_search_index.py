"""The search index of the staff queue: every bigram of each ticket's masked text (see ``store/search.py``),
filled for the tickets stored before it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from service.store.search import gram_rows

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_BATCH = 500


def upgrade() -> None:
    grams = op.create_table(
        "ticket_grams",
        sa.Column("gram", sa.String(8), primary_key=True),
        sa.Column("ticket_id", sa.String(128), sa.ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_ticket_grams_ticket_id", "ticket_grams", ["ticket_id"])
    bind = op.get_bind()
    tickets = sa.table("tickets", sa.column("id", sa.String), sa.column("text", sa.Text))
    after = ""
    while True:  # by id, a batch at a time: a large store is indexed without holding it all in memory
        rows = bind.execute(sa.select(tickets.c.id, tickets.c.text).where(tickets.c.id > after)
                            .order_by(tickets.c.id).limit(_BATCH)).all()
        if not rows:
            break
        if index := gram_rows((r.id, r.text) for r in rows):
            bind.execute(grams.insert(), index)
        after = rows[-1].id


def downgrade() -> None:
    op.drop_table("ticket_grams")
