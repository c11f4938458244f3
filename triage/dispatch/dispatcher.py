"""Named routing: from a route code and the place a text names to the unit that must act, by the directory.

The route rule (谁主管、谁负责) decides the kind of party; the directory names it:

- the compound's manager (``property``, ``owner_unit``, ``community``), when the compound is
  known: the directory says who manages it. A property company gives ``property`` and that
  company, a work unit ``owner_unit`` and that unit, no manager ``community`` and the compound's
  社区. When the text says the compound has no manager (rule R7-no-manager), or residents are
  at odds (R7-residents), it goes to the 社区 whatever the directory lists.
- a department or utility route (``water_utility``, ``drainage_authority`` …): the unit the
  directory lists for that route, the one of the compound's 街道 if there is one.
- ``manual``, or a manager route with no known compound: no unit, and the reason why.

>>> from triage.dispatch import load_directory
>>> from triage.dispatch.places import Place
>>> d = Dispatcher(load_directory())
>>> place = Place("农机厂家属院", 0, 6, "compound", "C08")
>>> n = d.dispatch("owner_unit", ("R3-drainage-compound", "R7-work-unit"), place)
>>> n.route, n.unit.name, n.why["decided_by"]
('community', '河西社区居委会', 'directory: C08 has no manager')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..labels import MANAGER_ROUTES, ROUTE_NAMES
from .directory import MANAGER_KINDS, Directory, Unit
from .places import Place

__all__ = ["Dispatcher", "NamedRoute"]

#: Manager rules after which the 社区 acts, whoever the directory says runs the compound.
COMMUNITY_RULES = ("R7-no-manager", "R7-residents")


@dataclass(frozen=True)
class NamedRoute:
    """The route (the rule's, or the directory's for a known compound), the unit, and why."""

    route: str
    unit: Unit | None
    reason: str
    why: dict[str, Any] = field(default_factory=dict)

    def unit_brief(self) -> dict[str, str] | None:
        return self.unit.brief() if self.unit else None


class Dispatcher:
    """Names units from one directory."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory

    def dispatch(self, route: str, rules: Sequence[str], place: Place | None) -> NamedRoute:
        """The unit for ``route`` (decided by policy ``rules``) at ``place``."""
        d = self.directory
        compound = d.compounds.get(place.compound) if place and place.compound else None
        why: dict[str, Any] = {"version": d.version, "compound": compound.code if compound else None}
        if route == "manual":
            return self._named(route, None, "人工分拨：不由目录指定单位", why, "no unit for manual dispatch")
        if route in MANAGER_ROUTES:
            if compound is None:
                return self._named(route, None, "未识别出目录中的小区、家属院或楼院，只给出责任类别", why,
                                   "no compound of the directory named")
            community = d.units[compound.community]
            if any(r in COMMUNITY_RULES for r in rules):
                return self._named("community", community, f"来电所述由社区负责；{compound.name}属{community.name}",
                                   why, f"rule {next(r for r in rules if r in COMMUNITY_RULES)}: "
                                   f"{compound.code}'s community", route)
            manager = d.manager_of(compound)
            if manager is None:
                return self._named("community", community,
                                   f"目录：{compound.name}无物业、无主管单位，由{community.name}负责", why,
                                   f"directory: {compound.code} has no manager", route)
            named = MANAGER_KINDS[manager.kind]
            return self._named(named, manager, f"目录：{compound.name}由{manager.name}管理", why,
                               f"directory: {compound.code} managed by {manager.code}", route)
        unit = d.unit_for_route(route, compound.subdistrict if compound else "")
        if unit is None:
            return self._named(route, None, f"目录中没有负责“{ROUTE_NAMES[route]}”的单位", why,
                               f"no unit for {route} in the directory")
        return self._named(route, unit, f"目录：{ROUTE_NAMES[route]}为{unit.name}", why,
                           f"directory: {unit.code} serves {route}" + (f" in {unit.area}" if unit.area else ""))

    @staticmethod
    def _named(route: str, unit: Unit | None, reason: str, why: dict[str, Any], decided_by: str,
               rule_route: str | None = None) -> NamedRoute:
        why = {**why, "unit": unit.code if unit else None, "decided_by": decided_by}
        if rule_route is not None and rule_route != route:
            why["route_changed"] = {"from": rule_route, "to": route}
        return NamedRoute(route=route, unit=unit, reason=reason, why=why)
