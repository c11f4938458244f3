"""A ticket's life as the API shows it: state and unit with their Chinese names, the deadline with the time
left and whether it is overdue, every step, the measures and progress notes, the last 回访."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from triage.labels import CATEGORY_NAMES, URGENCY_NAMES
from triage.lifecycle import SATISFACTION, deadline_status
from triage.rules.deadlines import LEVEL_NAMES

if TYPE_CHECKING:
    from .lifecycle import Life

__all__ = ["public_life", "unit_public"]


def unit_public(life: Life, code: str | None) -> dict[str, Any] | None:
    """A unit as the answers show it (code, name, level); a code the directory no longer has keeps its code."""
    if code is None:
        return None
    unit = life.directory.unit(code)
    return unit.public() if unit else {"code": code, "name": code, "level": None, "level_name": None}


def deadline_of(found: dict[str, Any], life: Life) -> Any:
    """The deadline running now: the unit's, or before any unit has it, the one counted from receipt."""
    if found["deadline"] is not None:
        return found["deadline"]
    urgency = found["labels"]["urgency"] or "normal"
    return life.deadlines.due(urgency, found["received_at"].astimezone(life.tz))


def public_life(found: dict[str, Any], life: Life) -> dict[str, Any]:
    """The answer of ``GET /v1/tickets/{id}/lifecycle`` for what :meth:`Store.life` found."""
    deadline = deadline_of(found, life)
    status = deadline_status(deadline.astimezone(life.tz), life.now(), closed_at=found["closed_at"],
                             suspended_at=found["suspended_at"])
    machine, labels = life.machine, found["labels"]
    steps = [{**e, "action_name": machine.actions[e["action"]].name if e["action"] in machine.actions else e["action"],
              "from_name": machine.states.get(e["from"], e["from"]), "to_name": machine.states.get(e["to"], e["to"]),
              "satisfaction_name": SATISFACTION.get(e["satisfaction"]) if e["satisfaction"] else None}
             for e in found["events"]]
    return {"id": found["id"], "state": found["state"], "state_name": machine.states.get(found["state"]),
            "version": found["version"], "unit": unit_public(life, found["unit_code"]),
            "level": found["level"], "level_name": LEVEL_NAMES.get(found["level"]) if found["level"] else None,
            "category": labels["category"], "category_name": CATEGORY_NAMES.get(labels["category"]),
            "urgency": labels["urgency"], "urgency_name": URGENCY_NAMES.get(labels["urgency"]),
            "received_at": found["received_at"].astimezone(life.tz).isoformat(timespec="seconds"), **status,
            "allowed": machine.allowed(found["state"]),
            "satisfaction": found["satisfaction"],
            "satisfaction_name": SATISFACTION.get(found["satisfaction"]) if found["satisfaction"] else None,
            "measures": [r for r in found["rectifications"] if r["kind"] == "measure"],
            "progress": [r for r in found["rectifications"] if r["kind"] == "progress"],
            "history": steps}
