"""Corrections of many tickets in one action: all of them written, each as its own audited row, or none.

Each item names the ticket, the version the reviewer saw and the labels to set; an item that
sets none confirms the labels in force (a correction to the same values, as a confirmation
from the queue is). If any ticket changed since its version, nothing is written and
:class:`BulkStale` lists every such ticket with its version and labels now.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from triage.labels import CATEGORIES, ROUTES, URGENCIES

from .database import NotFound, StoreError
from .idempotency import IdempotencyKey, claim, remember
from .rows import LABEL_FIELDS, clean_text, correction_row, labels_in_force, version_of
from .tables import Correction, Prediction, Ticket

__all__ = ["BulkCorrections", "BulkStale", "summary_of"]

_CODES = {"category": CATEGORIES, "urgency": URGENCIES, "route": ROUTES}


class BulkStale(StoreError):
    """Tickets corrected since the versions a bulk action named: ``conflicts`` gives each one now."""

    def __init__(self, message: str, conflicts: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.conflicts = conflicts


def summary_of(corrections: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """How many were confirmed, how many corrected, and each change with how often it was made."""
    changed: dict[str, Counter[str]] = {f: Counter() for f in LABEL_FIELDS}
    confirmed = 0
    for c in corrections:
        moves = {f: ch for f, ch in c["changes"].items() if ch["from"] != ch["to"]}
        confirmed += not moves
        for field, ch in moves.items():
            changed[field][f"{ch['from']}→{ch['to']}"] += 1
    return {"confirmed": confirmed, "corrected": len(corrections) - confirmed,
            "changes": {f: dict(c.most_common()) for f, c in changed.items() if c}}


class BulkCorrections:
    """``_session`` is the store's session factory; ``engine`` its engine."""

    _session: sessionmaker

    def correct_many(self, items: Sequence[dict[str, Any]], *, annotator: str, note: str | None = None,
                     idempotency: IdempotencyKey | None = None) -> list[dict[str, Any]]:
        """Write one correction per item (``ticket_id``, ``version``, and any of category, urgency, route).

        Raises :class:`NotFound` naming unknown tickets, :class:`BulkStale` for tickets changed
        since, ValueError for a code that is not one of LABELS.md's or a ticket named twice.
        """
        ids = [clean_text(item["ticket_id"]) for item in items]
        if len(set(ids)) != len(ids):
            raise ValueError("a ticket is named more than once")
        for item in items:
            for field in LABEL_FIELDS:
                value = item.get(field)
                if value is not None and value not in _CODES[field]:
                    raise ValueError(f"{field} {value!r} is not one of {', '.join(_CODES[field])}")
        with self._session.begin() as s:
            done = claim(s, self.engine.dialect.name, idempotency) if idempotency else None
            if done is not None:
                made = s.scalars(select(Correction).where(Correction.id.in_(done["corrections"]))
                                 .order_by(Correction.id)).all()
                return [_public(c) for c in made]
            found = set(s.scalars(select(Ticket.id).where(Ticket.id.in_(ids)).with_for_update()))
            if missing := [i for i in ids if i not in found]:
                raise NotFound(f"no tickets {missing!r}")
            latest: dict[str, Prediction] = {}
            for p in s.scalars(select(Prediction).where(Prediction.ticket_id.in_(ids)).order_by(Prediction.id)):
                latest[p.ticket_id] = p
            history: dict[str, list[Correction]] = {i: [] for i in ids}
            for c in s.scalars(select(Correction).where(Correction.ticket_id.in_(ids)).order_by(Correction.id)):
                history[c.ticket_id].append(c)
            stale, made = [], []
            for ticket_id, item in zip(ids, items, strict=True):
                labels = labels_in_force(latest.get(ticket_id), history[ticket_id])
                now = version_of(history[ticket_id])
                if str(item["version"]) != now:
                    stale.append({"ticket_id": ticket_id, "seen": str(item["version"]), "version": now,
                                  "labels": labels})
                    continue
                new = {f: item.get(f) for f in LABEL_FIELDS}
                if all(v is None for v in new.values()):
                    new = dict(labels)  # a confirmation
                made.append(Correction(ticket_id=ticket_id, annotator=clean_text(annotator), note=clean_text(note),
                                       previous=labels, **new))
            if stale:
                raise BulkStale(f"{len(stale)} tickets changed since the versions named", stale)
            s.add_all(made)
            s.flush()
            if idempotency:
                remember(s, idempotency, {"corrections": [c.id for c in made]})
            return [_public(c) for c in made]


def _public(c: Correction) -> dict[str, Any]:
    return {**correction_row(c), "ticket_id": c.ticket_id, "version": str(c.id)}
