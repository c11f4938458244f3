"""The ledger (台账): the tickets received in a period with the columns a 社区 reports, and its summary.

A unit's key sees its own unit's tickets (and those of the units below it); texts are PII-masked.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query

from triage.lifecycle.ledger import COLUMNS

from ..auth import UnitUser
from ..deps import ServiceDep
from ..errors import ApiError
from ..ledger import ledger_rows, period, week_summary
from ..life_errors import caller_of
from ..lifecycle_schemas import LedgerPublic, SummaryPublic
from ..openapi import errors

router = APIRouter(prefix="/v1", tags=["ledger"])

_422 = "`from` or `to` is not a date (YYYY-MM-DD), or the period ends before it starts."
From = Query(None, alias="from", description="First day (YYYY-MM-DD, the city's time zone).")
To = Query(None, description="Last day, included.")


def _period(service, start: date | None, end: date | None, week: bool = False):
    try:
        return period(service.life, start, end, week=week)
    except ValueError as e:
        raise ApiError(422, f"{e}.", "时间段的结束日期早于开始日期。", fields=["from", "to"]) from None


@router.get("/ledger", response_model=LedgerPublic, responses=errors(401, 403, 422, 503, _422=_422))
def ledger(service: ServiceDep, who: UnitUser, start: date | None = From, end: date | None = To) -> dict:
    """The ledger of the tickets received from `from` to `to` (default: today), texts PII-masked."""
    since, until = _period(service, start, end)
    return {"columns": list(COLUMNS), "rows": ledger_rows(service.life, caller_of(who), since, until)}


@router.get("/ledger/summary", response_model=SummaryPublic, responses=errors(401, 403, 422, 503, _422=_422))
def ledger_summary(service: ServiceDep, who: UnitUser, start: date | None = From, end: date | None = To) -> dict:
    """Counts over a week (default: this week, Monday to Sunday; or `from` to `to`): by category, unit, level and
    state, solved at each level, overdue rate, satisfaction, disputes per unit."""
    since, until = _period(service, start, end, week=True)
    return week_summary(service.life, caller_of(who), since, until)
