"""The reading side of the store: the review queue, the corrected labels (export, retraining) and counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from .rows import LABEL_FIELDS, as_sent, labels_in_force, prediction_row, version_of
from .tables import Correction, Prediction, Ticket, utc_text, utcnow

__all__ = ["Review"]


class Review:
    """Queries over tickets, predictions and corrections; ``_session`` is the store's session factory."""

    _session: sessionmaker

    def review_queue(self, limit: int = 50) -> list[dict[str, Any]]:
        """Stored tickets nobody has corrected yet: those the answer flagged first, each group with the
        weakest field confidence (category, urgency or route) first, then the closest top two."""
        with self._session() as s:
            latest = (select(func.max(Prediction.id).label("pid"))
                      .group_by(Prediction.ticket_id).subquery())
            reviewed = select(Correction.ticket_id)
            rows = s.execute(
                select(Ticket, Prediction).join(Prediction, Prediction.ticket_id == Ticket.id)
                .join(latest, latest.c.pid == Prediction.id)
                .where(Ticket.id.not_in(reviewed))
                .order_by(Prediction.needs_review.desc(),
                          func.coalesce(Prediction.review_confidence, Prediction.confidence),
                          Prediction.margin, Ticket.received_at, Ticket.id).limit(limit)).all()
            return [{"id": t.id, "text": t.text, "channel": t.channel, "received_at": utc_text(t.received_at),
                     "prediction": prediction_row(p), "version": version_of(())} for t, p in rows]

    @staticmethod
    def _histories(s, ids: Sequence[str]) -> Iterator[tuple[Ticket, Prediction | None, list[Correction]]]:
        """(ticket, latest prediction, corrections) of each corrected ticket in ``ids``, 500 tickets a query."""
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            tickets = {t.id: t for t in s.scalars(select(Ticket).where(Ticket.id.in_(chunk)))}
            latest: dict[str, Prediction] = {}
            for p in s.scalars(select(Prediction).where(Prediction.ticket_id.in_(chunk)).order_by(Prediction.id)):
                latest[p.ticket_id] = p
            history: dict[str, list[Correction]] = {}
            for c in s.scalars(select(Correction).where(Correction.ticket_id.in_(chunk)).order_by(Correction.id)):
                history.setdefault(c.ticket_id, []).append(c)
            for ticket_id in chunk:
                yield tickets[ticket_id], latest.get(ticket_id), history[ticket_id]

    def corrected_labels(self) -> Iterator[dict[str, Any]]:
        """The labels in force for every corrected ticket, with its text (for export and retraining)."""
        with self._session() as s:
            ids = s.scalars(select(Correction.ticket_id).distinct().order_by(Correction.ticket_id)).all()
            for ticket, predicted, corrections in self._histories(s, ids):
                labels = labels_in_force(predicted, corrections)
                categories = [labels["category"]] + [c for c in (predicted.categories if predicted else [])
                                                      if c != labels["category"]]
                yield {"id": ticket.id, "text": ticket.text, **labels, "categories": categories,
                       "annotator": corrections[-1].annotator, "corrected_at": utc_text(corrections[-1].created_at),
                       "predicted": as_sent(predicted)}

    def counts(self, days: int, now: datetime | None = None) -> dict[str, dict[str, int]]:
        """Tickets received in the last ``days`` days by category, urgency and route (labels in force)."""
        since = (now or utcnow()) - timedelta(days=days)
        out: dict[str, Counter[str]] = {f: Counter() for f in LABEL_FIELDS}
        with self._session() as s:
            latest = (select(func.max(Prediction.id).label("pid")).join(Ticket, Ticket.id == Prediction.ticket_id)
                      .where(Ticket.received_at >= since).group_by(Prediction.ticket_id).subquery())
            for field in LABEL_FIELDS:
                column = getattr(Prediction, field)
                for value, n in s.execute(select(column, func.count()).join(latest, latest.c.pid == Prediction.id)
                                          .group_by(column)):
                    out[field][value] += n
            corrected = s.scalars(select(Correction.ticket_id).join(Ticket, Ticket.id == Correction.ticket_id)
                                  .where(Ticket.received_at >= since).distinct()).all()
            # move each corrected ticket from its predicted labels to the labels in force
            for _, predicted, corrections in self._histories(s, corrected):
                if predicted is not None:
                    labels = labels_in_force(predicted, corrections)
                    for field in LABEL_FIELDS:
                        out[field][getattr(predicted, field)] -= 1
                        out[field][labels[field]] += 1
        return {f: {k: v for k, v in c.most_common() if v > 0} for f, c in out.items()}
