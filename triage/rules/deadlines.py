"""Handling deadlines by urgency, from the data file ``data/deadlines.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..datafiles import default_data_path, read_yaml
from ..errors import ConfigError
from ..labels import URGENCIES

__all__ = ["Deadlines"]


@dataclass(frozen=True)
class Deadlines:
    """For each urgency, either a number of clock hours or a number of working days."""

    hours: dict[str, float]
    working_days: dict[str, int]
    source: str

    @classmethod
    def load(cls, path: str | Path | None = None) -> Deadlines:
        path = Path(path) if path else default_data_path("deadlines.yaml")
        raw = read_yaml(path, ConfigError).get("deadlines")
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: needs a 'deadlines' mapping")
        missing = [u for u in URGENCIES if u not in raw]
        if missing:
            raise ConfigError(f"{path}: no deadline for {missing}")
        hours, days = {}, {}
        for urgency, spec in raw.items():
            if urgency not in URGENCIES:
                raise ConfigError(f"{path}: unknown urgency {urgency!r}")
            if not isinstance(spec, dict) or len(spec) != 1:
                raise ConfigError(f"{path}: {urgency}: give exactly one of 'hours' or 'working_days'")
            (unit, value), = spec.items()
            if unit == "hours" and isinstance(value, int | float) and value > 0:
                hours[urgency] = float(value)
            elif unit == "working_days" and isinstance(value, int) and value > 0:
                days[urgency] = value
            else:
                raise ConfigError(f"{path}: {urgency}: {unit} must be a positive number "
                                  "('working_days' a whole one)")
        return cls(hours=hours, working_days=days, source=str(path))

    def due(self, urgency: str, received: datetime) -> datetime:
        """When a complaint of this urgency, received at ``received``, must be handled."""
        if urgency in self.hours:
            return received + timedelta(hours=self.hours[urgency])
        due, left = received, self.working_days[urgency]
        while left:
            due += timedelta(days=1)
            if due.weekday() < 5:
                left -= 1
        return due

    def describe(self) -> dict[str, str]:
        return {**{u: f"{h:g} hours" for u, h in self.hours.items()},
                **{u: f"{d} working days" for u, d in self.working_days.items()}}
