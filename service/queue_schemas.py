"""Bodies of the queue API: a page of the filtered queue with its facet counts, and bulk corrections."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .schemas import Category, ErrorPublic, RouteCode, Urgency
from .staff_schemas import CorrectionPublic, LabelsPublic, PredictionPublic

__all__ = ["BulkCreate", "BulkPublic", "BulkStalePublic", "QueuePagePublic"]


class QueueEntryPublic(BaseModel):
    id: str
    text: str
    channel: str = Field(description="The intake channel, or empty.")
    received_at: str
    model_version: str
    labels: LabelsPublic = Field(description="The labels in force (corrections applied).")
    predicted: LabelsPublic = Field(description="The latest prediction's labels.")
    confidence: float
    needs_review: bool
    unit: str = Field(description="The unit holding the ticket, or else the one triage named; empty if none.")
    state: str
    deadline: str | None = Field(description="The deadline running now (city time).")
    time_left_seconds: int | None = Field(description="Negative once passed; null when closed.")
    overdue: bool
    life_version: int = Field(description="The lifecycle version: send it with a step.")
    version: str = Field(description="The labels' version: send it with a correction.")
    reviewed: bool = Field(description="Whether staff corrected or confirmed it.")
    reviewer: str | None = Field(description="Who reviewed it last.")
    prediction: PredictionPublic


class QueuePagePublic(BaseModel):
    total: int = Field(description="Tickets the filter picks, on every page.")
    offset: int
    limit: int
    items: list[QueueEntryPublic]
    counts: dict[str, dict[str, int]] = Field(description="Per facet, per value: how many tickets choosing that value "
                                              "would show, with every other filter applied.")
    window: dict[str, str] = Field(description="The received-at range searched (from, to).")


class BulkItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_id: str = Field(min_length=1, max_length=128)
    version: str = Field(min_length=1, max_length=32, description="The ticket's version as the reviewer saw it.")
    category: Category | None = None
    urgency: Urgency | None = None
    route: RouteCode | None = None


class BulkCreate(BaseModel):
    """Tickets to correct (the labels an item names) or confirm (an item naming none), all or none."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"items": [{"ticket_id": "A-1", "version": "0"}, {"ticket_id": "A-2", "version": "0", "category": "drainage"}],
         "note": "批量确认"}]})

    items: list[BulkItem] = Field(min_length=1, max_length=500)
    note: str | None = Field(None, max_length=2_000, description="Stored with each correction.")


class BulkCorrectionPublic(CorrectionPublic):
    ticket_id: str


class BulkPublic(BaseModel):
    corrections: list[BulkCorrectionPublic] = Field(description="One per item, in order, each audited on its own.")
    summary: dict[str, Any] = Field(description="confirmed, corrected, and changes per field (from→to: count).")


class BulkConflict(BaseModel):
    ticket_id: str
    seen: str = Field(description="The version the item named.")
    version: str = Field(description="The version now.")
    labels: LabelsPublic = Field(description="The labels in force now.")


class BulkConflicts(BaseModel):
    conflicts: list[BulkConflict]


class BulkStalePublic(ErrorPublic):
    """A 409: tickets changed since the versions named (`current.conflicts`); nothing was written."""

    current: BulkConflicts
