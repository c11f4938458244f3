"""Linking a stored ticket to an open incident (并单), inside the transaction that stores it.

Each worker keeps an in-memory LSH index of the recent tickets (:class:`triage.incidents.
IncidentIndex`), rebuilt from the database: before a ticket of a category is linked, the
memberships of that category added since the worker last looked (by any worker, on any host)
are read in (the first time, those of the category's window), with their signatures. So every
worker judges against what the database holds, while a link costs one small read and one write
(the membership, with the ticket's signature; two when it opens an incident), not a read of
every recent ticket.

The ticket joins the incident of the most similar candidate that
:func:`triage.incidents.same_incident` calls the same incident, or opens its own. That match is
looked for before the transaction, in what the worker has read in so far, so that the write lock
does not wait for it; inside the transaction it is looked for again only when a report read in or
linked since shares the ticket's category and one of its bands or its place (none other can
change it).

Two tickets of one incident stored at once must not open two incidents, and a worker must not
miss a membership another has not yet committed: on PostgreSQL linking takes a
transaction-level advisory lock per category (in category order, so two batches never wait on
each other crosswise), under which a category's memberships are written and numbered one
transaction at a time; SQLite's write transactions already run one at a time. Within a worker,
a thread lock (taken after the database's) keeps the index to one thread at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, text
from sqlalchemy.orm import Session

from triage.incidents import IncidentIndex, IncidentPolicy, Match, MinHasher, Report, place_key
from triage.labels import CATEGORIES

from .tables import Incident, IncidentMember

__all__ = ["RULE", "IncidentLinker", "Pending", "lock_categories"]

#: ``linked_by`` of the memberships the rule made.
RULE = "rule"
_LOCK_CLASS = 1234512346  # pg_advisory_xact_lock(class, category): one lock per category
_FORGET_EVERY = 2_000  # links between two sweeps of the index for reports past every window
# Core statements built once, not the ORM's unit of work: linking runs for every stored ticket
_INCIDENTS, _MEMBERS = Incident.__table__, IncidentMember.__table__
_READ_ANY = (select(_MEMBERS.c.id, _MEMBERS.c.ticket_id, _MEMBERS.c.incident_id, _MEMBERS.c.signature,
                    _MEMBERS.c.place, _MEMBERS.c.received_at, _MEMBERS.c.category).order_by(_MEMBERS.c.id))
_READ_IN = _READ_ANY.where(_MEMBERS.c.category == bindparam("category"))
_READ_SINCE = _READ_IN.where(_MEMBERS.c.id > bindparam("after"))  # a ticket's category
_READ_ALL_SINCE = _READ_ANY.where(_MEMBERS.c.id > bindparam("after"))  # a batch's categories: sorted out here
_READ_WINDOW = _READ_IN.where(_MEMBERS.c.received_at >= bindparam("since"))
# no RETURNING: SQLite hands the new id back with the row (lastrowid), one step less inside the write lock
_OPEN, _MEMBER = insert(_INCIDENTS), insert(_MEMBERS)


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
    """A ticket about to be linked: its id, what merging knows of it (time in naive UTC), its LSH bands, and the
    match found for it before the transaction (the index it was found in, where that stood, the match)."""

    ticket_id: str
    report: Report
    bands: list[int]
    at: datetime  # as given, for the database
    guess: tuple[IncidentIndex, tuple[int, int], Match | None] | None = None


class IncidentLinker:
    """Applies an :class:`~triage.incidents.IncidentPolicy` to tickets as they are stored."""

    def __init__(self, policy: IncidentPolicy) -> None:
        self.policy = policy
        self.hasher: MinHasher = policy.hasher()
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget the index; the next link reads it again from the database (after a rolled-back write)."""
        with self._lock:
            self._index = IncidentIndex(self.policy)
            self._seen: dict[str, int] = {}  # category -> the last membership id read in
            self._links = 0

    def prepare(self, ticket_id: str, text: str, result: dict[str, Any], at: datetime) -> Pending:
        """The signature and bands of one ticket, and its best match among what this worker has read in so far
        (before the transaction, so that no database lock waits for the NumPy work)."""
        signature = self.hasher.signature(text)
        report = Report(signature, result["category"], place_key(result), _naive_utc(at))
        bands = self.hasher.band_keys(signature)
        with self._lock:
            index = self._index
            guess = index, index.mark(), index.best_match(report, bands)
        return Pending(ticket_id, report, bands, at, guess)

    def link(self, s: Session, pending: Sequence[Pending]) -> dict[str, int]:
        """Store each ticket's keys and link it to an incident, in order; returns ticket id → incident id."""
        categories = {p.report.category for p in pending}
        lock_categories(s, categories)
        c = s.connection()
        out = {}
        with self._lock:
            if pending:
                self._catch_up(c, categories, min(p.at for p in pending))
            for p in pending:
                out[p.ticket_id] = self._link_one(c, p)
            self._links += len(pending)
            if self._links >= _FORGET_EVERY:
                newest = max(p.report.at for p in pending)
                self._index.forget_before(newest - max(self.policy.window(k) for k in CATEGORIES))
                self._links = 0
        return out

    def _catch_up(self, c: Connection, categories: set[str], at: datetime) -> None:
        """Read in the memberships of these categories added since this worker last looked: one query for
        the categories it has read before, one for those it looks at for the first time (the tickets that could
        still share an incident with one stored ``at``)."""
        rows = []
        if seen := {k for k in categories if k in self._seen}:
            after = min(self._seen[k] for k in seen)
            if len(seen) == 1:
                found = c.execute(_READ_SINCE, {"category": next(iter(seen)), "after": after})
            else:
                found = c.execute(_READ_ALL_SINCE, {"after": after})
            rows = [r for r in found if r.category in seen and r.id > self._seen[r.category]]
        for category in sorted(categories - seen):
            rows += c.execute(_READ_WINDOW, {"category": category, "since": at - self.policy.window(category)})
            self._seen[category] = 0
        if not rows:
            return
        signatures = self.hasher.from_bytes_many([r.signature for r in rows])
        for r, signature, bands in zip(rows, signatures, self.hasher.band_keys_many(signatures), strict=True):
            report = Report(signature, r.category, r.place, _naive_utc(r.received_at))
            self._index.add(r.ticket_id, r.incident_id, report, bands)
            self._seen[r.category] = max(self._seen[r.category], r.id)

    def _best_match(self, p: Pending) -> Match | None:
        """The match found before the transaction when what was read in or linked since cannot change it."""
        index, mark, match = p.guess or (None, (0, 0), None)
        if index is not self._index or not index.unchanged_for(p.report, p.bands, mark):
            return self._index.best_match(p.report, p.bands)
        return None if match is None else replace(match, incident_id=index.incident_of(match.ticket_id))

    def _link_one(self, c: Connection, p: Pending) -> int:
        r = p.report
        match = self._best_match(p)
        if match is None:
            incident_id = c.execute(_OPEN, {"category": r.category, "place": r.place, "opened_at": p.at}
                                    ).inserted_primary_key[0]
            how, similarity, matched = "opened", None, None
        else:
            incident_id, how, similarity, matched = match.incident_id, "merged", match.similarity, match.ticket_id
        member_id = c.execute(_MEMBER, {"ticket_id": p.ticket_id, "incident_id": incident_id, "how": how,
                                        "linked_by": RULE, "linked_at": p.at, "similarity": similarity,
                                        "matched_ticket": matched, "category": r.category, "place": r.place,
                                        "received_at": p.at, "signature": self.hasher.to_bytes(r.signature)}
                              ).inserted_primary_key[0]
        self._index.add(p.ticket_id, incident_id, r, p.bands)
        if self._seen.get(r.category, 0) < member_id:
            self._seen[r.category] = member_id  # read in everything before it under the lock: nothing skipped
        return incident_id
