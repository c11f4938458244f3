"""Bodies of the staff and admin API: corrections, tickets, the review queue, models and retraining jobs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from triage.labels import CATEGORIES, ROUTES, URGENCIES

__all__ = ["CorrectionCreate", "CorrectionPublic", "JobPublic", "ModelPublic", "QueueItemPublic", "TicketPublic"]

Category = Literal[CATEGORIES]  # type: ignore[valid-type]
Urgency = Literal[URGENCIES]  # type: ignore[valid-type]
Route = Literal[ROUTES]  # type: ignore[valid-type]


class CorrectionCreate(BaseModel):
    """New labels for a ticket: any of category, urgency, route (codes of LABELS.md), and a note."""

    category: Category | None = Field(None, description="water, gas, drainage, parking, lighting or other.")
    urgency: Urgency | None = Field(None, description="emergency, high or normal.")
    route: Route | None = Field(None, description="Code of the responsible party.")
    note: str | None = Field(None, max_length=2_000, description="Why, for the next reviewer.")


class Change(BaseModel):
    from_: str | None = Field(alias="from")
    to: str


class CorrectionPublic(BaseModel):
    id: int
    changes: dict[str, Change] = Field(description="Each corrected field: from what, to what.")
    annotator: str = Field(description="Name of the API key that made the correction.")
    note: str | None
    created_at: str
    version: str | None = Field(None, description="The ticket's version after this correction (also the ETag).")


class PredictionPublic(BaseModel):
    model_version: str
    category: str
    categories: list[str]
    urgency: str
    route: str
    confidence: float
    margin: float = Field(description="Top category probability minus the runner-up's.")
    needs_review: bool
    explanation: dict[str, Any]
    created_at: str


class TicketPublic(BaseModel):
    id: str
    text: str
    channel: str | None
    received_at: str
    labels: dict[str, str | None] = Field(description="The labels in force: the latest prediction, corrected.")
    version: str = Field(description="The ticket's version (also the ETag); a correction sent with it in "
                                     "If-Match is refused with 412 when someone corrected the ticket since.")
    predictions: list[PredictionPublic]
    corrections: list[CorrectionPublic]


class QueueItemPublic(BaseModel):
    id: str
    text: str
    channel: str | None
    received_at: str
    prediction: PredictionPublic
    version: str = Field(description="The ticket's version as listed: send it in If-Match with the correction.")


class ModelPublic(BaseModel):
    version: str
    active: bool
    created: str | None
    metrics: dict[str, Any] = Field(description="Figures per evaluation set (heldout, dev).")
    damaged: str | None = Field(None, description="Why the version's meta.json cannot be read (then no figures).")
    changed_data_files: list[str] = Field([], description="Shipped data files that differ from those its figures "
                                          "were measured with (cues, rules, policy, scope, spelling, user dictionary).")


class JobPublic(BaseModel):
    id: int
    status: str = Field(description="queued, running, promoted, rejected or failed.")
    progress: str
    requested_by: str
    active_version: str | None
    candidate_version: str | None
    report: dict[str, Any] | None = Field(description="Both models' figures and the gate's reasons.")
    created_at: str
    finished_at: str | None
