"""The stored part of a ticket's life: its state and version, its steps appended, measures and progress.

:meth:`Lifecycle.step` is the one way a state changes: in one transaction, with the ticket's row
locked, it reads the state now, refuses a stale ``version`` (:class:`StaleState`, nothing
written), asks the caller's ``decide`` what the step is (``decide`` checks the transition
table and may refuse), then writes the new state with the version one higher and appends the
step to the history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from .database import NotFound, StoreError
from .life_rows import aware, event_row, in_utc, rectification_row, state_row
from .rows import clean_text, labels_in_force
from .tables import Correction, Open311Request, Prediction, Rectification, Ticket, TicketEvent, TicketState

__all__ = ["KINDS", "Lifecycle", "StaleState"]

#: What a unit records on a ticket: 整改措施 and 进展.
KINDS = ("measure", "progress")


class StaleState(StoreError):
    """A lifecycle write based on an older version of the ticket than the one stored; ``current`` is now."""

    def __init__(self, message: str, current: dict[str, Any]) -> None:
        super().__init__(message)
        self.current = current


class Lifecycle:
    """States, steps and measures; ``_session`` is the store's session factory, ``start`` the first state."""

    _session: sessionmaker
    start: str = "pending_dispatch"

    def _current(self, s: Any, ticket: Ticket) -> dict[str, Any]:
        now = state_row(s.get(TicketState, ticket.id), self.start)
        latest = s.scalars(select(Prediction).where(Prediction.ticket_id == ticket.id)
                           .order_by(Prediction.id.desc()).limit(1)).first()
        corrections = s.scalars(select(Correction).where(Correction.ticket_id == ticket.id)
                                .order_by(Correction.id)).all()
        measures = s.scalars(select(Rectification.id).where(Rectification.ticket_id == ticket.id,
                                                            Rectification.kind == "measure")).all()
        visit = s.scalars(select(TicketEvent.satisfaction).where(TicketEvent.ticket_id == ticket.id,
                                                                 TicketEvent.satisfaction.is_not(None))
                          .order_by(TicketEvent.id.desc()).limit(1)).first()
        return {**now, "id": ticket.id, "received_at": aware(ticket.received_at), "channel": ticket.channel,
                "labels": labels_in_force(latest, corrections), "measures": len(measures), "satisfaction": visit}

    def step(self, ticket_id: str, decide: Callable[[dict[str, Any]], dict[str, Any] | None], *,
             version: int | None) -> dict[str, Any] | None:
        """Take one step; ``decide(current)`` returns the step (None: nothing to do) or raises.

        The step names ``action``, ``to`` (the new state), ``actor``, ``actor_role``, ``at``, and may name
        ``unit_code``, ``level``, ``deadline``, ``suspended_at``, ``closed_at`` (the new values), ``note``
        and ``satisfaction``. Returns the state after it, or None when ``decide`` found nothing to do.
        """
        ticket_id = clean_text(ticket_id)
        with self._session.begin() as s:
            ticket = s.scalars(select(Ticket).where(Ticket.id == ticket_id).with_for_update()).first()
            if ticket is None:
                raise NotFound(f"no ticket {ticket_id!r}")
            current = self._current(s, ticket)
            if version is not None and version != current["version"]:
                raise StaleState(f"ticket {ticket_id!r} is at version {current['version']}, not {version}", current)
            change = decide(current)
            if change is None:
                return None
            row = s.get(TicketState, ticket_id)
            if row is None:
                row = TicketState(ticket_id=ticket_id, version=0)
                s.add(row)
            kept = {k: change.get(k, current[k]) for k in ("unit_code", "level", "deadline", "suspended_at",
                                                           "closed_at")}
            kept.update({k: aware(in_utc(kept[k])) for k in ("deadline", "suspended_at", "closed_at")})
            row.state, row.version, row.updated_at = change["to"], current["version"] + 1, in_utc(change["at"])
            for name, value in kept.items():
                setattr(row, name, value)
            s.add(TicketEvent(ticket_id=ticket_id, action=change["action"], from_state=current["state"],
                              to_state=change["to"], from_unit=current["unit_code"], to_unit=kept["unit_code"],
                              actor=clean_text(change["actor"]), actor_role=change["actor_role"],
                              note=clean_text(change.get("note")), satisfaction=change.get("satisfaction"),
                              deadline=kept["deadline"], created_at=in_utc(change["at"])))
            return {**current, **kept, "state": change["to"], "version": current["version"] + 1}

    def life(self, ticket_id: str) -> dict[str, Any]:
        """The ticket's state now, its text and labels, every step and every measure and progress note."""
        ticket_id = clean_text(ticket_id)
        with self._session() as s:
            ticket = s.get(Ticket, ticket_id)
            if ticket is None:
                raise NotFound(f"no ticket {ticket_id!r}")
            return {**self._current(s, ticket), "text": ticket.text, **self._steps_of(s, [ticket_id])[ticket_id]}

    @staticmethod
    def _steps_of(s: Any, ids: Sequence[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
        out: dict[str, dict[str, list[dict[str, Any]]]] = {i: {"events": [], "rectifications": []} for i in ids}
        for e in s.scalars(select(TicketEvent).where(TicketEvent.ticket_id.in_(ids)).order_by(TicketEvent.id)):
            out[e.ticket_id]["events"].append(event_row(e))
        for r in s.scalars(select(Rectification).where(Rectification.ticket_id.in_(ids)).order_by(Rectification.id)):
            out[r.ticket_id]["rectifications"].append(rectification_row(r))
        return out

    def record(self, ticket_id: str, *, kind: str, text: str, actor: str, unit_code: str | None,
               at: datetime) -> dict[str, Any]:
        """Append a 整改措施 (``measure``) or 进展 (``progress``) to a ticket."""
        if kind not in KINDS:
            raise ValueError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
        if not text or not text.strip():
            raise ValueError("text is empty")
        ticket_id = clean_text(ticket_id)
        with self._session.begin() as s:
            if s.get(Ticket, ticket_id) is None:
                raise NotFound(f"no ticket {ticket_id!r}")
            row = Rectification(ticket_id=ticket_id, kind=kind, text=clean_text(text), actor=clean_text(actor),
                                unit_code=unit_code, created_at=in_utc(at))
            s.add(row)
            s.flush()
            return rectification_row(row)

    def due_tickets(self, now: datetime, states: Sequence[str]) -> list[str]:
        """Ids of tickets in ``states`` whose deadline is at or before ``now``, the longest overdue first."""
        with self._session() as s:
            return list(s.scalars(select(TicketState.ticket_id).where(TicketState.state.in_(states),
                                                                      TicketState.deadline <= in_utc(now))
                                  .order_by(TicketState.deadline, TicketState.ticket_id)))

    def lives(self, *, since: datetime | None = None, until: datetime | None = None,
              ids: Sequence[str] | None = None, channel: str | None = None,
              limit: int | None = None) -> Iterator[dict[str, Any]]:
        """Every ticket received in [``since``, ``until``) (or with one of ``ids``, or from ``channel``), as
        :meth:`life` gives it, the earliest first, at most ``limit``; 500 tickets a query."""
        query = select(Ticket.id).order_by(Ticket.received_at, Ticket.id)
        if since is not None:
            query = query.where(Ticket.received_at >= in_utc(since))
        if until is not None:
            query = query.where(Ticket.received_at < in_utc(until))
        if ids is not None:
            query = query.where(Ticket.id.in_([clean_text(i) for i in ids]))
        if channel is not None:
            query = query.where(Ticket.channel == channel)
        if limit is not None:
            query = query.limit(limit)
        with self._session() as s:
            found = list(s.scalars(query))
            for start in range(0, len(found), 500):
                chunk = found[start:start + 500]
                tickets = {t.id: t for t in s.scalars(select(Ticket).where(Ticket.id.in_(chunk)))}
                histories = self._steps_of(s, chunk)
                for i in chunk:
                    yield {**self._current(s, tickets[i]), "text": tickets[i].text, **histories[i]}

    def save_open311(self, ticket_id: str, *, service_code: str, address: str | None, lat: float | None,
                     long: float | None) -> None:
        """Keep what an Open311 client sent beside the description (once: a retried request keeps the first)."""
        with self._session.begin() as s:
            if s.get(Open311Request, ticket_id) is None:
                s.add(Open311Request(ticket_id=ticket_id, service_code=service_code, address=clean_text(address),
                                     lat=lat, long=long))

    def open311_details(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The Open311 details of those of ``ids`` that came through Open311."""
        with self._session() as s:
            return {r.ticket_id: {"service_code": r.service_code, "address": r.address, "lat": r.lat, "long": r.long}
                    for r in s.scalars(select(Open311Request).where(Open311Request.ticket_id.in_(list(ids))))}
