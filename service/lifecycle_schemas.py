"""Bodies of the lifecycle and ledger API: steps, measures, a ticket's life, the ledger and its summary."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .schemas import Category, Urgency

__all__ = ["LedgerPublic", "LifePublic", "RectificationCreate", "RectificationPublic", "SummaryPublic",
           "TableOfStepsPublic", "TransitionCreate"]

Satisfaction = Literal["satisfied", "basically_satisfied", "dissatisfied"]


def _not_blank(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise ValueError("is blank")
    return value


class TransitionCreate(BaseModel):
    """One step of a ticket's life: an action of the transition table (``GET /v1/lifecycle``)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"action": "dispatch", "version": 0, "unit": "SQ-XFL"},
        {"action": "return", "version": 1, "note": "不属于本社区辖区"},
        {"action": "visit", "version": 5, "satisfaction": "satisfied"}]})

    action: str = Field(min_length=1, max_length=32, description="dispatch, accept, return, redispatch, suspend, "
                        "resume, cannot_solve, escalate, close, visit or reopen.")
    version: int = Field(ge=0, description="The ticket's lifecycle version as read; another step since makes this "
                         "one stale (409, nothing written).")
    unit: str | None = Field(None, min_length=1, max_length=64, description="The unit to give the ticket to "
                             "(dispatch, redispatch).")
    note: str | None = Field(None, max_length=2_000, description="Why: the reason a return, suspension or "
                             "cannot_solve needs.")
    satisfaction: Satisfaction | None = Field(None, description="The caller's answer at a 回访 (visit).")

    _check_note = field_validator("note")(_not_blank)


class RectificationCreate(BaseModel):
    """A 整改措施 (measure) or 进展 (progress) note by the unit holding the ticket."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"kind": "measure", "text": "已更换破损阀门并试压"}]})

    kind: Literal["measure", "progress"] = Field(description="measure (整改措施) or progress (进展).")
    text: str = Field(min_length=1, max_length=2_000, description="What was done or decided.",
                      json_schema_extra={"pattern": r"\S"})

    _check_text = field_validator("text")(_not_blank)


class RectificationPublic(BaseModel):
    id: int
    kind: Literal["measure", "progress"]
    text: str
    unit_code: str | None
    actor: str = Field(description="Name of the key that recorded it.")
    at: str = Field(json_schema_extra={"format": "date-time"})


class UnitPublic(BaseModel):
    code: str
    name: str
    level: str | None
    level_name: str | None


class StepPublic(BaseModel):
    id: int
    action: str
    action_name: str
    from_: str = Field(alias="from")
    from_name: str
    to: str
    to_name: str
    from_unit: str | None
    to_unit: str | None
    actor: str
    actor_role: str = Field(description="unit, staff, admin or system (the escalation).")
    note: str | None
    satisfaction: Satisfaction | None
    satisfaction_name: str | None
    deadline: str | None = Field(description="The deadline the step set.")
    at: str


class LifePublic(BaseModel):
    """Where a ticket is in its life, its deadline, and how it got there."""

    id: str
    state: str = Field(description="pending_dispatch, dispatched, in_progress, suspended, returned, closed or visited.")
    state_name: str | None = Field(description="The state in Chinese: 待派单, 已派单 …")
    version: int = Field(description="Send it back with the next step.")
    unit: UnitPublic | None = Field(description="The unit holding the ticket (none before dispatch or after a return).")
    level: str | None
    level_name: str | None
    category: Category | None
    category_name: str | None
    urgency: Urgency | None
    urgency_name: str | None
    received_at: str
    deadline: str | None = Field(description="When the unit holding it (or, before one does, the desk) must have "
                                 "handled it, in the city's time zone.")
    time_left_seconds: int | None = Field(description="Negative once the deadline has passed; none once closed.")
    overdue: bool = Field(description="Past the deadline (for a closed ticket: closed after it).")
    allowed: list[str] = Field(description="The actions the state allows.")
    satisfaction: Satisfaction | None
    satisfaction_name: str | None
    measures: list[RectificationPublic]
    progress: list[RectificationPublic]
    history: list[StepPublic] = Field(description="Every step, the first first.")


class TableOfStepsPublic(BaseModel):
    start: str
    states: list[dict[str, str]]
    actions: list[dict[str, Any]]
    satisfaction: dict[str, str]
    deadlines: dict[str, dict[str, str]] = Field(description="Per level, per urgency: the limit.")
    calendar: str


class LedgerPublic(BaseModel):
    rows: list[dict[str, Any]] = Field(description="One per ticket received in the period: the ledger's columns.")
    columns: list[str]


class SummaryPublic(BaseModel):
    period: dict[str, str]
    total: int
    by_category: dict[str, int]
    by_unit: dict[str, int]
    by_level: dict[str, int]
    by_state: dict[str, int]
    solved_at: dict[str, int] = Field(description="Closed tickets by the level that closed them: community, street, "
                                      "district.")
    overdue: int
    overdue_rate: float | None
    satisfaction: dict[str, int]
    satisfaction_rate: float | None = Field(description="满意 and 基本满意 over every 回访.")
    returns_by_unit: dict[str, int] = Field(description="Disputes (退回) counted against each unit.")
