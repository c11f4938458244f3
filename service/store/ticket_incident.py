"""The incident (并单) one ticket belongs to now, read for the ticket page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .database import NotFound

if TYPE_CHECKING:
    from .store import Store

__all__ = ["incident_of"]


def incident_of(store: Store, ticket_id: str) -> dict[str, Any] | None:
    """The incident holding ``ticket_id`` now, with every membership it has had; None for a ticket stored
    without merging."""
    with store._session() as s:
        found = store.current_incidents(s, [ticket_id]).get(ticket_id)
    if found is None:
        return None
    try:
        return store.incident(found)
    except NotFound:  # split away between the two reads
        return None
