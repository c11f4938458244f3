"""Incidents (并单) and hot spots: GET /v1/incidents, /v1/incidents/{id}, /v1/hotspots; POST /v1/tickets/{id}/split.

Plain ``def`` routes: FastAPI runs them in its thread pool, so database calls never block the loop.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Path, Query

from ..auth import StaffUser
from ..deps import ServiceDep
from ..errors import ApiError
from ..incident_schemas import HotspotsPublic, IncidentPublic, IncidentWithTicketsPublic, SplitCreate, SplitPublic
from ..openapi import errors
from ..store import NotFound, Unsplittable

router = APIRouter(prefix="/v1", tags=["incidents"])
log = logging.getLogger("triage.service")


@router.get("/incidents", response_model=list[IncidentPublic],
            responses=errors(401, 403, 422, 503, _422="`min_members` or `limit` is not an integer in its range."))
def open_incidents(service: ServiceDep, _who: StaffUser,
                   min_members: int = Query(2, ge=1, le=10_000, description="Only incidents with this many "
                                            "tickets or more (1: every ticket's, merged or not)."),
                   limit: int = Query(100, ge=1, le=1_000, description="How many incidents.")) -> list[dict]:
    """Open incidents (reports merged as one problem at one place): member count, first and last report, place,
    category; the most recently reported first."""
    return service.store.open_incidents(min_members=min_members, limit=limit)


@router.get("/incidents/{incident_id}", response_model=IncidentWithTicketsPublic,
            responses=errors(401, 403, 404, 422, 503, _404="No incident has this id.",
                             _422="The id is not an integer from 1 to 2147483647."))
def incident(service: ServiceDep, _who: StaffUser,
             incident_id: int = Path(ge=1, le=2_147_483_647, description="The incident's id.")) -> dict:
    """An incident with its tickets: how each joined (opened, merged by the rule, split by staff), and those split
    out, with who split them, when and why."""
    try:
        return service.store.incident(incident_id)
    except NotFound:
        raise ApiError(404, f"No incident {incident_id}.", f"事件 {incident_id} 不存在。") from None


@router.post("/tickets/{ticket_id}/split", status_code=201, response_model=SplitPublic,
             responses=errors(401, 403, 404, 409, 413, 415, 422, 503, _404="No stored ticket has this id.",
                              _409="The ticket is alone in its incident, or was stored without merging.",
                              _422="The note is over 2,000 characters, or the body is not a JSON object."))
def split(ticket_id: str, service: ServiceDep, who: StaffUser, body: SplitCreate | None = None) -> dict:
    """Take a wrongly merged ticket out of its incident into one of its own; the old membership is kept, ended,
    with who split it, when and why."""
    note = body.note if body else None
    try:
        done = service.store.split(ticket_id, by=who.name, note=note)
    except NotFound:
        raise ApiError(404, f"No ticket {ticket_id!r}.", f"工单 {ticket_id!r} 不存在。") from None
    except Unsplittable as e:
        raise ApiError(409, f"{e}; there is nothing to split it from.", f"工单 {ticket_id!r} 未与其他工单合并，"
                       "无需拆分。") from None
    log.info("incident split: ticket %s from incident %s to %s by %s", ticket_id, done["from_incident"],
             done["incident_id"], who.name)
    return done


@router.get("/hotspots", response_model=HotspotsPublic,
            responses=errors(401, 403, 422, 503, _422="`days` is not an integer from 1 to 366."))
def hotspots(service: ServiceDep, _who: StaffUser,
             days: int = Query(7, ge=1, le=366, description="The window, in days up to now.")) -> dict:
    """Hot spots: tickets by place × category over the last `days` days, with the change from the `days` before."""
    return service.store.hotspots(days)
