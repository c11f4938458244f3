"""The dispatch directory (派单目录): the units that fix things and the compounds they answer for.

A :class:`Directory` is plain data, built and checked by :mod:`.loading` from the city's files
(or by the service's store from its tables). It answers two questions: which compound a name
or a house number belongs to, and which unit a route code means for that compound.

>>> from triage.dispatch import load_directory
>>> d = load_directory()
>>> d.compounds["C01"].name, d.units[d.compounds["C01"].manager].name
('锦绣花园小区', '安居物业服务有限公司')
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["COMPOUND_KINDS", "UNIT_KINDS", "AddressRange", "Compound", "Directory", "Unit"]

#: Unit kinds, each with the Chinese the directory files may also use.
UNIT_KINDS: dict[str, str] = {
    "property_company": "物业服务企业",
    "owner_unit": "产权单位",
    "community": "社区",
    "subdistrict": "街道",
    "district_department": "区职能部门",
    "utility": "公用企业",
}
#: Compound kinds: a managed estate, a work unit's staff compound, a free-standing courtyard of old blocks.
COMPOUND_KINDS: tuple[str, ...] = ("小区", "家属院", "楼院")
#: Which unit kinds may manage a compound, and the route code each stands for.
MANAGER_KINDS: dict[str, str] = {"property_company": "property", "owner_unit": "owner_unit"}


@dataclass(frozen=True)
class Unit:
    """A party a complaint can be sent to.

    ``routes`` are the route codes a department or utility handles (``water_utility`` …);
    ``area`` optionally limits it to one 街道 (a unit code), else it serves the whole district.
    """

    code: str
    name: str
    kind: str
    parent: str = ""
    contact: str = ""
    routes: tuple[str, ...] = ()
    area: str = ""

    def brief(self) -> dict[str, str]:
        """``{code, name, kind}``: how an answer names the unit."""
        return {"code": self.code, "name": self.name, "kind": self.kind}


@dataclass(frozen=True)
class AddressRange:
    """House numbers ``first``–``last`` on ``road`` (``parity``: ``""`` all, ``"odd"`` or ``"even"``)."""

    road: str
    first: int
    last: int
    parity: str = ""

    def covers(self, road: str, number: int) -> bool:
        if road != self.road or not self.first <= number <= self.last:
            return False
        return not self.parity or (number % 2 == 1) == (self.parity == "odd")

    def __str__(self) -> str:
        suffix = {"": "", "odd": "单", "even": "双"}[self.parity]
        span = str(self.first) if self.first == self.last else f"{self.first}-{self.last}"
        return f"{self.road}{span}号{suffix}"


@dataclass(frozen=True)
class Compound:
    """A 小区, 家属院 or 楼院: its names, who manages it (a unit code, or ``""``: no one), its 社区 and 街道."""

    code: str
    name: str
    kind: str
    community: str
    subdistrict: str
    manager: str = ""
    aliases: tuple[str, ...] = ()
    addresses: tuple[AddressRange, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The name first, then the aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Directory:
    """Units and compounds by code, already validated; ``version`` names the import it came from."""

    units: dict[str, Unit]
    compounds: dict[str, Compound]
    source: str = ""
    version: str = ""
    _by_route: dict[tuple[str, str], str] = field(default_factory=dict, repr=False, compare=False)
    _by_road: dict[str, list[tuple[AddressRange, str]]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for unit in self.units.values():
            for route in unit.routes:
                self._by_route[(route, unit.area)] = unit.code
        for compound in self.compounds.values():
            for a in compound.addresses:
                self._by_road.setdefault(a.road, []).append((a, compound.code))

    def manager_of(self, compound: Compound) -> Unit | None:
        """The compound's property company or owner unit; None when it has no manager."""
        return self.units.get(compound.manager) if compound.manager else None

    def unit_for_route(self, route: str, subdistrict: str = "") -> Unit | None:
        """The department or utility that handles ``route``: the one for ``subdistrict`` if there is one,
        else the district-wide one."""
        code = self._by_route.get((route, subdistrict)) if subdistrict else None
        code = code or self._by_route.get((route, ""))
        return self.units[code] if code else None

    def at_address(self, road: str, number: int) -> Compound | None:
        """The compound whose street addresses include ``road`` number ``number``."""
        for a, code in self._by_road.get(road, ()):
            if a.covers(road, number):
                return self.compounds[code]
        return None

    @property
    def roads(self) -> tuple[str, ...]:
        """The roads that some compound's street addresses are on."""
        return tuple(self._by_road)
