"""The store's tables: tickets, the model's predictions, staff corrections, API keys, retraining jobs, idempotency keys,
a ticket's life after triage (its state, the history of its steps, its measures and progress, Open311
details), and incidents (并单) with their members and what merging compares.

Corrections are append-only: a new correction is a new row, never an edit of an old one, so a
ticket's history (who changed what, when, from what) is always complete. Incident memberships
likewise: a split ends one (who, when, why) and starts another, and neither row is deleted. The schema itself is
created and changed only by the Alembic migrations in ``migrations/``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["ApiKey", "Base", "Correction", "DirectoryCompound", "DirectoryUnit", "DirectoryVersion",
           "IdempotencyRecord", "Incident", "IncidentMember", "Open311Request", "Prediction", "Rectification",
           "RetrainJob", "Ticket", "TicketEvent", "TicketGram", "TicketState", "utc_text", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(UTC)


def utc_text(moment: datetime | None) -> str | None:
    """ISO text in UTC (SQLite hands back naive datetimes; they were written in UTC)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat(timespec="seconds")


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {datetime: DateTime(timezone=True), dict[str, Any]: JSON, list[str]: JSON}


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Prediction(Base):
    __tablename__ = "predictions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    model_version: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    categories: Mapped[list[str]]
    urgency: Mapped[str] = mapped_column(String(16))
    route: Mapped[str] = mapped_column(String(32))
    confidence: Mapped[float] = mapped_column(Float)
    margin: Mapped[float] = mapped_column(Float)  # top category probability minus the runner-up's
    needs_review: Mapped[bool] = mapped_column(Boolean)
    # the lowest of the category, urgency and route confidences behind needs_review (the queue's order)
    review_confidence: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]]
    # with a dispatch directory: the place the text names and the unit named (None before, or without one)
    place: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    unit: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    unit_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TicketGram(Base):
    """The search index: each two-character piece of a ticket's masked text, once per ticket (:mod:`.search`)."""

    __tablename__ = "ticket_grams"
    __table_args__ = (Index("ix_ticket_grams_ticket_id", "ticket_id"),)

    gram: Mapped[str] = mapped_column(String(8), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)


class Correction(Base):
    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_ticket_time", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    category: Mapped[str | None] = mapped_column(String(32))
    urgency: Mapped[str | None] = mapped_column(String(16))
    route: Mapped[str | None] = mapped_column(String(32))
    previous: Mapped[dict[str, Any]]  # the labels in force before this correction
    annotator: Mapped[str] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    prefix: Mapped[str] = mapped_column(String(16))  # shown in listings; the key itself is never stored
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_code: Mapped[str | None] = mapped_column(String(64))  # a unit key's unit
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class RetrainJob(Base):
    __tablename__ = "retrain_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued running promoted rejected failed
    requested_by: Mapped[str] = mapped_column(String(128))
    progress: Mapped[str] = mapped_column(Text, default="")
    candidate_version: Mapped[str | None] = mapped_column(String(64))
    active_version: Mapped[str | None] = mapped_column(String(64))
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class IdempotencyRecord(Base):
    """A write made with an Idempotency-Key: who sent it, a hash of the request, and what it wrote."""

    __tablename__ = "idempotency_keys"

    owner: Mapped[str] = mapped_column(String(128), primary_key=True)  # the API key's name
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of the request's method, path and body
    resource: Mapped[dict[str, Any]]  # what the write made: {"tickets": [ids]}, {"correction": id}, {"job": id}
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ActiveModel(Base):
    """The model version every service host serves, when the store is shared (PostgreSQL): one row."""

    __tablename__ = "active_model"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    version: Mapped[str] = mapped_column(String(64))
    changed_by: Mapped[str] = mapped_column(String(128))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class TicketState(Base):
    """Where a ticket is in its life now; ``version`` grows by one with every step (a stale write is refused)."""

    __tablename__ = "ticket_states"
    __table_args__ = (Index("ix_ticket_states_state_deadline", "state", "deadline"),)

    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(32))
    unit_code: Mapped[str | None] = mapped_column(String(64), index=True)
    level: Mapped[str | None] = mapped_column(String(16))
    deadline: Mapped[datetime | None]
    suspended_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class TicketEvent(Base):
    """One step of a ticket's life, appended: who, when, from which state and unit to which, and why."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(32), index=True)
    from_state: Mapped[str] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    from_unit: Mapped[str | None] = mapped_column(String(64), index=True)
    to_unit: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(128))
    actor_role: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    deadline: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Rectification(Base):
    """A unit's 整改措施 (``measure``) or 进展 (``progress``) on a ticket, appended."""

    __tablename__ = "rectifications"
    __table_args__ = (Index("ix_rectifications_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    unit_code: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Open311Request(Base):
    """What an Open311 client sent beside the description: the service it chose and where."""

    __tablename__ = "open311_requests"

    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    service_code: Mapped[str] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    long: Mapped[float | None] = mapped_column(Float)


class Incident(Base):
    """Reports of one problem at one place (并单): every stored ticket belongs to one, alone or with others.

    Written once, when its first report opens it: its members, first and last report are read from
    ``incident_members``, so a merge writes one row and touches no other."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    category: Mapped[str] = mapped_column(String(32))
    place: Mapped[str | None] = mapped_column(String(256))  # the place key of the report that opened it
    opened_at: Mapped[datetime]


class IncidentMember(Base):
    """A ticket's membership of an incident, with what merging compares a new ticket with (its category, place
    key, time and MinHash signature; its LSH bands are computed from the signature when a worker reads it in).
    ``ended_at`` is set (the row never deleted) when staff split the ticket out; the split's row copies the keys."""

    __tablename__ = "incident_members"
    __table_args__ = (Index("ix_incident_members_category_id", "category", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    how: Mapped[str] = mapped_column(String(16))  # opened (first report), merged (by the rule), split (by staff)
    linked_by: Mapped[str] = mapped_column(String(128))  # "rule", or the name of the key that split it
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    similarity: Mapped[float | None] = mapped_column(Float)  # merged: with the member it matched
    matched_ticket: Mapped[str | None] = mapped_column(String(128))
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)  # why it was split out
    category: Mapped[str] = mapped_column(String(32))
    place: Mapped[str | None] = mapped_column(String(256))
    received_at: Mapped[datetime] = mapped_column(index=True)
    signature: Mapped[bytes] = mapped_column(LargeBinary)


class DirectoryVersion(Base):
    """One import of the dispatch directory; the latest is the one in use."""

    __tablename__ = "directory_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(Text)  # the file or folder it was imported from
    imported_by: Mapped[str] = mapped_column(String(128))
    units: Mapped[int] = mapped_column(Integer)
    compounds: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class DirectoryUnit(Base):
    __tablename__ = "directory_units"

    version_id: Mapped[int] = mapped_column(ForeignKey("directory_versions.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    parent: Mapped[str] = mapped_column(String(64), default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    routes: Mapped[list[str]]
    area: Mapped[str] = mapped_column(String(64), default="")


class DirectoryCompound(Base):
    __tablename__ = "directory_compounds"

    version_id: Mapped[int] = mapped_column(ForeignKey("directory_versions.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    aliases: Mapped[list[str]]
    manager: Mapped[str] = mapped_column(String(64), default="")
    community: Mapped[str] = mapped_column(String(64))
    subdistrict: Mapped[str] = mapped_column(String(64))
    addresses: Mapped[str] = mapped_column(Text, default="")  # as the file writes them: 文昌路2-30号双;书院街20号
