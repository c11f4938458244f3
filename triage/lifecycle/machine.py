"""The states of a ticket and the actions between them, read from ``data/lifecycle.yaml``.

Pure: no database. :meth:`Machine.check` says whether an action may be taken now and what it
leads to; the store keeps the state and the history, the service decides who is asking.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datafiles import default_data_path, read_yaml
from ..errors import ConfigError, IllegalTransition, MissingRequirement

__all__ = ["ACTORS", "NEEDS", "SATISFACTION", "Action", "Machine"]

#: Who may take an action: a unit's key, the dispatch desk (staff and admins), the escalation job.
ACTORS = ("unit", "staff", "system")
#: What an action may need before it is taken.
NEEDS = ("unit", "reason", "measure", "satisfaction", "dissatisfied")
#: The answers of a 回访, code → Chinese name (``dissatisfied`` is what lets a ticket be reopened).
SATISFACTION = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}


@dataclass(frozen=True)
class Action:
    code: str
    name: str
    sources: tuple[str, ...]
    target: str
    by: tuple[str, ...]
    needs: tuple[str, ...]
    escalates: bool

    def public(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "from": list(self.sources), "to": self.target,
                "by": list(self.by), "needs": list(self.needs), "escalates": self.escalates}


def _names(raw: Any, where: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise ConfigError(f"{where}: expected a list of names")
    unknown = [x for x in raw if x not in allowed]
    if unknown:
        raise ConfigError(f"{where}: unknown {unknown[0]!r} (expected one of {', '.join(allowed)})")
    return tuple(raw)


def _action(code: str, spec: Any, states: tuple[str, ...], where: str) -> Action:
    if not isinstance(spec, dict):
        raise ConfigError(f"{where}: expected a mapping with name, from, to, by")
    extra = set(spec) - {"name", "from", "to", "by", "needs", "escalates"}
    if extra:
        raise ConfigError(f"{where}: unknown key {sorted(extra)[0]!r}")
    name = spec.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: needs a name")
    target = spec.get("to")
    if target not in states:
        raise ConfigError(f"{where}: to: {target!r} is not a state")
    sources = _names(spec.get("from"), f"{where}: from", states)
    if not sources:
        raise ConfigError(f"{where}: from: names no state")
    escalates = spec.get("escalates", False)
    if not isinstance(escalates, bool):
        raise ConfigError(f"{where}: escalates: expected true or false")
    return Action(code=code, name=name, sources=sources, target=target, by=_names(spec.get("by"), f"{where}: by",
                  ACTORS), needs=_names(spec.get("needs", []), f"{where}: needs", NEEDS), escalates=escalates)


@dataclass(frozen=True)
class Machine:
    """The states (code → Chinese name), the start state and the actions."""

    states: dict[str, str]
    start: str
    actions: dict[str, Action]
    source: str

    @classmethod
    def load(cls, path: str | Path | None = None) -> Machine:
        path = Path(path) if path else default_data_path("lifecycle.yaml")
        data = read_yaml(path, ConfigError)
        if data.get("version", 1) != 1:
            raise ConfigError(f"{path}: version {data.get('version')!r} is not one this code reads (1)")
        states = data.get("states")
        if not isinstance(states, dict) or not states or not all(
                isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in states.items()):
            raise ConfigError(f"{path}: states: expected a mapping of code to Chinese name")
        start = data.get("start")
        if start not in states:
            raise ConfigError(f"{path}: start: {start!r} is not a state")
        raw = data.get("actions")
        if not isinstance(raw, dict) or not raw:
            raise ConfigError(f"{path}: actions: expected a mapping of code to action")
        actions = {code: _action(code, spec, tuple(states), f"{path}: actions: {code}") for code, spec in raw.items()}
        reached = {start} | {a.target for a in actions.values()}
        stranded = [s for s in states if s not in reached]
        if stranded:
            raise ConfigError(f"{path}: states: {stranded[0]!r} is reached by no action")
        return cls(states=dict(states), start=start, actions=actions, source=str(path))

    def action(self, code: str) -> Action:
        """The action named ``code``; ValueError names the known ones."""
        if code not in self.actions:
            raise ValueError(f"action {code!r} is not one of {', '.join(self.actions)}")
        return self.actions[code]

    def check(self, state: str, code: str, given: set[str] | frozenset[str] = frozenset()) -> Action:
        """The action, if it may be taken in ``state`` with what is ``given`` (names of :data:`NEEDS`).

        :class:`IllegalTransition` names the current state; :class:`MissingRequirement` what is missing.
        """
        action = self.action(code)
        if state not in action.sources:
            raise IllegalTransition(
                f"cannot {code} a ticket that is {state} ({self.states.get(state, state)}); {code} is allowed "
                f"from {', '.join(action.sources)}", state, code)
        missing = [n for n in action.needs if n not in given]
        if missing:
            raise MissingRequirement(f"{code} needs {', '.join(missing)}", missing)
        return action

    def allowed(self, state: str) -> list[str]:
        """The actions that may be taken in ``state``."""
        return [code for code, a in self.actions.items() if state in a.sources]

    def public(self) -> dict[str, Any]:
        return {"start": self.start, "states": [{"code": c, "name": n} for c, n in self.states.items()],
                "actions": [a.public() for a in self.actions.values()]}
