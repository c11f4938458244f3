"""A ticket's life, as the service runs it: the transition table, deadlines, the unit directory and the
store together, on an injectable clock.

Routes, the command line and the periodic escalation all go through :class:`Life`. A step is
decided inside the store's transaction (:meth:`service.store.Store.step`), so that the state it
checks is the state it changes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from triage.errors import IllegalTransition
from triage.lifecycle import OPEN_AT_UNIT, SATISFACTION, Directory, FileDirectory, Machine, due_for_escalation, within
from triage.rules.deadlines import Deadlines

from .life_view import public_life
from .settings import Settings
from .store import Store

__all__ = ["Caller", "Life", "OutOfScope", "life_files", "system_clock"]

log = logging.getLogger("triage.lifecycle")

def system_clock() -> datetime:
    return datetime.now(UTC)


def life_files(settings: Settings) -> tuple[Machine, Deadlines, FileDirectory]:
    """The transition table, deadlines and units the settings name, each validated (an error names the file)."""
    return (Machine.load(settings.lifecycle_path), Deadlines.load(settings.deadlines_path),
            FileDirectory.load(settings.escalation_path))


@dataclass(frozen=True)
class Caller:
    """Who takes a step: a name, ``unit``, ``staff``, ``system`` (the escalation) or ``intake`` (reading Open311
    requests only), and a unit key's unit."""

    name: str
    role: str
    unit: str | None = None


class OutOfScope(Exception):
    """A unit key asked for a ticket that is not its unit's (nor a unit's below it), or for a step only the
    dispatch desk may take."""


