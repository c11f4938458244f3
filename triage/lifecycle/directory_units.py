"""The units a ticket's life knows, read from the city's dispatch directory, with the escalation file
filling in what the directory does not say.

The dispatch directory (:mod:`triage.dispatch`) names every party a complaint can go to; the
lifecycle needs those with a level, since the level sets the deadline and escalation goes one level
up: a 社区 (``community``), a 街道 (``subdistrict``, level street) and a 区 department
(``district_department``, level district). Property companies, owner units and utilities are named
in answers but are not levels of the 社区 → 街道 → 区 ladder, so tickets are not dispatched to them
here. A unit's parent is the directory's when it is one level up; otherwise, and for units the
directory does not have, the escalation file's parent or its default for the next level.
"""

from __future__ import annotations

from ..dispatch.directory import Directory as DispatchDirectory
from ..rules.deadlines import LEVELS
from .units import FileDirectory, Unit

__all__ = ["LEVEL_OF_KIND", "DirectoryUnits"]

#: The directory's unit kinds that are levels of the ladder, and their level.
LEVEL_OF_KIND = {"community": "community", "subdistrict": "street", "district_department": "district"}


class DirectoryUnits:
    """A lifecycle :class:`~triage.lifecycle.units.Directory` over a dispatch directory (or None: the file alone).

    >>> from triage.dispatch import load_directory
    >>> units = DirectoryUnits(load_directory(), FileDirectory.load())
    >>> units.unit("M01").name, units.unit("M01").level, units.parent_of("M01").name
    ('文昌社区居委会', 'community', '文昌街道办事处')
    >>> units.parent_of("S01").code  # a 街道 the directory gives no 区 above: the file's default district
    'QU-CG'
    >>> units.unit("P01") is None  # a property company is named in answers, not dispatched to here
    True
    >>> units.unit("SQ-XFL").name  # the file's units stay
    '幸福里社区居委会'
    """

    def __init__(self, directory: DispatchDirectory | None, fallback: FileDirectory) -> None:
        self.fallback = fallback
        self.version = directory.version if directory is not None else None
        self._own: dict[str, Unit] = {}
        for u in (directory.units.values() if directory is not None else ()):
            if u.kind in LEVEL_OF_KIND:
                self._own[u.code] = Unit(code=u.code, name=u.name, level=LEVEL_OF_KIND[u.kind],
                                         parent=u.parent or None)
        #: every unit by code: the directory's, and the file's that it does not replace
        self.units: dict[str, Unit] = {**fallback.units, **self._own}

    def unit(self, code: str) -> Unit | None:
        return self.units.get(code)

    def parent_of(self, unit_code: str) -> Unit | None:
        unit = self._own.get(unit_code)
        if unit is None:
            return self.fallback.parent_of(unit_code)
        up = LEVELS.index(unit.level) + 1
        if up >= len(LEVELS):
            return None
        above = self.units.get(unit.parent) if unit.parent else None
        if above is not None and above.level == LEVELS[up]:
            return above
        default = self.fallback.defaults.get(LEVELS[up])
        return self.units.get(default) if default else None
