"""Checking the rows of a dispatch directory and building the :class:`~.directory.Directory`.

Every problem is collected (not only the first) and raised as one
:class:`~triage.errors.DirectoryError`, one line per problem, each naming the file and row:
an unknown kind, a duplicate code or alias, a parent, manager, 社区 or 街道 that is not a unit of
the right kind, a compound with no 社区, a street address that cannot be read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import DirectoryError
from ..labels import ROUTES
from ..text.normalize import normalize
from .directory import COMPOUND_KINDS, MANAGER_KINDS, UNIT_KINDS, AddressRange, Compound, Directory, Unit

__all__ = ["Row", "build_directory", "parse_addresses"]

_RANGE = re.compile(r"^(?P<road>.+?(?:路|街|大道|巷|道|胡同|里))(?P<first>\d+)(?:-(?P<last>\d+))?号"
                    r"(?P<parity>[单双])?$")
_SEPARATOR = re.compile(r"[|｜]")


@dataclass(frozen=True)
class Row:
    """One row of a table, by column, and where it is (``units.csv: row 7``)."""

    where: str
    fields: dict[str, str]


def parse_addresses(value: str) -> tuple[AddressRange, ...]:
    """``文化路1-15号单;农业路22号`` -> two ranges; raises ValueError naming the part it cannot read."""
    out = []
    for part in (p.strip() for p in re.split(r"[;；]", value)):
        if not part:
            continue
        m = _RANGE.match(normalize(part))
        if not m:
            raise ValueError(f"cannot read address {part!r} (expected e.g. 文化路1-15号, 文化路2-20号双, 农业路22号)")
        first = int(m["first"])
        last = int(m["last"]) if m["last"] else first
        if last < first:
            raise ValueError(f"address {part!r}: the range runs backwards")
        out.append(AddressRange(road=m["road"], first=first, last=last,
                                parity={"单": "odd", "双": "even"}.get(m["parity"] or "", "")))
    return tuple(out)


def _split(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in _SEPARATOR.split(value) if v.strip()))


def build_directory(units: Sequence[Row], compounds: Sequence[Row], *, source: str = "",
                    version: str = "") -> Directory:
    """A checked directory from table rows; raises DirectoryError listing every problem."""
    problems: list[str] = []
    by_code: dict[str, Unit] = {}
    where_unit: dict[str, str] = {}
    for row in units:
        f = row.fields
        if not f["code"] or not f["name"]:
            problems.append(f"{row.where}: code and name are required")
            continue
        if f["code"] in by_code:
            problems.append(f"{row.where}: duplicate unit code {f['code']!r} (first at {where_unit[f['code']]})")
            continue
        if f["kind"] not in UNIT_KINDS:
            problems.append(f"{row.where}: unknown unit kind {f['kind']!r} (one of {', '.join(UNIT_KINDS)})")
        routes = _split(f.get("routes", "").replace(",", "|").replace(" ", "|"))
        for route in routes:
            if route not in ROUTES:
                problems.append(f"{row.where}: unknown route code {route!r} (one of {', '.join(ROUTES)})")
        by_code[f["code"]] = Unit(code=f["code"], name=f["name"], kind=f["kind"], parent=f.get("parent", ""),
                                  contact=f.get("contact", ""), routes=routes, area=f.get("area", ""))
        where_unit[f["code"]] = row.where
    _check_units(by_code, where_unit, problems)
    found = _compounds(compounds, by_code, problems)
    if problems:
        raise DirectoryError("\n".join(problems))
    return Directory(units=by_code, compounds=found, source=source, version=version)


def _check_units(units: dict[str, Unit], where: dict[str, str], problems: list[str]) -> None:
    served: dict[tuple[str, str], str] = {}
    for unit in units.values():
        if unit.parent and unit.parent not in units:
            problems.append(f"{where[unit.code]}: unknown parent {unit.parent!r}")
        if unit.kind == "community" and unit.parent and unit.parent in units \
                and units[unit.parent].kind != "subdistrict":
            problems.append(f"{where[unit.code]}: a 社区's parent must be a 街道 (subdistrict), "
                            f"{unit.parent!r} is {units[unit.parent].kind}")
        if unit.area and (unit.area not in units or units[unit.area].kind != "subdistrict"):
            problems.append(f"{where[unit.code]}: area {unit.area!r} is not a 街道 (subdistrict) unit")
        for route in unit.routes:
            if (route, unit.area) in served:
                problems.append(f"{where[unit.code]}: route {route!r} is already served by "
                                f"{served[(route, unit.area)]!r} in the same area")
            served[(route, unit.area)] = unit.code
        seen, at = set(), unit
        while at.parent and at.parent in units:  # a parent chain must end
            if at.code in seen:
                problems.append(f"{where[unit.code]}: its parents form a cycle")
                break
            seen.add(at.code)
            at = units[at.parent]


def _compounds(rows: Sequence[Row], units: dict[str, Unit], problems: list[str]) -> dict[str, Compound]:
    out: dict[str, Compound] = {}
    where: dict[str, str] = {}
    alias_at: dict[str, str] = {}
    for row in rows:
        f = row.fields
        if not f["code"] or not f["name"]:
            problems.append(f"{row.where}: code and name are required")
            continue
        if f["code"] in out or f["code"] in units:
            problems.append(f"{row.where}: duplicate code {f['code']!r}")
            continue
        if f["kind"] not in COMPOUND_KINDS:
            problems.append(f"{row.where}: unknown compound kind {f['kind']!r} (one of {', '.join(COMPOUND_KINDS)})")
        community, subdistrict = f["community"], f.get("subdistrict", "")
        if not community:
            problems.append(f"{row.where}: compound {f['code']!r} has no 社区 (community)")
        elif community not in units or units[community].kind != "community":
            problems.append(f"{row.where}: community {community!r} is not a 社区 (community) unit")
        elif not subdistrict:
            subdistrict = units[community].parent
        if community and not subdistrict:
            problems.append(f"{row.where}: compound {f['code']!r} has no 街道 (subdistrict), nor does its 社区")
        elif subdistrict and (subdistrict not in units or units[subdistrict].kind != "subdistrict"):
            problems.append(f"{row.where}: subdistrict {subdistrict!r} is not a 街道 (subdistrict) unit")
        manager = f.get("manager", "")
        if manager and (manager not in units or units[manager].kind not in MANAGER_KINDS):
            problems.append(f"{row.where}: manager {manager!r} is not a property_company or owner_unit unit")
        try:
            addresses = parse_addresses(f.get("addresses", ""))
        except ValueError as e:
            problems.append(f"{row.where}: {e}")
            addresses = ()
        aliases = tuple(a for a in _split(f.get("aliases", "")) if a != f["name"])
        for name in (f["name"], *aliases):
            key = normalize(name)
            if key in alias_at and alias_at[key] != f["code"]:
                problems.append(f"{row.where}: duplicate alias {name!r}: already names {alias_at[key]!r} "
                                f"({where[alias_at[key]]})")
            alias_at.setdefault(key, f["code"])
        out[f["code"]] = Compound(code=f["code"], name=f["name"], kind=f["kind"], community=community,
                                  subdistrict=subdistrict, manager=manager, aliases=aliases, addresses=addresses)
        where[f["code"]] = row.where
    return out
