"""The ledger (台账) from the store: entries of the tickets received in a period, as the caller may see them.

Shared by ``GET /v1/ledger``, ``GET /v1/ledger/summary`` and ``triage ledger export``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from triage.lifecycle.ledger import ledger_row, summary

from .life_view import deadline_of, public_life, unit_public
from .lifecycle import Caller, Life

__all__ = ["entries", "ledger_rows", "period", "week_summary"]


def period(life: Life, start: date | None, end: date | None, *, week: bool = False) -> tuple[datetime, datetime]:
    """[start of ``start``, end of ``end``) in the city's time zone. Without dates: today, or (``week``) the
    week (Monday to Sunday) of ``start`` or of today."""
    today = life.now().date()
    if week and end is None:
        monday = (start or today) - timedelta(days=(start or today).weekday())
        start, end = monday, monday + timedelta(days=6)
    start = start or end or today
    end = end or start
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    return (datetime.combine(start, time(), life.tz), datetime.combine(end + timedelta(days=1), time(), life.tz))


def _step_line(step: dict[str, Any], life: Life) -> str:
    at = datetime.fromisoformat(step["at"]).astimezone(life.tz).strftime("%Y-%m-%d %H:%M")
    line = f"{at} {step['action_name']}：{step['from_name']}→{step['to_name']}"
    if step["to_unit"] and step["to_unit"] != step["from_unit"]:
        line += f"，交{unit_public(life, step['to_unit'])['name']}"
    if step["satisfaction_name"]:
        line += f"，{step['satisfaction_name']}"
    if step["note"]:
        line += f"（{step['note']}）"
    return line + f" [{step['actor']}]"


def entries(life: Life, caller: Caller, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    """The ledger entries of the tickets received in [start, end) that ``caller`` may see."""
    for found in life.store.lives(since=start, until=end):
        if not life.sees(caller, found["unit_code"]):
            continue
        shown = public_life(found, life)
        yield {"id": found["id"], "channel": found["channel"], "received_at": found["received_at"].astimezone(life.tz),
               "text": found["text"], "category": shown["category"], "urgency": shown["urgency"],
               "unit_code": found["unit_code"], "unit_name": (shown["unit"] or {}).get("name"),
               "level": found["level"], "state": found["state"], "state_name": shown["state_name"],
               "measures": [m["text"] for m in shown["measures"]], "progress": [p["text"] for p in shown["progress"]],
               "deadline": deadline_of(found, life).astimezone(life.tz), "overdue": shown["overdue"],
               "satisfaction": found["satisfaction"], "satisfaction_name": shown["satisfaction_name"],
               "steps": [_step_line(s, life) for s in shown["history"]],
               "returned_by": [s["from_unit"] for s in shown["history"] if s["action"] == "return" and s["from_unit"]]}


def ledger_rows(life: Life, caller: Caller, start: datetime, end: datetime) -> list[dict[str, str]]:
    return [ledger_row(e) for e in entries(life, caller, start, end)]


def week_summary(life: Life, caller: Caller, start: datetime, end: datetime) -> dict[str, Any]:
    return summary(entries(life, caller, start, end), start, end)
