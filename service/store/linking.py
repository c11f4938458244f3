"""Linking a stored ticket to an open incident (并单), inside the transaction that stores it.

Candidates come from the database, not from memory, so every worker and every host sharing a
PostgreSQL store sees the same incidents: the recent tickets of the same category that share an
LSH band with the new one (``incident_bands``), and, when the new one names a place, the recent
tickets of that category at that place (``incident_keys``), at most ``candidates`` of each,
newest first. Each candidate is judged with :func:`triage.incidents.same_incident`; the new
ticket joins the incident of the most similar one that is the same incident, or opens its own.

Two tickets of one incident stored at once must not open two incidents: on PostgreSQL linking
takes a transaction-level advisory lock per category (in category order, so two batches never
wait on each other crosswise); SQLite's write transactions already run one at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from triage.incidents import IncidentPolicy, MinHasher, Report, place_key, same_incident
from triage.labels import CATEGORIES

from .tables import Incident, IncidentBand, IncidentKey, IncidentMember

__all__ = ["RULE", "IncidentLinker", "Pending", "lock_categories"]

#: ``linked_by`` of the memberships the rule made.
RULE = "rule"
_LOCK_CLASS = 1234512346  # pg_advisory_xact_lock(class, category): one lock per category


def lock_categories(s: Session, categories: set[str]) -> None:
    """On PostgreSQL, hold each category's linking lock until the transaction ends (in category order)."""
    if s.get_bind().dialect.name != "postgresql":
        return  # SQLite: the write transaction (BEGIN IMMEDIATE) already excludes every other writer
    for category in sorted(categories, key=CATEGORIES.index):
        s.execute(text("SELECT pg_advisory_xact_lock(:c, :k)"), {"c": _LOCK_CLASS, "k": CATEGORIES.index(category)})


def _naive_utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive (they were written in UTC): compare like with like."""
    return moment.replace(tzinfo=None) if moment.tzinfo else moment


@dataclass(frozen=True)
class Pending:
    """A ticket about to be linked: its id, what merging knows of it and its LSH band keys."""

    ticket_id: str
    report: Report
    bands: list[int]


class IncidentLinker:
    """Applies an :class:`~triage.incidents.IncidentPolicy` to tickets as they are stored."""

    def __init__(self, policy: IncidentPolicy) -> None:
        self.policy = policy
        self.hasher: MinHasher = policy.hasher()

    def prepare(self, ticket_id: str, text: str, result: dict[str, Any], at: datetime) -> Pending:
        """The signature and bands of one ticket (before the transaction: NumPy work holds no lock)."""
        signature = self.hasher.signature(text)
        return Pending(ticket_id, Report(signature, result["category"], place_key(result), at),
                       self.hasher.band_keys(signature))

    def link(self, s: Session, pending: Sequence[Pending]) -> dict[str, int]:
        """Store each ticket's keys and link it to an incident, in order; returns ticket id → incident id."""
        lock_categories(s, {p.report.category for p in pending})
        out = {}
        for p in pending:
            out[p.ticket_id] = self._link_one(s, p)
        return out

    def _candidates(self, s: Session, p: Pending) -> list[str]:
        r, limit = p.report, self.policy.candidates
        since, until = r.at - self.policy.window(r.category), r.at + self.policy.window(r.category)
        found: list[str] = []
        if p.bands:
            # the tickets sharing the most bands first (the likeliest to be similar), then the newest
            found += s.scalars(select(IncidentBand.ticket_id).where(
                IncidentBand.category == r.category, IncidentBand.band.in_(p.bands),
                IncidentBand.received_at.between(since, until)).group_by(IncidentBand.ticket_id)
                .order_by(func.count().desc(), func.max(IncidentBand.received_at).desc()).limit(limit)).all()
        if r.place is not None:
            found += s.scalars(select(IncidentKey.ticket_id).where(
                IncidentKey.category == r.category, IncidentKey.place == r.place,
                IncidentKey.received_at.between(since, until)).order_by(IncidentKey.received_at.desc())
                .limit(limit)).all()
        return list(dict.fromkeys(found))

    def _best_match(self, s: Session, p: Pending) -> tuple[int, str, float] | None:
        """(incident id, matched ticket, similarity) of the most similar same-incident candidate."""
        ids = self._candidates(s, p)
        if not ids:
            return None
        rows = s.execute(select(IncidentKey, IncidentMember.incident_id)
                         .join(IncidentMember, IncidentMember.ticket_id == IncidentKey.ticket_id)
                         .where(IncidentKey.ticket_id.in_(ids), IncidentMember.ended_at.is_(None))
                         .order_by(IncidentKey.received_at.desc()).limit(self.policy.candidates * 2)).all()
        best: tuple[int, str, float] | None = None
        at = _naive_utc(p.report.at)
        for key, incident_id in rows:
            other = Report(self.hasher.from_bytes(key.signature), key.category, key.place,
                           _naive_utc(key.received_at))
            decision = same_incident(Report(p.report.signature, p.report.category, p.report.place, at), other,
                                     self.policy)
            if decision.same and (best is None or decision.similarity > best[2]):
                best = (incident_id, key.ticket_id, float(decision.similarity))
        return best

    def _link_one(self, s: Session, p: Pending) -> int:
        r = p.report
        match = self._best_match(s, p)
        if match is None:
            incident = Incident(category=r.category, place=r.place, first_report_at=r.at, last_report_at=r.at,
                                members=1)
            s.add(incident)
            s.flush()
            incident_id, how, similarity, matched = incident.id, "opened", None, None
        else:
            incident_id, matched, similarity = match
            how = "merged"
            incident = s.get(Incident, incident_id)  # the category's lock is held: no one else changes it
            incident.members += 1
            if _naive_utc(incident.last_report_at) < _naive_utc(r.at):
                incident.last_report_at = r.at
            if incident.place is None and r.place is not None:
                incident.place = r.place
        s.add(IncidentMember(ticket_id=p.ticket_id, incident_id=incident_id, how=how, linked_by=RULE, linked_at=r.at,
                             similarity=similarity, matched_ticket=matched))
        s.add(IncidentKey(ticket_id=p.ticket_id, category=r.category, place=r.place, received_at=r.at,
                          signature=self.hasher.to_bytes(r.signature)))
        if p.bands:
            s.execute(insert(IncidentBand), [{"ticket_id": p.ticket_id, "band": b, "category": r.category,
                                              "received_at": r.at} for b in p.bands])
        s.flush()
        return incident_id
