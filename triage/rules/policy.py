"""The routing policy file: loading and validation.

The policy (``data/policy.yaml``) encodes the guide's 谁主管、谁负责 rules as
data a city can read and edit. It is validated once, at load, and every
error names the file and the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..datafiles import default_data_path, read_yaml
from ..errors import PolicyError
from ..labels import CATEGORIES, MANAGER, MANAGER_ROUTES, ROUTES
from .cues import CueLexicon

__all__ = ["Policy", "Rule"]

_RULE_KEYS = {"id", "description", "when_any", "when_all", "unless", "route"}


@dataclass(frozen=True)
class Rule:
    """One policy rule: conditions on cues and the route (or routes) it gives."""

    id: str
    description: str
    routes: tuple[str, ...]
    when_any: tuple[str, ...] = ()
    when_all: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()

    def matches(self, hits: Mapping[str, list[str]]) -> bool:
        if self.when_any:  # loops, not any() and all(): a route asks this of several rules per text
            for cue in self.when_any:
                if cue in hits:
                    break
            else:
                return False
        for cue in self.when_all:
            if cue not in hits:
                return False
        return not self.unless or all(cue not in hits for cue in self.unless)

    def evidence(self, hits: Mapping[str, list[str]]) -> dict[str, list[str]]:
        """The cue words that made this rule fire."""
        return {c: hits[c] for c in (*self.when_any, *self.when_all) if c in hits}


@dataclass(frozen=True)
class Policy:
    """Ordered rules per category, plus the manager rules (rule 7)."""

    categories: dict[str, tuple[Rule, ...]]
    manager: tuple[Rule, ...]
    source: str

    @classmethod
    def load(cls, path: str | Path | None = None, cues: CueLexicon | None = None) -> Policy:
        path = Path(path) if path else default_data_path("policy.yaml")
        cues = cues or CueLexicon.load()
        data = read_yaml(path, PolicyError)
        raw_categories = data.get("categories")
        if not isinstance(raw_categories, dict):
            raise PolicyError(f"{path}: needs a 'categories' mapping")
        missing = [c for c in CATEGORIES if c not in raw_categories]
        if missing:
            raise PolicyError(f"{path}: no rules for categories {missing}")
        unknown = [c for c in raw_categories if c not in CATEGORIES]
        if unknown:
            raise PolicyError(f"{path}: unknown categories {unknown}; known: {list(CATEGORIES)}")
        seen: set[str] = set()
        categories = {
            c: _rules(path, f"categories.{c}", raw_categories[c], cues, seen, allow_manager=True)
            for c in CATEGORIES
        }
        manager = _rules(path, "manager", data.get("manager"), cues, seen, allow_manager=False)
        for section, rules in [*categories.items(), ("manager", manager)]:
            if rules[-1].when_any or rules[-1].when_all or rules[-1].unless:
                raise PolicyError(
                    f"{path}: the last rule of {section} ({rules[-1].id}) must have no conditions, "
                    "so that every text gets a route")
        for rule in manager:
            if not set(rule.routes) <= set(MANAGER_ROUTES):
                raise PolicyError(f"{path}: rule {rule.id}: manager rules route to one of {MANAGER_ROUTES}")
        return cls(categories=categories, manager=manager, source=str(path))


def _rules(path: Path, section: str, raw: object, cues: CueLexicon, seen: set[str],
           allow_manager: bool) -> tuple[Rule, ...]:
    if not isinstance(raw, list) or not raw:
        raise PolicyError(f"{path}: {section} must be a non-empty list of rules")
    rules = []
    for n, entry in enumerate(raw, 1):
        where = f"{path}: {section} rule {n}"
        if not isinstance(entry, dict):
            raise PolicyError(f"{where}: must be a mapping")
        extra = set(entry) - _RULE_KEYS
        if extra:
            raise PolicyError(f"{where}: unknown keys {sorted(extra)}; allowed: {sorted(_RULE_KEYS)}")
        rule_id = entry.get("id")
        if not isinstance(rule_id, str) or not rule_id:
            raise PolicyError(f"{where}: needs an 'id'")
        where = f"{path}: rule {rule_id}"
        if rule_id in seen:
            raise PolicyError(f"{where}: duplicate id")
        seen.add(rule_id)
        route = entry.get("route")
        routes = tuple(route) if isinstance(route, list) else (route,)
        allowed = set(ROUTES) | ({MANAGER} if allow_manager else set())
        bad = [r for r in routes if r not in allowed]
        if not routes or bad:
            raise PolicyError(f"{where}: unknown route {bad or route!r}; allowed: {sorted(allowed)}")
        conditions = {}
        for key in ("when_any", "when_all", "unless"):
            names = entry.get(key, [])
            if not isinstance(names, list):
                raise PolicyError(f"{where}: {key} must be a list of cue names")
            unknown = [c for c in names if c not in cues]
            if unknown:
                raise PolicyError(f"{where}: {key} names unknown cues {unknown} (cues come from {cues.source})")
            conditions[key] = tuple(names)
        rules.append(Rule(id=rule_id, description=str(entry.get("description", "")), routes=routes,
                          **conditions))
    return tuple(rules)