class Life:
    def __init__(self, store: Store, machine: Machine, deadlines: Deadlines, directory: Directory, timezone: str,
                 clock: Callable[[], datetime] = system_clock) -> None:
        self.store, self.machine, self.deadlines, self.directory = store, machine, deadlines, directory
        self.tz, self.clock = ZoneInfo(timezone), clock
        store.start = machine.start

    def now(self) -> datetime:
        return self.clock().astimezone(self.tz)

    def sees(self, caller: Caller, unit_code: str | None) -> bool:
        """Whether ``caller`` may read and act on a ticket held by ``unit_code``."""
        return caller.role != "unit" or (caller.unit is not None and within(self.directory, unit_code, caller.unit))

    def _due(self, urgency: str | None, at: datetime, level: str | None) -> datetime:
        return self.deadlines.due(urgency or "normal", at.astimezone(self.tz), level)

    def view(self, ticket_id: str, caller: Caller) -> dict[str, Any]:
        """The ticket's life as the API shows it; :class:`OutOfScope` for another unit's ticket."""
        life = self.store.life(ticket_id)
        if not self.sees(caller, life["unit_code"]):
            raise OutOfScope(f"ticket {ticket_id!r} is not held by unit {caller.unit}")
        return public_life(life, self)

    def act(self, ticket_id: str, action: str, caller: Caller, *, version: int | None, unit: str | None = None,
            note: str | None = None, satisfaction: str | None = None) -> dict[str, Any]:
        """Take ``action`` on a ticket; :class:`OutOfScope`, a :class:`~triage.errors.TransitionError`,
        :class:`~service.store.StaleState` or ValueError (an unknown unit, action or answer) refuse it."""
        needs = self.machine.action(action).needs
        extra = [name for name, value, need in (("unit", unit, "unit"), ("satisfaction", satisfaction, "satisfaction"))
                 if value is not None and need not in needs]
        if extra:
            raise ValueError(f"{action} takes no {' or '.join(extra)}")
        if satisfaction is not None and satisfaction not in SATISFACTION:
            raise ValueError(f"satisfaction {satisfaction!r} is not one of {', '.join(SATISFACTION)}")
        target = None
        if unit is not None:
            target = self.directory.unit(unit)
            if target is None:
                raise ValueError(f"unit {unit!r} is not in the directory")

        def decide(current: dict[str, Any]) -> dict[str, Any]:
            if not self.sees(caller, current["unit_code"]):
                raise OutOfScope(f"ticket {ticket_id!r} is not held by unit {caller.unit}")
            given = {name for name, there in (("unit", target), ("reason", note and note.strip()),
                                              ("measure", current["measures"]), ("satisfaction", satisfaction),
                                              ("dissatisfied", current["satisfaction"] == "dissatisfied")) if there}
            step = self.machine.check(current["state"], action, given)
            if caller.role not in step.by:
                raise OutOfScope(f"{action} is taken by {', '.join(step.by)}, not by a {caller.role} key")
            return self._change(current, step.code, step.target, step.escalates, caller, target, note, satisfaction)

        self.store.step(ticket_id, decide, version=version)
        return public_life(self.store.life(ticket_id), self)

    def _change(self, current: dict[str, Any], action: str, to: str, escalates: bool, caller: Caller,
                target: Any, note: str | None, satisfaction: str | None) -> dict[str, Any]:
        now = self.clock()
        urgency = current["labels"]["urgency"]
        change: dict[str, Any] = {"action": action, "to": to, "actor": caller.name, "actor_role": caller.role,
                                  "at": now, "note": note, "satisfaction": satisfaction}
        if escalates:
            target = self.directory.parent_of(current["unit_code"]) if current["unit_code"] else None
            if target is None:
                raise IllegalTransition(f"no unit above {current['unit_code']} to escalate to", current["state"],
                                        action)
        if target is not None:
            change.update(unit_code=target.code, level=target.level, deadline=self._due(urgency, now, target.level))
        if to == "returned":  # back to the dispatch desk: no unit holds it, the intake deadline counts again
            change.update(unit_code=None, level=None, deadline=None)
        if current["state"] == "suspended":
            change["suspended_at"] = None
            if target is None and current["deadline"] is not None:  # the clock stood while suspended
                change["deadline"] = current["deadline"] + (now - current["suspended_at"])
        if to == "suspended":
            change["suspended_at"] = now
        if to == "closed":
            change["closed_at"] = now
        if current["state"] == "visited" and to != "visited":  # reopened: the unit has it again, a new deadline
            change.update(closed_at=None, deadline=self._due(urgency, now, current["level"]))
        return change

    def record(self, ticket_id: str, kind: str, text: str, caller: Caller) -> dict[str, Any]:
        """Append a measure or progress note, by the unit holding the ticket (or staff)."""
        life = self.store.life(ticket_id)
        if not self.sees(caller, life["unit_code"]):
            raise OutOfScope(f"ticket {ticket_id!r} is not held by unit {caller.unit}")
        return self.store.record(ticket_id, kind=kind, text=text, actor=caller.name,
                                 unit_code=caller.unit or life["unit_code"], at=self.clock())

    def escalate_due(self) -> list[dict[str, Any]]:
        """Send every ticket whose deadline has passed one level up (the periodic job and ``triage lifecycle
        escalate``); a ticket at the top level stays where it is, overdue. Returns the steps taken."""
        now = self.clock()
        system = Caller("escalation", "system")
        taken = []
        for ticket_id in self.store.due_tickets(now, OPEN_AT_UNIT):
            def decide(current: dict[str, Any]) -> dict[str, Any] | None:
                if not due_for_escalation(current["state"], current["deadline"], now):
                    return None  # acted on since it was found
                if current["unit_code"] is None or self.directory.parent_of(current["unit_code"]) is None:
                    return None
                passed = current["deadline"].astimezone(self.tz).isoformat(timespec="minutes")
                return self._change(current, "escalate", "dispatched", True, system, None,
                                    f"deadline {passed} passed", None)

            after = self.store.step(ticket_id, decide, version=None)
            if after is not None:
                log.info(json.dumps({"event": "escalated", "ticket": ticket_id, "to_unit": after["unit_code"],
                                     "level": after["level"]}, ensure_ascii=False))
                taken.append({"ticket": ticket_id, "unit": after["unit_code"], "level": after["level"],
                              "deadline": after["deadline"].astimezone(self.tz).isoformat(timespec="seconds")})
        return taken
