"""Handling deadlines by urgency and by level of the unit, from the data file ``data/deadlines.yaml``.

Version 1 files give one limit per urgency (``deadlines``). Version 2 files add ``levels``: for
each level of unit (``community`` 社区, ``street`` 街道, ``district`` 区) a limit per urgency,
counted from when a unit at that level was given the ticket, and ``calendar``: which days are
working days (``weekdays``, or ``china``: public holidays and make-up working days). A version 1
file still loads: every level takes the ``deadlines`` limits, on the ``weekdays`` calendar.

Working days are counted in the time zone of the moment given: the deadline falls at the same
time of day on the last working day (a complaint on a day off counts from the next working day).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..datafiles import default_data_path, read_yaml
from ..errors import ConfigError
from ..labels import URGENCIES
from .workdays import CALENDARS, Workdays

__all__ = ["LEVELS", "LEVEL_NAMES", "Deadlines"]

#: Levels of the units that handle a ticket, lowest first: a ticket goes up one at a time.
LEVEL_NAMES: dict[str, str] = {"community": "社区", "street": "街道", "district": "区"}
LEVELS: tuple[str, ...] = tuple(LEVEL_NAMES)

Limit = tuple[str, float]  # ("hours", 2.0) or ("working_days", 5)


def _limits(raw: Any, where: str) -> dict[str, Limit]:
    """One limit per urgency, each ``{hours: N}`` or ``{working_days: N}``."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: needs a mapping of urgency to limit")
    missing = [u for u in URGENCIES if u not in raw]
    if missing:
        raise ConfigError(f"{where}: no deadline for {missing}")
    out: dict[str, Limit] = {}
    for urgency, spec in raw.items():
        if urgency not in URGENCIES:
            raise ConfigError(f"{where}: unknown urgency {urgency!r}")
        if not isinstance(spec, dict) or len(spec) != 1:
            raise ConfigError(f"{where}: {urgency}: give exactly one of 'hours' or 'working_days'")
        (unit, value), = spec.items()
        if unit == "hours" and isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            out[urgency] = ("hours", float(value))
        elif unit == "working_days" and isinstance(value, int) and not isinstance(value, bool) and value > 0:
            out[urgency] = ("working_days", value)
        else:
            raise ConfigError(f"{where}: {urgency}: {unit} must be a positive number "
                              "('working_days' a whole one)")
    return out


@dataclass(frozen=True)
class Deadlines:
    """For each urgency (and level), either a number of clock hours or a number of working days."""

    hours: dict[str, float]
    working_days: dict[str, int]
    source: str
    levels: dict[str, dict[str, Limit]] = field(default_factory=dict)
    calendar: str = "weekdays"

    @classmethod
    def load(cls, path: str | Path | None = None) -> Deadlines:
        path = Path(path) if path else default_data_path("deadlines.yaml")
        data = read_yaml(path, ConfigError)
        version = data.get("version", 1)
        if version not in (1, 2):
            raise ConfigError(f"{path}: version {version!r} is not one this code reads (1 or 2)")
        if "deadlines" not in data:
            raise ConfigError(f"{path}: needs a 'deadlines' mapping")
        flat = _limits(data["deadlines"], str(path))
        calendar = data.get("calendar", "weekdays")
        if calendar not in CALENDARS:
            raise ConfigError(f"{path}: calendar {calendar!r} is not one of {', '.join(CALENDARS)}")
        raw_levels = data.get("levels", {}) if version == 2 else {}
        if version == 1 and ("levels" in data or "calendar" in data):
            raise ConfigError(f"{path}: 'levels' and 'calendar' need version: 2")
        if not isinstance(raw_levels, dict):
            raise ConfigError(f"{path}: levels: needs a mapping of level to limits")
        unknown = [lv for lv in raw_levels if lv not in LEVELS]
        if unknown:
            raise ConfigError(f"{path}: levels: unknown level {unknown[0]!r} (expected {', '.join(LEVELS)})")
        levels = {lv: _limits(raw_levels[lv], f"{path}: levels: {lv}") if lv in raw_levels else flat
                  for lv in LEVELS}
        return cls(hours={u: v for u, (k, v) in flat.items() if k == "hours"},
                   working_days={u: int(v) for u, (k, v) in flat.items() if k == "working_days"},
                   source=str(path), levels=levels, calendar=calendar)

    def limit(self, urgency: str, level: str | None = None) -> Limit:
        """The limit for ``urgency`` at ``level`` (None: before a unit has the ticket)."""
        if level is not None:
            if level not in LEVELS:
                raise ValueError(f"level {level!r} is not one of {', '.join(LEVELS)}")
            if self.levels:
                return self.levels[level][urgency]
        if urgency in self.hours:
            return ("hours", self.hours[urgency])
        return ("working_days", self.working_days[urgency])

    def due(self, urgency: str, received: datetime, level: str | None = None) -> datetime:
        """When a complaint of this urgency, received (or given to a unit of ``level``) at ``received``,
        must be handled."""
        kind, amount = self.limit(urgency, level)
        if kind == "hours":
            return received + timedelta(hours=amount)
        return received + timedelta(days=Workdays.of(self.calendar).days_until(received.date(), int(amount)))

    def describe(self) -> dict[str, str]:
        return {**{u: f"{h:g} hours" for u, h in self.hours.items()},
                **{u: f"{d} working days" for u, d in self.working_days.items()}}

    def table(self) -> dict[str, dict[str, str]]:
        """Every level's limits as text, e.g. ``{"community": {"emergency": "2 hours", …}, …}``."""
        def text(limit: Limit) -> str:
            kind, amount = limit
            return f"{amount:g} hours" if kind == "hours" else f"{int(amount)} working days"

        return {lv: {u: text(self.limit(u, lv)) for u in URGENCIES} for lv in LEVELS}
