"""An in-memory LSH index of recent reports: the candidates a new report is compared with, and the best match.

Reports are filed under their category's LSH bands and, when they name one, their place. A new
report's candidates are the reports sharing the most bands with it (up to ``candidates``) and the
newest at its place (as many again); each is judged with :func:`.decision.same_incident`, all
similarities in one NumPy pass, and the most similar one that is the same incident wins.

The index knows which incident each report is in, and is told when that changes (a split).
It is not thread-safe: its owner serialises use (the store holds a lock while it links).

>>> from datetime import datetime
>>> p = IncidentPolicy.load()
>>> h, t = p.hasher(), datetime(2026, 12, 7, 8, 0)
>>> index = IncidentIndex(p)
>>> s = h.signature("幸福里小区3号楼水管爆了")
>>> index.add("t1", 7, Report(s, "water", None, t), h.band_keys(s))
>>> index.best_match(Report(h.signature("幸福里小区3号楼水管爆了！"), "water", None, t),
...                  h.band_keys(h.signature("幸福里小区3号楼水管爆了！")))
Match(incident_id=7, ticket_id='t1', similarity=1.0)
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .decision import Report, same_incident
from .policy import IncidentPolicy
from .signatures import similarities

__all__ = ["IncidentIndex", "Match"]


@dataclass(frozen=True)
class Match:
    """The incident a new report joins, the member it matched and their similarity."""

    incident_id: int
    ticket_id: str
    similarity: float


class IncidentIndex:
    """Recent reports by category and LSH band, and by category and place; each with its incident."""

    def __init__(self, policy: IncidentPolicy) -> None:
        self.policy = policy
        self._reports: dict[str, Report] = {}
        self._incident: dict[str, int] = {}
        self._bands: dict[tuple[str, int], list[str]] = {}
        self._places: dict[tuple[str, str], list[str]] = {}
        self._filed: list[tuple[str, str | None, frozenset[int]]] = []  # category, place, bands: since the sweep
        self._sweeps = 0

    def __len__(self) -> int:
        return len(self._reports)

    def add(self, ticket_id: str, incident_id: int, report: Report, bands: list[int]) -> None:
        """File a report (again: only its incident changes)."""
        self._incident[ticket_id] = incident_id
        if ticket_id in self._reports:
            return
        self._reports[ticket_id] = report
        for band in bands:
            self._bands.setdefault((report.category, band), []).append(ticket_id)
        if report.place is not None:
            self._places.setdefault((report.category, report.place), []).append(ticket_id)
        self._filed.append((report.category, report.place, frozenset(bands)))

    def mark(self) -> tuple[int, int]:
        """Where the index stands now, for :meth:`unchanged_for`."""
        return self._sweeps, len(self._filed)

    def unchanged_for(self, report: Report, bands: list[int], mark: tuple[int, int]) -> bool:
        """Whether :meth:`best_match` still finds for ``report`` what it found at ``mark``: nothing was forgotten
        since, and no report filed since shares its category and one of its bands or its place (the matched
        member's incident may have changed: read it with :meth:`incident_of`)."""
        sweeps, filed = mark
        if sweeps != self._sweeps:
            return False
        wanted = frozenset(bands)
        return not any(category == report.category and ((place is not None and place == report.place)
                                                        or not wanted.isdisjoint(their_bands))
                       for category, place, their_bands in self._filed[filed:])

    def incident_of(self, ticket_id: str) -> int:
        """The incident a filed report is in now."""
        return self._incident[ticket_id]

    def move(self, ticket_id: str, incident_id: int) -> None:
        """A filed report is in another incident now (split out of its old one)."""
        if ticket_id in self._reports:
            self._incident[ticket_id] = incident_id

    def candidates(self, report: Report, bands: list[int]) -> list[str]:
        """The reports sharing the most bands with ``report`` (ties: the newest; at most ``candidates`` read per
        band), then the newest at its place."""
        limit = self.policy.candidates
        shared: Counter[str] = Counter()
        for band in bands:  # the newest under each band: a big incident's older members add nothing new
            shared.update(self._bands.get((report.category, band), ())[-limit:])
        found = [t for t, _ in heapq.nlargest(limit, shared.items(), key=lambda kv: (kv[1], self._order(kv[0])))]
        if report.place is not None:
            found += self._places.get((report.category, report.place), [])[-limit:]
        return list(dict.fromkeys(found))

    def _order(self, ticket_id: str) -> float:
        return self._reports[ticket_id].at.timestamp()

    def best_match(self, report: Report, bands: list[int]) -> Match | None:
        """The most similar filed report that :func:`same_incident` calls one incident with ``report``."""
        found = self.candidates(report, bands)
        if not found:
            return None
        scores = similarities(report.signature, np.stack([self._reports[t].signature for t in found]))
        best: Match | None = None
        for ticket_id, score in zip(found, scores.tolist(), strict=True):
            if best is not None and score <= best.similarity:
                continue
            if same_incident(report, self._reports[ticket_id], self.policy, score=score).same:
                best = Match(self._incident[ticket_id], ticket_id, score)
        return best

    def forget_before(self, moment: datetime) -> int:
        """Drop the reports from before ``moment`` (no new report can join them); returns how many went."""
        self._filed.clear()  # what :meth:`unchanged_for` reads: a sweep changes everything
        self._sweeps += 1
        old = {t for t, r in self._reports.items() if r.at < moment}
        if not old:
            return 0
        for t in old:
            del self._reports[t]
            del self._incident[t]
        for table in (self._bands, self._places):
            for key in list(table):
                kept = [t for t in table[key] if t not in old]
                if kept:
                    table[key] = kept
                else:
                    del table[key]
        return len(old)
