"""What a tagged backlog says, as tables: the counts a 社区 or 街道 reports upward.

:func:`read_tagged` streams the rows of a ``triage tag`` output (JSONL or CSV) and
:func:`read_errors` those of its errors file (the rows it could not triage),
:func:`summarize` folds them into counters (memory grows with the number of days and
cue words, not of rows), and the other functions turn a :class:`Summary` into rows of
tables. :mod:`triage.batch.report_html` draws and writes them.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..labels import CATEGORIES, URGENCIES

__all__ = ["BAD_ROWS_LISTED", "Summary", "bad_reasons", "crosstab", "daily_register", "parse_day", "read_errors",
           "read_tagged", "review_shares", "summarize", "top_cues", "weekly_summary"]

REQUIRED = ("category", "urgency", "route", "needs_review")
BAD_ROWS_LISTED = 100  # bad rows listed one by one; all of them are counted
_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def _listed(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [v for v in str(value or "").split("|") if v]


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in {"true", "1", "yes"}


def read_tagged(path: str | Path) -> Iterator[dict[str, Any]]:
    """The rows of a tagged .jsonl or .csv file, with ``cues`` as a list and ``needs_review`` as a bool."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".csv"):
        raise InputError(f"{path}: a tagged file is .jsonl or .csv (got {suffix or 'no extension'!r})")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows: Iterable[dict[str, Any]] = (json.loads(line) for line in f if line.strip()) if suffix == ".jsonl" \
            else csv.DictReader(f)
        for n, row in enumerate(rows, 1):
            missing = [c for c in REQUIRED if c not in row]
            if missing:
                raise InputError(f"{path}: row {n} has no {', '.join(missing)}; is it the output of triage tag?")
            row["cues"] = _listed(row.get("cues"))
            row["needs_review"] = _flag(row["needs_review"])
            yield row


def read_errors(path: str | Path) -> Iterator[dict[str, Any]]:
    """The rows of the errors file of a ``triage tag`` run: ``line``, ``reason`` and, when there was one, ``id``."""
    path = Path(path)
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                row = None
            if not isinstance(row, dict) or "line" not in row or "reason" not in row:
                raise InputError(f"{path}: line {n} has no line and reason; is it the errors file of triage tag?")
            yield row


def parse_day(value: Any) -> date | None:
    """The day in '2026-11-20 08:12', '2026/11/20', '2026年11月20日' and the like (None if there is none)."""
    match = _DAY.search(str(value or ""))
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


@dataclass
class Summary:
    """Counters over a tagged file."""

    rows: int = 0
    combos: Counter = field(default_factory=Counter)  # (category, urgency, route) -> rows
    review: Counter = field(default_factory=Counter)  # category -> rows sent to review
    cues: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # category -> word -> rows
    days: dict[date, Counter] = field(default_factory=lambda: defaultdict(Counter))  # day -> category/urgency/review
    undated: int = 0
    bad: int = 0  # rows of the input that could not be tagged (the errors file), in none of the above
    bad_reasons: Counter = field(default_factory=Counter)  # reason -> rows
    bad_rows: list[dict[str, Any]] = field(default_factory=list)  # the first BAD_ROWS_LISTED of them

    def count(self, **where: str) -> int:
        """Rows whose category, urgency and/or route are as given."""
        keys = ("category", "urgency", "route")
        return sum(n for combo, n in self.combos.items()
                   if all(combo[keys.index(k)] == v for k, v in where.items()))


def summarize(rows: Iterable[dict[str, Any]], *, date_column: str | None = None,
              errors: Iterable[dict[str, Any]] = ()) -> Summary:
    """Fold tagged rows into a :class:`Summary`; with ``date_column``, count them by day as well.

    ``errors`` are the rows of the run's errors file (:func:`read_errors`): counted by reason.
    """
    s = Summary()
    for error in errors:
        s.bad += 1
        s.bad_reasons[str(error["reason"])] += 1
        if len(s.bad_rows) < BAD_ROWS_LISTED:
            s.bad_rows.append(error)
    for row in rows:
        s.rows += 1
        category, urgency = str(row["category"]), str(row["urgency"])
        s.combos[category, urgency, str(row["route"])] += 1
        if row["needs_review"]:
            s.review[category] += 1
        s.cues[category].update(set(row["cues"]))
        if date_column is not None:
            if date_column not in row:
                raise InputError(f"no column {date_column!r} in the tagged file; the columns are {list(row)}")
            day = parse_day(row[date_column])
            if day is None:
                s.undated += 1
            else:
                s.days[day].update((category, urgency, "total") + (("review",) if row["needs_review"] else ()))
    return s


def _ordered(values: Iterable[str], known: tuple[str, ...]) -> list[str]:
    values = set(values)
    return [v for v in known if v in values] + sorted(values - set(known))


def crosstab(s: Summary) -> list[tuple[str, str, str, int]]:
    """(category, urgency, route, rows) for every combination seen, in label order."""
    cats, urgs = list(CATEGORIES), list(URGENCIES)
    return sorted(((c, u, r, n) for (c, u, r), n in s.combos.items()),
                  key=lambda t: (cats.index(t[0]) if t[0] in cats else 99, urgs.index(t[1]) if t[1] in urgs else 99,
                                 -t[3], t[2]))


def review_shares(s: Summary) -> list[tuple[str, int, int, float]]:
    """(category, rows, rows sent to review, share) per category, then ``"all"``."""
    totals = Counter()
    for (category, _, _), n in s.combos.items():
        totals[category] += n
    out = [(c, totals[c], s.review[c], s.review[c] / totals[c]) for c in _ordered(totals, CATEGORIES)]
    reviewed = sum(s.review.values())
    return [*out, ("all", s.rows, reviewed, reviewed / s.rows if s.rows else 0.0)]


def bad_reasons(s: Summary) -> list[tuple[str, int]]:
    """(reason, rows) for the rows that could not be tagged, most rows first."""
    return sorted(s.bad_reasons.items(), key=lambda kv: (-kv[1], kv[0]))


def top_cues(s: Summary, n: int = 10) -> dict[str, list[tuple[str, int]]]:
    """The ``n`` cue words found in the most rows of each category (ties by the word)."""
    return {c: sorted(s.cues[c].items(), key=lambda kv: (-kv[1], kv[0]))[:n]
            for c in _ordered(s.cues, CATEGORIES) if s.cues[c]}


def daily_register(s: Summary) -> list[dict[str, Any]]:
    """One row per day from the first to the last (days without rows included): totals by category and urgency."""
    if not s.days:
        return []
    first, last = min(s.days), max(s.days)
    out = []
    for i in range((last - first).days + 1):
        day = first + timedelta(days=i)
        counts = s.days.get(day, Counter())
        out.append({"day": day, "total": counts["total"], "review": counts["review"],
                    **{c: counts[c] for c in CATEGORIES}, **{u: counts[u] for u in URGENCIES}})
    return out


def weekly_summary(s: Summary) -> list[dict[str, Any]]:
    """One row per ISO week (Monday to Sunday) holding rows: the daily register added up."""
    weeks: dict[date, dict[str, Any]] = {}
    for row in daily_register(s):
        monday = row["day"] - timedelta(days=row["day"].weekday())
        week = weeks.setdefault(monday, {"week": "{}-W{:02d}".format(*monday.isocalendar()[:2]), "from": monday,
                                         "to": monday + timedelta(days=6), "days": 0})
        week["days"] += 1
        for key, value in row.items():
            if key != "day":
                week[key] = week.get(key, 0) + value
    return list(weeks.values())
