"""A ticket's deadline as people read it: when, how long is left, whether it is overdue; and whether
it is due for escalation. Pure functions of the moments given (the clock is the caller's)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

__all__ = ["OPEN_AT_UNIT", "deadline_status", "due_for_escalation"]

#: States in which a unit holds the ticket and its deadline runs (and escalation may come).
OPEN_AT_UNIT = ("dispatched", "in_progress")


def deadline_status(deadline: datetime | None, now: datetime, *, closed_at: datetime | None = None,
                    suspended_at: datetime | None = None) -> dict[str, Any]:
    """``deadline`` (ISO), ``time_left_seconds`` (negative once passed; None when closed) and ``overdue``.

    A closed ticket is overdue if it was closed after its deadline; a suspended one's clock stands
    at the moment it was suspended.
    """
    if deadline is None:
        return {"deadline": None, "time_left_seconds": None, "overdue": False}
    if closed_at is not None:
        return {"deadline": deadline.isoformat(timespec="seconds"), "time_left_seconds": None,
                "overdue": closed_at > deadline}
    at = suspended_at or now
    left = int((deadline - at).total_seconds())
    return {"deadline": deadline.isoformat(timespec="seconds"), "time_left_seconds": left, "overdue": left < 0}


def due_for_escalation(state: str, deadline: datetime | None, now: datetime) -> bool:
    """A ticket a unit holds whose deadline has passed."""
    return state in OPEN_AT_UNIT and deadline is not None and now >= deadline
