"""The staff queue: filter, search, sort, count and page the tickets, for GET /v1/queue and the page /ui.

The store hands over one light row per ticket received in the date range and matching the search
(:meth:`~service.store.queue.QueueRows.queue_rows`); here each row gets its running deadline, then
the filters pick rows, the facets count them and the sort orders them. A facet's counts are made
with every *other* filter applied, so they say how many tickets choosing that value would show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from .store.tables import utc_text

if TYPE_CHECKING:
    from .deps import Service

__all__ = ["FACETS", "SORTS", "QueueFilter", "list_queue"]

#: The facets a queue is filtered and counted by: the name in the URL and the row's field.
FACETS = ("category", "urgency", "route", "unit", "state", "overdue", "channel", "model_version", "needs_review",
          "reviewed")
SORTS = ("priority", "deadline", "urgency", "confidence", "age", "newest")
_FIRST_DAY, _LAST_DAY = date(1970, 1, 1), date(9000, 12, 31)  # days a window may name (no calendar overflow)
_URGENCY_RANK = {"emergency": 0, "high": 1, "normal": 2}


class QueueFilter(BaseModel):
    """What a queue view shows; every field is a URL query parameter, so a view can be shared by its address."""

    category: list[str] = Field([], description="Categories in force (any of them).")
    urgency: list[str] = Field([], description="Urgencies in force.")
    route: list[str] = Field([], description="Route codes in force.")
    unit: list[str] = Field([], description="Unit codes: the unit holding the ticket, or else the one named by triage.")
    state: list[str] = Field([], description="Lifecycle states.")
    overdue: Literal["yes", "no", ""] = Field("", description="Past the deadline running now, or not.")
    channel: list[str] = Field([], description="Intake channels.")
    model_version: list[str] = Field([], description="Model versions of the latest prediction.")
    needs_review: Literal["yes", "no", ""] = Field("", description="Whether triage flagged the answer for review.")
    reviewed: Literal["yes", "no", ""] = Field("", description="Whether staff corrected or confirmed it.")
    date_from: date | None = Field(None, alias="from", ge=_FIRST_DAY, le=_LAST_DAY,
                                   description="Received on or after this day (city time).")
    date_to: date | None = Field(None, alias="to", ge=_FIRST_DAY, le=_LAST_DAY,
                                 description="Received on or before this day (city time).")
    q: str = Field("", max_length=200, description="Search the masked text: every space-separated term must occur.")
    sort: Literal["priority", "deadline", "urgency", "confidence", "age", "newest"] = Field(
        "priority", description="priority: flagged, then least confident; deadline: soonest first; urgency: "
        "emergency first; confidence: least first; age: oldest first; newest: newest first.")
    limit: int = Field(50, ge=1, le=500, description="Tickets per page.")
    offset: int = Field(0, ge=0, le=1_000_000, description="Tickets to skip.")

    model_config = {"populate_by_name": True, "extra": "forbid"}


def _window(f: QueueFilter, service: Service, now: datetime) -> tuple[datetime, datetime]:
    """The received-at range in UTC terms: the filter's days in city time, by default the last 30 days."""
    tz = service.life.tz
    until = datetime.combine(f.date_to + timedelta(days=1), time(), tz) if f.date_to else now + timedelta(days=1)
    since = datetime.combine(f.date_from, time(), tz) if f.date_from else min(until, now) - timedelta(days=30)
    return since, until


def _with_deadline(row: dict[str, Any], service: Service, now: datetime) -> dict[str, Any]:
    """The row with ``due`` (the deadline running now), ``time_left_seconds`` and ``overdue``, as
    :func:`triage.lifecycle.deadline_status` counts them (the text of the deadline is made for the page shown)."""
    life = service.life
    due = row["deadline"] or life.deadlines.due(row["labels"]["urgency"] or "normal",
                                                row["received_at"].astimezone(life.tz))
    if row["closed_at"] is not None:
        left, overdue = None, row["closed_at"] > due
    else:
        left = int((due - (row["suspended_at"] or now)).total_seconds())
        overdue = left < 0
    row.update(due=due, time_left_seconds=left, overdue=overdue)
    return row


def _value(row: dict[str, Any], facet: str) -> str:
    if facet in ("category", "urgency", "route"):
        return row["labels"][facet] or ""
    if facet in ("overdue", "needs_review", "reviewed"):
        return "yes" if row[facet] else "no"
    return row[facet] or ""


def _tests(f: QueueFilter) -> dict[str, Callable[[dict[str, Any]], bool]]:
    """One test per facet the filter restricts."""
    tests: dict[str, Callable[[dict[str, Any]], bool]] = {}
    for facet in FACETS:
        wanted = getattr(f, facet)
        if wanted:
            allowed = set(wanted) if isinstance(wanted, list) else {wanted}
            tests[facet] = lambda row, facet=facet, allowed=allowed: _value(row, facet) in allowed
    return tests


_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "priority": lambda r: (r["reviewed"], not r["needs_review"], r["review_confidence"], r["received_at"], r["id"]),
    "deadline": lambda r: (r["time_left_seconds"] is None, r["time_left_seconds"] or 0, r["received_at"], r["id"]),
    "urgency": lambda r: (_URGENCY_RANK.get(r["labels"]["urgency"], 3), r["received_at"], r["id"]),
    "confidence": lambda r: (r["review_confidence"], r["received_at"], r["id"]),
    "age": lambda r: (r["received_at"], r["id"]),
}


def _order(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    if sort == "newest":
        return sorted(rows, key=_KEYS["age"], reverse=True)
    return sorted(rows, key=_KEYS[sort])


def list_queue(service: Service, f: QueueFilter) -> dict[str, Any]:
    """The page of tickets the filter picks, how many it picks in all, and the counts of every facet."""
    now = service.life.now()
    since, until = _window(f, service, now)
    rows = [_with_deadline(r, service, now) for r in service.store.queue_rows(since, until, f.q)]
    tests = _tests(f)
    counts: dict[str, Counter[str]] = {facet: Counter() for facet in FACETS}
    picked = []
    for row in rows:
        failed = [facet for facet, test in tests.items() if not test(row)]
        if not failed:
            picked.append(row)
        for facet in FACETS if not failed else failed if len(failed) == 1 else ():
            counts[facet][_value(row, facet)] += 1
    page = _order(picked, f.sort)[f.offset:f.offset + f.limit]
    details = service.store.queue_items([r["id"] for r in page])
    items = [_item(r, details[r["id"]], service.life.tz) for r in page if r["id"] in details]
    return {"total": len(picked), "offset": f.offset, "limit": f.limit, "items": items,
            "counts": {facet: dict(c.most_common()) for facet, c in counts.items()},
            "window": {"from": since.isoformat(timespec="seconds"), "to": until.isoformat(timespec="seconds")}}


def _item(row: dict[str, Any], detail: dict[str, Any], tz: Any) -> dict[str, Any]:
    keep = ("id", "channel", "model_version", "labels", "predicted", "confidence", "needs_review", "unit", "state",
            "time_left_seconds", "overdue", "life_version", "version", "reviewed", "reviewer")
    return {**{k: row[k] for k in keep}, "deadline": row["due"].astimezone(tz).isoformat(timespec="seconds"),
            "received_at": utc_text(row["received_at"]), "text": detail["text"], "prediction": detail["prediction"]}
