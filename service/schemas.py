"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator

__all__ = ["BatchItem", "BatchItemError", "ErrorPublic", "HealthPublic", "TriageBatchCreate", "TriageBatchPublic",
           "TriageCreate", "TriagePublic"]

_EXAMPLE = "三号楼楼道里的水管爆了，水流得满地都是，楼里没有物业没人管。"


CallerId = Annotated[str, StringConstraints(max_length=128)] | int


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("text is empty")
    return value


class TriageCreate(BaseModel):
    """One complaint. Unknown fields are ignored."""

    text: str = Field(description="The complaint, as recorded (up to 10,000 characters).", examples=[_EXAMPLE])
    id: CallerId | None = Field(None, description="The caller's own id for this complaint (up to 128 characters), "
                                "echoed back. Stored, an id names one complaint: the same id and text again "
                                "returns the stored answer (a safe retry), the same id with another text is 409.")
    channel: str | None = Field(None, max_length=64, description="Where it came from: hotline, web, app …")
    store: StrictBool = Field(False, description="Keep the ticket and its prediction for staff review (true or "
                              "false; 0, 1 and strings are refused).")

    _check_text = field_validator("text")(_not_blank)


class BatchItem(BaseModel):
    """One complaint of a batch, checked on its own: a bad item gets its error in its place."""

    text: str = Field(description="The complaint (not empty, up to 10,000 characters).")
    id: CallerId | None = Field(None, description="The caller's own id, echoed back (the ticket id if stored).")
    channel: str | None = Field(None, max_length=64, description="Where it came from.")

    _check_text = field_validator("text")(_not_blank)


class TriageBatchCreate(BaseModel):
    """Up to 1,000 complaints, answered in the same order. Each item is checked on its own."""

    items: list[BatchItem | dict[str, Any]] = Field(
        min_length=1, description="The complaints (1 to 1,000), each a BatchItem; an item that is not one gets an "
        "error in its place in results, and the others are answered.")
    store: StrictBool = Field(False, description="Keep the tickets and their predictions for staff review.")


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str
    message_zh: str
    fields: list[str]


class TriagePublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "A-1024", "category": "water", "categories": ["water"], "urgency": "emergency",
        "route": "community", "route_name": "社区居委会", "confidence": 0.97, "needs_review": False,
        "explanation": {"route": {"rules": ["R2-water-compound", "R7-no-manager"]}},
        "deadline": "2026-11-21T12:30:00+08:00", "model_version": "20261121-101500"}]})

    id: str | None = Field(description="The caller's id, if one was sent; the ticket id when stored.")
    category: str = Field(description="water, gas, drainage, parking, lighting or other.")
    categories: list[str] = Field(description="Every category the text raises, primary first.")
    urgency: str = Field(description="emergency, high or normal.")
    route: str = Field(description="Code of the responsible party.")
    route_name: str = Field(description="Chinese name of the responsible party.")
    confidence: float = Field(description="Probability of the category.")
    needs_review: bool = Field(description="True when a person should check the answer: the category, urgency or route "
                                 "confidence is below its review threshold (explanation.review says which).")
    explanation: dict[str, Any] = Field(description="Rules that fired and the words they matched.")
    deadline: str = Field(description="ISO time by which this urgency must be handled.")
    model_version: str


class BatchItemError(BaseModel):
    id: str | None = Field(description="The item's id, if it had a usable one.")
    error: ErrorDetail = Field(description="Why this item was not answered (fields are named items.N.field).")


class TriageBatchPublic(BaseModel):
    results: list[TriagePublic | BatchItemError] = Field(description="One per item, in order: an answer or an error.")
    failed: int = Field(0, description="How many items got an error instead of an answer.")


class HealthPublic(BaseModel):
    status: str
    model_version: str
    uptime_seconds: float
    worker_pid: int = Field(description="The worker process that answered.")
    data_files_changed: list[str] = Field([], description="Data files (cues, rules, policy, scope, spelling, user "
                                          "dictionary) that differ from those the model's figures were measured "
                                          "with; GET /v1/model gives both hashes.")


class ErrorPublic(BaseModel):
    error: ErrorDetail
    request_id: str | None
