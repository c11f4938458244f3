"""Rows of a ticket's life as the plain dicts the store returns: its state now, its steps, its measures."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .tables import Rectification, TicketEvent, TicketState, utc_text

__all__ = ["aware", "event_row", "in_utc", "rectification_row", "state_row"]


def aware(moment: datetime | None) -> datetime | None:
    """A stored moment with its time zone (SQLite hands back naive datetimes; they were written in UTC)."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def in_utc(moment: datetime | None) -> datetime | None:
    """A moment to store: in UTC (SQLite keeps a datetime's wall time and drops its zone)."""
    return None if moment is None else moment.astimezone(UTC)


def state_row(row: TicketState | None, start: str) -> dict[str, Any]:
    """The state now; a ticket no one has acted on is in ``start`` at version 0."""
    if row is None:
        return {"state": start, "unit_code": None, "level": None, "deadline": None, "suspended_at": None,
                "closed_at": None, "version": 0}
    return {"state": row.state, "unit_code": row.unit_code, "level": row.level, "deadline": aware(row.deadline),
            "suspended_at": aware(row.suspended_at), "closed_at": aware(row.closed_at), "version": row.version}


def event_row(e: TicketEvent) -> dict[str, Any]:
    return {"id": e.id, "action": e.action, "from": e.from_state, "to": e.to_state, "from_unit": e.from_unit,
            "to_unit": e.to_unit, "actor": e.actor, "actor_role": e.actor_role, "note": e.note,
            "satisfaction": e.satisfaction, "deadline": utc_text(e.deadline), "at": utc_text(e.created_at)}


def rectification_row(r: Rectification) -> dict[str, Any]:
    return {"id": r.id, "kind": r.kind, "text": r.text, "unit_code": r.unit_code, "actor": r.actor,
            "at": utc_text(r.created_at)}
