"""Bodies of the staff and admin API: corrections, tickets, the review queue, models and retraining jobs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .schemas import Category, ErrorPublic, PlacePublic, RouteCode, UnitPublic, Urgency

__all__ = ["CorrectionCreate", "CorrectionPublic", "JobPublic", "ModelPublic", "QueueItemPublic", "StalePublic",
           "TicketPublic"]

LabelField = Literal["category", "urgency", "route"]
Label = Category | Urgency | RouteCode

#: At least one of the three labels, present and not null (the server answers 422 otherwise).
_SOME_LABEL = [{"required": [field], "properties": {field: {"type": "string"}}}
               for field in ("category", "urgency", "route")]


class CorrectionCreate(BaseModel):
    """New labels for a ticket: at least one of category, urgency, route (codes of LABELS.md), and a note."""

    model_config = ConfigDict(json_schema_extra={"anyOf": _SOME_LABEL, "examples": [
        {"category": "drainage", "note": "地面积水来自雨水井，不是供水管"}, {"urgency": "emergency"}]})

    category: Category | None = Field(None, description="The right category.")
    urgency: Urgency | None = Field(None, description="The right urgency.")
    route: RouteCode | None = Field(None, description="The right responsible party.")
    note: str | None = Field(None, max_length=2_000, description="Why, for the next reviewer.")


class LabelsPublic(BaseModel):
    category: Category | None
    urgency: Urgency | None
    route: RouteCode | None


class StaleLabels(BaseModel):
    version: str = Field(description="The ticket's version now (also in the ETag header).")
    labels: LabelsPublic = Field(description="The labels in force now.")


class StalePublic(ErrorPublic):
    """A 412: the error, and what is stored now, so that the reviewer decides again knowing it."""

    current: StaleLabels


class Change(BaseModel):
    from_: Label | None = Field(alias="from", description="The label in force before (null: none was).")
    to: Label


class CorrectionPublic(BaseModel):
    id: int
    changes: dict[LabelField, Change] = Field(description="Each corrected field: from what, to what.")
    annotator: str = Field(description="Name of the API key that made the correction.")
    note: str | None
    created_at: str
    version: str | None = Field(None, description="The ticket's version after this correction (also the ETag).")


class PredictionPublic(BaseModel):
    model_version: str
    category: Category
    categories: list[Category]
    urgency: Urgency
    route: RouteCode
    confidence: float
    margin: float = Field(description="Top category probability minus the runner-up's.")
    needs_review: bool
    explanation: dict[str, Any]
    place: PlacePublic | None = Field(None, description="The place the text named (null before the dispatch "
                                      "directory, or with none imported).")
    unit: UnitPublic | None = Field(None, description="The unit the dispatch directory named, or null.")
    unit_reason: str = Field("", description="Why this unit, or why none.")
    created_at: str


class TicketPublic(BaseModel):
    id: str
    text: str
    channel: str | None
    received_at: str
    labels: LabelsPublic = Field(description="The labels in force: the latest prediction, corrected.")
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
    status: Literal["queued", "running", "promoted", "rejected", "failed"]
    progress: str
    requested_by: str
    active_version: str | None
    candidate_version: str | None
    report: dict[str, Any] | None = Field(description="Both models' figures and the gate's reasons.")
    created_at: str
    finished_at: str | None
