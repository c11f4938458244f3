"""Which days are working days: Monday to Friday, or China's official calendar (public holidays off,
make-up working days on), from the maintained ``chinese-calendar`` package.

``chinese-calendar`` knows the years the State Council has announced (each release adds the next
one, usually in November). For a year it does not know, the Chinese calendar falls back to
Monday to Friday, and :meth:`Workdays.known` says so, so that a deadline is never refused.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

__all__ = ["CALENDARS", "Workdays"]

#: The calendars a deadline file may name.
CALENDARS = ("weekdays", "china")


class Workdays:
    """Working days of one calendar: ``weekdays`` (Monday to Friday) or ``china``."""

    def __init__(self, calendar: str = "weekdays") -> None:
        if calendar not in CALENDARS:
            raise ValueError(f"calendar {calendar!r} is not one of {', '.join(CALENDARS)}")
        self.calendar = calendar
        self._official = None
        self._days: dict[date, bool] = {}  # the package checks its whole table on every call: remember answers
        self._after: dict[tuple[date, int], int] = {}
        if calendar == "china":
            import chinese_calendar

            self._official = chinese_calendar

    @staticmethod
    @cache
    def of(calendar: str) -> Workdays:
        """The one shared instance of a calendar (it remembers each day it was asked about)."""
        return Workdays(calendar)

    def known(self, day: date) -> bool:
        """Whether ``day``'s year is in the calendar (always true for ``weekdays``)."""
        if self._official is None:
            return True
        try:
            self._official.is_workday(day)
        except NotImplementedError:
            return False
        return True

    def is_workday(self, day: date) -> bool:
        """A working day: not a weekend unless a make-up day, not a public holiday (``china``)."""
        found = self._days.get(day)
        if found is None:
            found = self._days[day] = self._look_up(day)
        return found

    def days_until(self, day: date, working_days: int) -> int:
        """How many calendar days after ``day`` its ``working_days``-th following working day falls
        (remembered: a queue asks it for every ticket it shows)."""
        found = self._after.get((day, working_days))
        if found is None:
            found, left = 0, working_days
            while left > 0:
                found += 1
                if self.is_workday(day + timedelta(days=found)):
                    left -= 1
            self._after[(day, working_days)] = found
        return found

    def _look_up(self, day: date) -> bool:
        if self._official is not None:
            try:
                return bool(self._official.is_workday(day))
            except NotImplementedError:  # a year not announced yet when the package was released
                pass
        return day.weekday() < 5
