"""Predictions keep their weakest field confidence, so the review queue can order by it.

The answer's ``needs_review`` flag comes from the category, urgency and route confidences
(``explanation.review.confidence``); ordering the queue by the category's alone put a ticket
flagged for its route behind confident-looking unflagged ones. Existing rows are filled in
from their stored explanation.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def weakest_confidence(explanation: dict | None, category_confidence: float) -> float:
    """The lowest of the answer's field confidences (the category's for answers that have no others)."""
    found = ((explanation or {}).get("review") or {}).get("confidence") or {}
    return min([category_confidence, *(float(v) for v in found.values())])


def upgrade() -> None:
    op.add_column("predictions", sa.Column("review_confidence", sa.Float))
    predictions = sa.table("predictions", sa.column("id", sa.Integer), sa.column("confidence", sa.Float),
                           sa.column("explanation", sa.JSON), sa.column("review_confidence", sa.Float))
    connection = op.get_bind()
    rows = connection.execute(sa.select(predictions.c.id, predictions.c.confidence, predictions.c.explanation))
    for pid, confidence, explanation in rows.all():
        connection.execute(predictions.update().where(predictions.c.id == pid)
                           .values(review_confidence=weakest_confidence(explanation, confidence)))


def downgrade() -> None:
    op.drop_column("predictions", "review_confidence")
