"""Reading and writing the store. Every method is one transaction and returns plain dicts.

A ticket's labels in force are its latest prediction with every correction applied in order
(each correction sets only the fields it names), so the latest correction of a field wins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import sessionmaker

from triage.labels import CATEGORIES, ROUTES, URGENCIES

from .database import NotFound, StoreError, make_engine, migrate
from .idempotency import IdempotencyKey, claim, remember
from .keys_and_jobs import KeysAndJobs
from .tables import Correction, Prediction, Ticket, utc_text, utcnow

__all__ = ["LABEL_FIELDS", "Conflict", "NotFound", "Stale", "Store", "version_of"]

LABEL_FIELDS = ("category", "urgency", "route")
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


def _new_prediction(ticket_id: str, r: dict[str, Any]) -> Prediction:
    top = r["explanation"]["category"]["top"]
    margin = top[0][1] - top[1][1] if len(top) > 1 else top[0][1]
    return Prediction(ticket_id=ticket_id, model_version=r["model_version"], category=r["category"],
                      categories=r["categories"], urgency=r["urgency"], route=r["route"],
                      confidence=r["confidence"], margin=round(margin, 4), needs_review=r["needs_review"],
                      review_confidence=weakest_confidence(r["explanation"], r["confidence"]),
                      explanation=r["explanation"])


def weakest_confidence(explanation: dict[str, Any], category_confidence: float) -> float:
    """The lowest of an answer's field confidences (``explanation.review``), which its flag is made of."""
    found = (explanation.get("review") or {}).get("confidence") or {}
    return min([category_confidence, *(float(v) for v in found.values())])


def clean_text(value: str | None) -> str | None:
    """Text any database accepts: NUL and unpaired surrogates become U+FFFD, nothing else changes."""
    if value is None:
        return None
    return value.replace("\x00", "\ufffd").encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _prediction(p: Prediction) -> dict[str, Any]:
    return {"model_version": p.model_version, "category": p.category, "categories": p.categories,
            "urgency": p.urgency, "route": p.route, "confidence": p.confidence, "margin": p.margin,
            "needs_review": p.needs_review, "explanation": p.explanation, "created_at": utc_text(p.created_at)}


def _as_sent(p: Prediction | None) -> dict[str, Any] | None:
    """The answer the caller was sent, as the export shows it beside the labels in force."""
    if p is None:
        return None
    return {"category": p.category, "urgency": p.urgency, "route": p.route, "confidence": p.confidence,
            "needs_review": p.needs_review, "flagged": (p.explanation.get("review") or {}).get("flagged", []),
            "model_version": p.model_version}


def _correction(c: Correction) -> dict[str, Any]:
    changed = {f: getattr(c, f) for f in LABEL_FIELDS if getattr(c, f) is not None}
    return {"id": c.id, "changes": {f: {"from": c.previous.get(f), "to": v} for f, v in changed.items()},
            "annotator": c.annotator, "note": c.note, "created_at": utc_text(c.created_at)}


def version_of(corrections: Sequence[Correction]) -> str:
    """A ticket's version: the id of its latest correction ("0" before any). Each correction makes a new one."""
    return str(corrections[-1].id) if corrections else "0"


def _apply(labels: dict[str, Any], correction: Correction) -> dict[str, Any]:
    return {**labels, **{f: getattr(correction, f) for f in LABEL_FIELDS if getattr(correction, f) is not None}}


