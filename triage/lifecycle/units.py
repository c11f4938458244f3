"""Units that handle tickets and who is above whom, behind one small interface.

A :class:`Directory` answers ``unit(code)`` and ``parent_of(code)``. The city's dispatch
directory plugs in there; until it does, :class:`FileDirectory` reads ``data/escalation.yaml``
(the units, each with its level and parent, and a default parent for each level).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..datafiles import default_data_path, read_yaml
from ..errors import ConfigError
from ..rules.deadlines import LEVEL_NAMES, LEVELS

__all__ = ["Directory", "FileDirectory", "Unit", "within"]


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str  # community, street or district
    parent: str | None = None

    def public(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "level": self.level, "level_name": LEVEL_NAMES[self.level]}


class Directory(Protocol):
    """What lifecycle and escalation need to know about units."""

    def unit(self, code: str) -> Unit | None:
        """The unit with this code, or None."""

    def parent_of(self, unit_code: str) -> Unit | None:
        """The unit one level up, or None (a district unit, or an unknown code)."""


def within(directory: Directory, unit_code: str | None, scope: str) -> bool:
    """Whether ``unit_code`` is the unit ``scope`` or one below it (a 街道 sees its 社区)."""
    seen: set[str] = set()
    while unit_code is not None and unit_code not in seen:
        if unit_code == scope:
            return True
        seen.add(unit_code)
        parent = directory.parent_of(unit_code)
        unit_code = parent.code if parent else None
    return False


class FileDirectory:
    """Units and parents from a YAML file (by default the shipped ``data/escalation.yaml``)."""

    def __init__(self, units: dict[str, Unit], defaults: dict[str, str], source: str) -> None:
        self.units, self.defaults, self.source = units, defaults, source

    @classmethod
    def load(cls, path: str | Path | None = None) -> FileDirectory:
        path = Path(path) if path else default_data_path("escalation.yaml")
        data = read_yaml(path, ConfigError)
        rows = data.get("units")
        if not isinstance(rows, list) or not rows:
            raise ConfigError(f"{path}: units: expected a list of units")
        units: dict[str, Unit] = {}
        for i, row in enumerate(rows, 1):
            where = f"{path}: units: row {i}"
            if not isinstance(row, dict) or set(row) - {"code", "name", "level", "parent"}:
                raise ConfigError(f"{where}: expected code, name, level and an optional parent")
            code, name, level, parent = (row.get(k) for k in ("code", "name", "level", "parent"))
            if not isinstance(code, str) or not code.strip() or not isinstance(name, str) or not name.strip():
                raise ConfigError(f"{where}: code and name must be non-empty text")
            if level not in LEVELS:
                raise ConfigError(f"{where}: {code}: level {level!r} is not one of {', '.join(LEVELS)}")
            if code in units:
                raise ConfigError(f"{where}: code {code!r} is given twice")
            if parent is not None and not isinstance(parent, str):
                raise ConfigError(f"{where}: {code}: parent must be a unit code")
            units[code] = Unit(code=code, name=name, level=level, parent=parent)
        defaults = data.get("defaults", {})
        if not isinstance(defaults, dict):
            raise ConfigError(f"{path}: defaults: expected a mapping of level to unit code")
        for level, code in defaults.items():
            if level not in LEVELS[1:]:
                raise ConfigError(f"{path}: defaults: {level!r} is not street or district")
            if code not in units or units[code].level != level:
                raise ConfigError(f"{path}: defaults: {level}: {code!r} is not a {level} unit of this file")
        for unit in units.values():
            above = units.get(unit.parent) if unit.parent else None
            if unit.parent is not None and above is None:
                raise ConfigError(f"{path}: units: {unit.code}: parent {unit.parent!r} is not a unit of this file")
            if above is not None and LEVELS.index(above.level) != LEVELS.index(unit.level) + 1:
                raise ConfigError(f"{path}: units: {unit.code}: parent {above.code} is a {above.level} unit, "
                                  f"not one level above {unit.level}")
        return cls(units, dict(defaults), str(path))

    def unit(self, code: str) -> Unit | None:
        return self.units.get(code)

    def parent_of(self, unit_code: str) -> Unit | None:
        unit = self.units.get(unit_code)
        if unit is None:
            return None
        if unit.parent is not None:
            return self.units[unit.parent]
        up = LEVELS.index(unit.level) + 1
        default = self.defaults.get(LEVELS[up]) if up < len(LEVELS) else None
        return self.units[default] if default else None
