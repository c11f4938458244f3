"""What the staff queue filters, sorts and counts: one light row per ticket received in a window.

A row holds the labels in force (the latest prediction with every correction folded in), the
model's confidence, the ticket's state and unit, and its version: everything the filters and
facets look at, and nothing heavy (the text and the explanation are read for the page shown).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from .life_rows import aware
from .rows import apply_correction, prediction_row, version_of
from .search import candidates, contains_all, search_terms
from .tables import Correction, Prediction, Ticket, TicketState

__all__ = ["QueueRows"]


class QueueRows:
    """Queue queries; ``_session`` is the store's session factory, ``start`` the state before any step."""

    _session: sessionmaker
    start: str

    def queue_rows(self, since: datetime, until: datetime, query: str = "") -> list[dict[str, Any]]:
        """Light rows of the tickets received in ``[since, until)`` whose masked text has every term of ``query``."""
        terms = search_terms(query)
        latest = (select(func.max(Prediction.id).label("pid")).join(Ticket, Ticket.id == Prediction.ticket_id)
                  .where(Ticket.received_at >= since, Ticket.received_at < until)
                  .group_by(Prediction.ticket_id).subquery())
        # in the order _light unpacks them
        columns = [Ticket.id, Ticket.received_at, Ticket.channel, Prediction.model_version, Prediction.category,
                   Prediction.urgency, Prediction.route, Prediction.confidence, Prediction.review_confidence,
                   Prediction.needs_review, Prediction.unit, TicketState.state, TicketState.unit_code,
                   TicketState.deadline, TicketState.suspended_at, TicketState.closed_at, TicketState.version]
        statement = (select(*columns, *([Ticket.text] if terms else []))
                     .join(Prediction, Prediction.ticket_id == Ticket.id).join(latest, latest.c.pid == Prediction.id)
                     .outerjoin(TicketState, TicketState.ticket_id == Ticket.id))
        for term in terms:
            statement = statement.where(Ticket.id.in_(candidates(term)))
        with self._session() as s:
            found = [r for r in s.execute(statement) if not terms or contains_all(r.text, terms)]
            history: dict[str, list[Correction]] = {}
            wanted = {r.id for r in found}
            for c in s.scalars(select(Correction).join(Ticket, Ticket.id == Correction.ticket_id)
                               .where(Ticket.received_at >= since, Ticket.received_at < until)
                               .order_by(Correction.id)):
                if c.ticket_id in wanted:
                    history.setdefault(c.ticket_id, []).append(c)
        return [_light(r, history.get(r.id, []), self.start) for r in found]

    def queue_items(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """The text and latest prediction (with its explanation) of each ticket in ``ids``, for the page shown."""
        if not ids:
            return {}
        with self._session() as s:
            latest = (select(func.max(Prediction.id).label("pid")).where(Prediction.ticket_id.in_(ids))
                      .group_by(Prediction.ticket_id).subquery())
            rows = s.execute(select(Ticket.id, Ticket.text, Prediction)
                             .join(Prediction, Prediction.ticket_id == Ticket.id)
                             .join(latest, latest.c.pid == Prediction.id)).all()
        return {ticket_id: {"text": text, "prediction": prediction_row(p)} for ticket_id, text, p in rows}


def _light(r: Any, corrections: list[Correction], start: str) -> dict[str, Any]:
    (ticket_id, received_at, channel, model_version, category, urgency, route, confidence, review_confidence,
     needs_review, unit, state, unit_code, deadline, suspended_at, closed_at, life_version) = tuple(r)[:17]
    predicted = {"category": category, "urgency": urgency, "route": route}
    labels = predicted
    for c in corrections:
        labels = apply_correction(labels, c)
    unit = unit_code or (unit.get("code") if isinstance(unit, dict) else None)
    return {"id": ticket_id, "received_at": aware(received_at), "channel": channel or "",
            "model_version": model_version, "labels": labels, "predicted": predicted, "confidence": confidence,
            "review_confidence": confidence if review_confidence is None else review_confidence,
            "needs_review": bool(needs_review), "unit": unit or "", "state": state or start,
            "deadline": aware(deadline), "suspended_at": aware(suspended_at), "closed_at": aware(closed_at),
            "life_version": life_version or 0, "version": version_of(corrections), "reviewed": bool(corrections),
            "reviewer": corrections[-1].annotator if corrections else None}
