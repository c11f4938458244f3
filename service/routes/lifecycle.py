"""A ticket's life after triage: the transition table, a ticket's state and history, its steps and measures.

Plain ``def`` routes: FastAPI runs them in its thread pool, so database calls never block the loop.
A unit's key reaches only the tickets its unit (or a unit below it) holds; staff and admins reach all.
"""

from __future__ import annotations

from fastapi import APIRouter

from triage.lifecycle import SATISFACTION

from ..auth import UnitUser
from ..deps import ServiceDep
from ..life_errors import caller_of, refusals
from ..lifecycle_schemas import (
    LifePublic,
    RectificationCreate,
    RectificationPublic,
    TableOfStepsPublic,
    TransitionCreate,
)
from ..openapi import errors

router = APIRouter(prefix="/v1", tags=["lifecycle"])

_403 = "The key's role is below unit, the ticket is not held by the unit key's unit (nor a unit below it), or the " \
       "step is one only the dispatch desk takes."
_404 = "No stored ticket has this id."


@router.get("/lifecycle", response_model=TableOfStepsPublic, responses=errors(401, 403, 503))
def table(service: ServiceDep, _who: UnitUser) -> dict:
    """The states, the actions between them (who takes each, what it needs), the 回访 answers and the deadlines."""
    life = service.life
    return {**life.machine.public(), "satisfaction": SATISFACTION, "deadlines": life.deadlines.table(),
            "calendar": life.deadlines.calendar}


@router.get("/tickets/{ticket_id}/lifecycle", response_model=LifePublic,
            responses=errors(401, 403, 404, 503, _403=_403, _404=_404))
def life(ticket_id: str, service: ServiceDep, who: UnitUser) -> dict:
    """A ticket's state, unit, deadline (time left, overdue), measures, progress and every step of its life."""
    with refusals(ticket_id):
        return service.life.view(ticket_id, caller_of(who))


@router.post("/tickets/{ticket_id}/transitions", response_model=LifePublic,
             responses=errors(401, 403, 404, 409, 413, 415, 422, 503, _403=_403, _404=_404,
                              _409="The action is not allowed in the ticket's state (code illegal_transition; "
                                   "`current.state` names it), or the ticket took another step since `version` "
                                   "(code stale_version; `current` gives the state and version now). Nothing "
                                   "was written.",
                              _422="The body is not a step: an unknown action, unit or answer; a unit or a "
                                   "satisfaction the action does not take; or the action needs what was not "
                                   "given (a unit, a note, a measure recorded first, a satisfaction, a last 回访 "
                                   "of dissatisfied)."))
def step(ticket_id: str, body: TransitionCreate, service: ServiceDep, who: UnitUser) -> dict:
    """Take one step of the ticket's life (dispatch, accept, return, redispatch, suspend, resume, cannot_solve,
    escalate, close, visit, reopen); its history records who, when, from what, to what and why."""
    with refusals(ticket_id):
        return service.life.act(ticket_id, body.action, caller_of(who), version=body.version, unit=body.unit,
                                note=body.note, satisfaction=body.satisfaction)


@router.post("/tickets/{ticket_id}/rectifications", status_code=201, response_model=RectificationPublic,
             responses=errors(401, 403, 404, 413, 415, 422, 503, _403=_403, _404=_404,
                              _422="`kind` is not measure or progress, or `text` is blank or over 2,000 "
                                   "characters."))
def rectify(ticket_id: str, body: RectificationCreate, service: ServiceDep, who: UnitUser) -> dict:
    """Record a 整改措施 (measure: closing needs one) or a 进展 (progress) note on a ticket."""
    with refusals(ticket_id):
        return service.life.record(ticket_id, body.kind, body.text, caller_of(who))
