"""The store: tickets and their predictions saved, corrections appended. Every method is one transaction
and returns plain dicts; :mod:`.review` reads, :mod:`.keys_and_jobs` keeps keys and jobs, :mod:`.lifecycle`
keeps a ticket's life after triage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, inspect, select
from sqlalchemy import insert as sql_insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import sessionmaker

from triage.incidents import IncidentPolicy
from triage.labels import CATEGORIES, ROUTES, URGENCIES

from .bulk import BulkCorrections
from .database import NotFound, StoreError, make_engine, migrate
from .directory import DirectoryStore
from .idempotency import IdempotencyKey, claim, remember
from .incidents import Incidents
from .keys_and_jobs import KeysAndJobs
from .lifecycle import Lifecycle, StaleState
from .linking import IncidentLinker
from .queue import QueueRows
from .review import Review
from .rows import (
    LABEL_FIELDS,
    clean_text,
    correction_row,
    labels_in_force,
    new_prediction,
    prediction_row,
    version_of,
)
from .search import gram_rows
from .tables import Correction, Prediction, Ticket, TicketGram, utc_text, utcnow

__all__ = ["LABEL_FIELDS", "Conflict", "NotFound", "Stale", "StaleState", "Store", "version_of"]

_CODES = {"category": CATEGORIES, "urgency": URGENCIES, "route": ROUTES}


class Stale(StoreError):
    """A write based on an older version of a ticket than the one stored."""

    def __init__(self, message: str, version: str, labels: dict[str, Any]) -> None:
        super().__init__(message)
        self.version, self.labels = version, labels


class Conflict(StoreError):
    """A write that contradicts what is stored: a ticket id reused for another text."""

    def __init__(self, message: str, ids: Sequence[str]) -> None:
        super().__init__(message)
        self.ids = list(ids)


class Store(KeysAndJobs, Review, QueueRows, BulkCorrections, Lifecycle, Incidents, DirectoryStore):
    """The store behind one engine. ``Store.open(url)`` also brings the schema up to date.

    Stored tickets are linked to incidents under ``incidents`` (default: the shipped
    ``triage/data/incidents.yaml``); with ``merge=False`` each stored ticket opens its own.
    """

    def __init__(self, engine: Engine, *, incidents: IncidentPolicy | None = None, merge: bool = True) -> None:
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)
        self.incident_policy = incidents or IncidentPolicy.load()
        self.merge = merge
        self._linker = IncidentLinker(self.incident_policy)
        # a database not yet migrated to the search index (0008) gets none; migrating backfills it
        self._search_index = TicketGram.__tablename__ in inspect(engine).get_table_names()

    @classmethod
    def open(cls, url: str, *, incidents: IncidentPolicy | None = None, merge: bool = True) -> Store:
        """Open (and create or migrate) the store at ``url``: sqlite:///FILE or postgresql+psycopg://…."""
        engine = make_engine(url)
        migrate(engine)
        return cls(engine, incidents=incidents, merge=merge)

    def close(self) -> None:
        self.engine.dispose()

    # tickets and predictions

    def save_triaged(self, tickets: Sequence[dict[str, Any]], results: Sequence[dict[str, Any]],
                     received_at: datetime | None = None,
                     idempotency: IdempotencyKey | None = None) -> list[dict[str, Any] | None]:
        """Store tickets (``id``, ``text``, ``channel``) with their triage results, one transaction.

        A ticket id names one complaint. Sent again with the same text, nothing is written and
        the stored answer is returned; sent with another text (here or earlier), :class:`Conflict`
        names the ids and nothing is written. Returns, per ticket, None when it was stored now,
        else the stored answer (its first prediction, with ``id`` and ``received_at``).
        ``received_at`` defaults to now. With ``idempotency``, a request made before under that
        key gets the tickets it stored (whatever ids this one has), and a different request
        under it :class:`~service.store.idempotency.KeyReused`.
        """
        return self.save_linked(tickets, results, received_at, idempotency)[0]

    def save_linked(self, tickets: Sequence[dict[str, Any]], results: Sequence[dict[str, Any]],
                    received_at: datetime | None = None, idempotency: IdempotencyKey | None = None,
                    ) -> tuple[list[dict[str, Any] | None], dict[str, int]]:
        """:meth:`save_triaged`, which also links each ticket stored now to an incident in the same
        transaction (:mod:`.linking`); returns its answers and, for every ticket, its incident's id."""
        tickets = [{k: clean_text(v) for k, v in t.items()} for t in tickets]
        now = received_at or utcnow()
        # signatures before the transaction: the NumPy work holds no lock
        prepared: dict[str, Any] = {}
        for t, r in zip(tickets, results, strict=True) if self.merge else ():
            if t["id"] not in prepared:
                prepared[t["id"]] = self._linker.prepare(t["id"], t["text"], r, now)
        incidents: dict[str, int] = {}
        linked = False
        try:
            with self._session.begin() as s:
                done = claim(s, self.engine.dialect.name, idempotency) if idempotency else None
                if done is not None:
                    tickets = [{**t, "id": i} for t, i in zip(tickets, done["tickets"], strict=True)]
                first: dict[str, dict[str, Any]] = {}
                for t, r in zip(tickets, results, strict=True):
                    first.setdefault(t["id"], {"ticket": t, "result": r})
                known = dict(s.execute(select(Ticket.id, Ticket.text).where(Ticket.id.in_(first))).all())
                fresh = [i for i in first if i not in known]
                if fresh:  # insert-or-keep: a concurrent request may have stored one of them meanwhile
                    insert = postgresql_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
                    rows = [{"id": i, "text": first[i]["ticket"]["text"], "channel": first[i]["ticket"].get("channel"),
                             "received_at": now} for i in fresh]
                    inserted = set(s.scalars(insert(Ticket).values(rows).on_conflict_do_nothing(
                        index_elements=["id"]).returning(Ticket.id)).all())
                    raced = [i for i in fresh if i not in inserted]
                    if raced:
                        known.update(s.execute(select(Ticket.id, Ticket.text).where(Ticket.id.in_(raced))).all())
                else:
                    inserted = set()
                clash = sorted({t["id"] for t in tickets
                                if known.get(t["id"], first[t["id"]]["ticket"]["text"]) != t["text"]})
                if clash:
                    raise Conflict(f"ticket ids already name another text: {clash}", clash)
                for i in inserted:
                    s.add(new_prediction(i, first[i]["result"]))
                if self._search_index and (index := gram_rows((i, first[i]["ticket"]["text"]) for i in inserted)):
                    s.execute(sql_insert(TicketGram), index)
                if self.merge:
                    linked = True
                    incidents = self._linker.link(s, [
                        prepared.get(i) or self._linker.prepare(i, first[i]["ticket"]["text"], first[i]["result"], now)
                        for i in first if i in inserted])
                stored = self._first_answers(s, [i for i in first if i not in inserted])
                incidents.update(self.current_incidents(s, [i for i in first if i not in inserted]))
                if idempotency and done is None:
                    remember(s, idempotency, {"tickets": [t["id"] for t in tickets]})
        except BaseException:
            if linked:  # the worker's index may hold what was rolled back: read it again
                self._linker.reset()
            raise
        out: list[dict[str, Any] | None] = []
        answered: set[str] = set()
        for t in tickets:
            i = t["id"]
            if i in inserted and i not in answered:
                out.append(None)
            else:
                out.append(stored.get(i) or {**first[i]["result"], "received_at": None})
            answered.add(i)
        return out, incidents

    @staticmethod
    def _first_answers(s: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        rows = s.execute(select(Prediction, Ticket.received_at).join(Ticket, Ticket.id == Prediction.ticket_id)
                         .where(Prediction.ticket_id.in_(ids)).order_by(Prediction.id)).all()
        out: dict[str, dict[str, Any]] = {}
        for p, received_at in rows:
            out.setdefault(p.ticket_id, {**prediction_row(p), "id": p.ticket_id, "received_at": utc_text(received_at)})
        return out

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        """The ticket, every prediction, the full correction history and the labels in force."""
        ticket_id = clean_text(ticket_id)
        with self._session() as s:
            ticket = s.get(Ticket, ticket_id)
            if ticket is None:
                raise NotFound(f"no ticket {ticket_id!r}")
            predictions = s.scalars(select(Prediction).where(Prediction.ticket_id == ticket_id)
                                    .order_by(Prediction.id)).all()
            corrections = s.scalars(select(Correction).where(Correction.ticket_id == ticket_id)
                                    .order_by(Correction.id)).all()
            labels = labels_in_force(predictions[-1] if predictions else None, corrections)
            return {"id": ticket.id, "text": ticket.text, "channel": ticket.channel,
                    "received_at": utc_text(ticket.received_at), "labels": labels, "version": version_of(corrections),
                    "predictions": [prediction_row(p) for p in predictions],
                    "corrections": [correction_row(c) for c in corrections]}

    # corrections

    def add_correction(self, ticket_id: str, *, annotator: str, category: str | None = None,
                       urgency: str | None = None, route: str | None = None, note: str | None = None,
                       if_version: str | None = None, idempotency: IdempotencyKey | None = None) -> dict[str, Any]:
        """Append a correction; ``previous`` records the labels it replaces. Codes are checked here too.

        With ``if_version`` (the version the reviewer saw), a ticket corrected since is not
        touched: :class:`Stale` carries its current version and labels. The answer carries the
        ticket's new ``version``. With ``idempotency``, a correction made before under that key
        is answered again (before any version check: the retry of a correction is not stale
        because of itself), and nothing is written.
        """
        new = {"category": category, "urgency": urgency, "route": route}
        for field, value in new.items():
            if value is not None and value not in _CODES[field]:
                raise ValueError(f"{field} {value!r} is not one of {', '.join(_CODES[field])}")
        if all(v is None for v in new.values()):
            raise ValueError("a correction names at least one of category, urgency, route")
        ticket_id = clean_text(ticket_id)
        with self._session.begin() as s:
            # the row lock makes concurrent corrections of one ticket take turns (PostgreSQL; SQLite locks the file)
            if s.scalar(select(Ticket.id).where(Ticket.id == ticket_id).with_for_update()) is None:
                raise NotFound(f"no ticket {ticket_id!r}")
            done = claim(s, self.engine.dialect.name, idempotency) if idempotency else None
            if done is not None:
                made = s.get(Correction, done["correction"])
                return {**correction_row(made), "version": str(made.id)}
            latest = s.scalars(select(Prediction).where(Prediction.ticket_id == ticket_id)
                               .order_by(Prediction.id.desc()).limit(1)).first()
            history = s.scalars(select(Correction).where(Correction.ticket_id == ticket_id)
                                .order_by(Correction.id)).all()
            labels = labels_in_force(latest, history)
            if if_version is not None and if_version != version_of(history):
                raise Stale(f"ticket {ticket_id!r} changed since version {if_version}", version_of(history), labels)
            correction = Correction(ticket_id=ticket_id, annotator=clean_text(annotator), note=clean_text(note),
                                    previous=labels, **new)
            s.add(correction)
            s.flush()
            if idempotency:
                remember(s, idempotency, {"correction": correction.id})
            return {**correction_row(correction), "version": str(correction.id)}
