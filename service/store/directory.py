"""The dispatch directory in the store: each import a new version, the latest the one in use.

A version is written whole in one transaction (its units and compounds), so a host never reads
half an import; older versions stay, to say which directory named a stored answer's unit
(``explanation.route.directory.version``). Reading builds the library's
:class:`~triage.dispatch.Directory` through the same checks as a file.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker

from triage.dispatch import Directory, Row, build_directory
from triage.dispatch.loading import COMPOUND_COLUMNS, UNIT_COLUMNS

from .database import NotFound
from .rows import clean_text
from .tables import DirectoryCompound, DirectoryUnit, DirectoryVersion, utc_text

__all__ = ["DirectoryStore", "directory_rows"]


def directory_rows(directory: Directory) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The directory as table rows, column by column as the files write them."""
    units = [{"code": u.code, "name": u.name, "kind": u.kind, "parent": u.parent, "contact": u.contact,
              "routes": "|".join(u.routes), "area": u.area} for u in directory.units.values()]
    compounds = [{"code": c.code, "name": c.name, "kind": c.kind, "aliases": "|".join(c.aliases),
                  "manager": c.manager, "community": c.community, "subdistrict": c.subdistrict,
                  "addresses": ";".join(str(a) for a in c.addresses)} for c in directory.compounds.values()]
    return units, compounds


class DirectoryStore:
    """The part of :class:`~service.store.Store` that keeps directory versions."""

    engine: Engine
    _session: sessionmaker

    def import_directory(self, directory: Directory, *, imported_by: str) -> dict[str, Any]:
        """Store ``directory`` (already checked) as a new version, which becomes the one in use."""
        units, compounds = directory_rows(directory)
        with self._session.begin() as s:
            version = DirectoryVersion(source=clean_text(directory.source) or "", imported_by=clean_text(imported_by),
                                       units=len(units), compounds=len(compounds))
            s.add(version)
            s.flush()
            s.add_all(DirectoryUnit(version_id=version.id,
                                    **{**u, "routes": list(filter(None, u["routes"].split("|")))})
                      for u in units)
            s.add_all(DirectoryCompound(version_id=version.id,
                                        **{**c, "aliases": list(filter(None, c["aliases"].split("|")))})
                      for c in compounds)
            s.flush()
            return _version_row(version)

    def directory_versions(self) -> list[dict[str, Any]]:
        """Every import, newest first; the first is the one in use."""
        with self._session() as s:
            return [_version_row(v) for v in s.scalars(select(DirectoryVersion).order_by(DirectoryVersion.id.desc()))]

    def active_directory_version(self) -> int | None:
        """The number of the directory version in use, or None when none was imported (cheap: one index read)."""
        with self._session() as s:
            return s.scalar(select(func.max(DirectoryVersion.id)))

    def directory(self, version: int | None = None) -> Directory | None:
        """The directory of ``version`` (default: the one in use); None when none was ever imported."""
        with self._session() as s:
            number = version if version is not None else s.scalar(select(func.max(DirectoryVersion.id)))
            if number is None:
                return None
            found = s.get(DirectoryVersion, number)
            if found is None:
                raise NotFound(f"no directory version {number}")
            units = s.scalars(select(DirectoryUnit).where(DirectoryUnit.version_id == number)
                              .order_by(DirectoryUnit.code)).all()
            compounds = s.scalars(select(DirectoryCompound).where(DirectoryCompound.version_id == number)
                                  .order_by(DirectoryCompound.code)).all()
            where = f"directory version {number}"
            unit_rows = [Row(f"{where} unit {u.code}", {c: _text(getattr(u, c)) for c in UNIT_COLUMNS})
                         for u in units]
            compound_rows = [Row(f"{where} compound {c.code}", {k: _text(getattr(c, k)) for k in COMPOUND_COLUMNS})
                             for c in compounds]
            return build_directory(unit_rows, compound_rows, source=found.source, version=str(number))


def _text(value: object) -> str:
    if isinstance(value, list):
        return "|".join(value)
    return "" if value is None else str(value)


def _version_row(v: DirectoryVersion) -> dict[str, Any]:
    return {"version": v.id, "source": v.source, "imported_by": v.imported_by, "units": v.units,
            "compounds": v.compounds, "imported_at": utc_text(v.imported_at)}