class Store(KeysAndJobs):
    """The store behind one engine. ``Store.open(url)`` also brings the schema up to date."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> Store:
        """Open (and create or migrate) the store at ``url``: sqlite:///FILE or postgresql+psycopg://…."""
        engine = make_engine(url)
        migrate(engine)
        return cls(engine)

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
        tickets = [{k: clean_text(v) for k, v in t.items()} for t in tickets]
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
                now = received_at or utcnow()
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
                s.add(_new_prediction(i, first[i]["result"]))
            stored = self._first_answers(s, [i for i in first if i not in inserted])
            if idempotency and done is None:
                remember(s, idempotency, {"tickets": [t["id"] for t in tickets]})
        out: list[dict[str, Any] | None] = []
        answered: set[str] = set()
        for t in tickets:
            i = t["id"]
            if i in inserted and i not in answered:
                out.append(None)
            else:
                out.append(stored.get(i) or {**first[i]["result"], "received_at": None})
            answered.add(i)
        return out

    @staticmethod
    def _first_answers(s: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        rows = s.execute(select(Prediction, Ticket.received_at).join(Ticket, Ticket.id == Prediction.ticket_id)
                         .where(Prediction.ticket_id.in_(ids)).order_by(Prediction.id)).all()
        out: dict[str, dict[str, Any]] = {}
        for p, received_at in rows:
            out.setdefault(p.ticket_id, {**_prediction(p), "id": p.ticket_id, "received_at": utc_text(received_at)})
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
            labels = self._labels(predictions[-1] if predictions else None, corrections)
            return {"id": ticket.id, "text": ticket.text, "channel": ticket.channel,
                    "received_at": utc_text(ticket.received_at), "labels": labels, "version": version_of(corrections),
                    "predictions": [_prediction(p) for p in predictions],
                    "corrections": [_correction(c) for c in corrections]}

    @staticmethod
    def _labels(prediction: Prediction | None, corrections: Sequence[Correction]) -> dict[str, Any]:
        labels: dict[str, Any] = {f: getattr(prediction, f) if prediction else None for f in LABEL_FIELDS}
        for correction in corrections:
            labels = _apply(labels, correction)
        return labels

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
                return {**_correction(made), "version": str(made.id)}
            latest = s.scalars(select(Prediction).where(Prediction.ticket_id == ticket_id)
                               .order_by(Prediction.id.desc()).limit(1)).first()
            history = s.scalars(select(Correction).where(Correction.ticket_id == ticket_id)
                                .order_by(Correction.id)).all()
            labels = self._labels(latest, history)
            if if_version is not None and if_version != version_of(history):
                raise Stale(f"ticket {ticket_id!r} changed since version {if_version}", version_of(history), labels)
            correction = Correction(ticket_id=ticket_id, annotator=clean_text(annotator), note=clean_text(note),
                                    previous=labels, **new)
            s.add(correction)
            s.flush()
            if idempotency:
                remember(s, idempotency, {"correction": correction.id})
            return {**_correction(correction), "version": str(correction.id)}

    def review_queue(self, limit: int = 50) -> list[dict[str, Any]]:
        """Stored tickets nobody has corrected yet: those the answer flagged first, each group with the
        weakest field confidence (category, urgency or route) first, then the closest top two."""
        with self._session() as s:
            latest = (select(func.max(Prediction.id).label("pid"))
                      .group_by(Prediction.ticket_id).subquery())
            reviewed = select(Correction.ticket_id)
            rows = s.execute(
                select(Ticket, Prediction).join(Prediction, Prediction.ticket_id == Ticket.id)
                .join(latest, latest.c.pid == Prediction.id)
                .where(Ticket.id.not_in(reviewed))
                .order_by(Prediction.needs_review.desc(),
                          func.coalesce(Prediction.review_confidence, Prediction.confidence),
                          Prediction.margin, Ticket.received_at, Ticket.id).limit(limit)).all()
            return [{"id": t.id, "text": t.text, "channel": t.channel, "received_at": utc_text(t.received_at),
                     "prediction": _prediction(p), "version": version_of(())} for t, p in rows]

    @staticmethod
    def _histories(s, ids: Sequence[str]) -> Iterator[tuple[Ticket, Prediction | None, list[Correction]]]:
        """(ticket, latest prediction, corrections) of each corrected ticket in ``ids``, 500 tickets a query."""
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            tickets = {t.id: t for t in s.scalars(select(Ticket).where(Ticket.id.in_(chunk)))}
            latest: dict[str, Prediction] = {}
            for p in s.scalars(select(Prediction).where(Prediction.ticket_id.in_(chunk)).order_by(Prediction.id)):
                latest[p.ticket_id] = p
            history: dict[str, list[Correction]] = {}
            for c in s.scalars(select(Correction).where(Correction.ticket_id.in_(chunk)).order_by(Correction.id)):
                history.setdefault(c.ticket_id, []).append(c)
            for ticket_id in chunk:
                yield tickets[ticket_id], latest.get(ticket_id), history[ticket_id]

    def corrected_labels(self) -> Iterator[dict[str, Any]]:
        """The labels in force for every corrected ticket, with its text (for export and retraining)."""
        with self._session() as s:
            ids = s.scalars(select(Correction.ticket_id).distinct().order_by(Correction.ticket_id)).all()
            for ticket, predicted, corrections in self._histories(s, ids):
                labels = self._labels(predicted, corrections)
                categories = [labels["category"]] + [c for c in (predicted.categories if predicted else [])
                                                      if c != labels["category"]]
                yield {"id": ticket.id, "text": ticket.text, **labels, "categories": categories,
                       "annotator": corrections[-1].annotator, "corrected_at": utc_text(corrections[-1].created_at),
                       "predicted": _as_sent(predicted)}

    def counts(self, days: int, now: datetime | None = None) -> dict[str, dict[str, int]]:
        """Tickets received in the last ``days`` days by category, urgency and route (labels in force)."""
        since = (now or utcnow()) - timedelta(days=days)
        out: dict[str, Counter[str]] = {f: Counter() for f in LABEL_FIELDS}
        with self._session() as s:
            latest = (select(func.max(Prediction.id).label("pid")).join(Ticket, Ticket.id == Prediction.ticket_id)
                      .where(Ticket.received_at >= since).group_by(Prediction.ticket_id).subquery())
            for field in LABEL_FIELDS:
                column = getattr(Prediction, field)
                for value, n in s.execute(select(column, func.count()).join(latest, latest.c.pid == Prediction.id)
                                          .group_by(column)):
                    out[field][value] += n
            corrected = s.scalars(select(Correction.ticket_id).join(Ticket, Ticket.id == Correction.ticket_id)
                                  .where(Ticket.received_at >= since).distinct()).all()
            # move each corrected ticket from its predicted labels to the labels in force
            for _, predicted, corrections in self._histories(s, corrected):
                if predicted is not None:
                    labels = self._labels(predicted, corrections)
                    for field in LABEL_FIELDS:
                        out[field][getattr(predicted, field)] -= 1
                        out[field][labels[field]] += 1
        return {f: {k: v for k, v in c.most_common() if v > 0} for f, c in out.items()}
