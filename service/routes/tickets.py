"""Staff review: tickets, corrections, the review queue and the export of corrected labels.

Plain ``def`` routes: FastAPI runs them in its thread pool, so database calls never block the loop.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import StreamingResponse

from triage import mask_pii

from ..auth import StaffUser
from ..deps import ServiceDep
from ..errors import ApiError
from ..idempotency import IdempotencyHeader, idempotency_key, key_reused
from ..openapi import errors
from ..staff_schemas import CorrectionCreate, CorrectionPublic, QueueItemPublic, StalePublic, TicketPublic
from ..store import KeyReused, NotFound, Stale

router = APIRouter(prefix="/v1", tags=["review"])

_NO_TICKET = "No stored ticket has this id."


def _not_found(ticket_id: str) -> ApiError:
    return ApiError(404, f"No ticket {ticket_id!r}.", f"工单 {ticket_id!r} 不存在。")


def _etag(version: str) -> str:
    return f'"{version}"'


#: What ``_seen_version`` accepts, for the schema (a malformed If-Match stays a 400, as before).
_IF_MATCH = r'^(?:\s*\*\s*|\s*(?:W/)?"[^,]*"\s*(?:,.*)?)$'


def _seen_version(if_match: str | None) -> str | None:
    """The version an ``If-Match`` header names (None for no header or ``*``: any version)."""
    if if_match is None or if_match.strip() == "*":
        return None
    tag = if_match.split(",")[0].strip().removeprefix("W/")
    if not (len(tag) >= 2 and tag[0] == tag[-1] == '"'):
        raise ApiError(400, 'If-Match: expected an entity tag such as "3", as sent in ETag',
                       'If-Match：应为 ETag 给出的版本标记，例如 "3"', fields=["If-Match"])
    return tag[1:-1]


@router.post("/tickets/{ticket_id}/corrections", status_code=201, response_model=CorrectionPublic,
             responses={**errors(400, 401, 403, 404, 413, 415, 422, 503, _400="If-Match is not an entity tag.",
                                 _404=_NO_TICKET,
                                 _422="No label is named (at least one of category, urgency, route, not null), "
                                      "a code is not one of LABELS.md's, the note is over 2,000 characters, "
                                      "the body is not valid JSON, or not an object, or the Idempotency-Key is "
                                      "malformed or was used for another request."),
                        **errors(412, model=StalePublic, _412="The ticket was corrected since the version named "
                                 "in If-Match; `current` gives its version and labels, and nothing was written.")})
def correct(ticket_id: str, body: CorrectionCreate, response: Response, service: ServiceDep, who: StaffUser,
            if_match: Annotated[str | None, Header(description="The ETag of the ticket as read; a correction made "
                                                   "since refuses this one with 412.",
                                                   json_schema_extra={"pattern": _IF_MATCH})] = None,
            idempotency: IdempotencyHeader = None) -> dict:
    """Correct a ticket's category, urgency or route (appended to its history, never overwriting it).

    Sent again with the same ``Idempotency-Key`` (after a lost answer), it gets the first answer
    and appends nothing, even with the If-Match it had, which its own first try made stale.
    """
    labels = body.model_dump(exclude={"note"}, exclude_none=True)
    if not labels:
        raise ApiError(422, "Name at least one of category, urgency, route.",
                       "请至少更正类别、紧急程度、责任单位之一。", fields=["category", "urgency", "route"])
    request = {"ticket": ticket_id, "body": body.model_dump(mode="json"), "if_match": if_match}
    key = idempotency_key(idempotency, who, "POST /v1/tickets/{ticket_id}/corrections", request, service.settings)
    try:
        done = service.store.add_correction(ticket_id, annotator=who.name, note=body.note,
                                            if_version=_seen_version(if_match), idempotency=key, **labels)
    except NotFound:
        raise _not_found(ticket_id) from None
    except KeyReused:
        raise key_reused() from None
    except Stale as e:
        raise ApiError(412, f"Ticket {ticket_id!r} was corrected since version {_seen_version(if_match)}; "
                       "read it again and decide.",
                       f"工单 {ticket_id!r} 在您读取后已被他人更正，请查看最新标签后再决定。",
                       headers={"ETag": _etag(e.version)},
                       current={"version": e.version, "labels": e.labels}) from None
    response.headers["ETag"] = _etag(done["version"])
    return done


@router.get("/tickets/{ticket_id}", response_model=TicketPublic, responses=errors(401, 403, 404, 503, _404=_NO_TICKET))
def ticket(ticket_id: str, response: Response, service: ServiceDep, _who: StaffUser) -> dict:
    """A ticket with every prediction and its full correction history (who, when, from what, to what).

    The ``ETag`` header is the ticket's version: send it back in ``If-Match`` with a correction.
    """
    try:
        found = service.store.ticket(ticket_id)
    except NotFound:
        raise _not_found(ticket_id) from None
    response.headers["ETag"] = _etag(found["version"])
    return found


@router.get("/review-queue", response_model=list[QueueItemPublic],
            responses=errors(401, 403, 422, 503, _422="`limit` is not an integer from 1 to 500."))
def review_queue(service: ServiceDep, _who: StaffUser,
                 limit: int = Query(50, ge=1, le=500, description="How many tickets.")) -> list[dict]:
    """Stored tickets not yet reviewed: those the answer flagged first, each group by its weakest field
    confidence (category, urgency or route), ties by the closest top two categories."""
    return service.store.review_queue(limit)


@router.get("/corrections/export", response_class=StreamingResponse,
            responses=errors(401, 403, 422, 503, _403="The key's role is below staff, or `unmasked=true` comes "
                             "from a key that is not an admin's.", _422="`unmasked` is not true or false."))
def export(service: ServiceDep, who: StaffUser,
           unmasked: bool = Query(False, description="Admins only: texts without PII masking.")) -> StreamingResponse:
    """JSONL of the labels in force for every corrected ticket beside the answer that was sent (`predicted`);
    texts PII-masked unless an admin asks."""
    if unmasked and who.role != "admin":
        raise ApiError(403, "Only admins may export unmasked texts.", "只有管理员可以导出未脱敏的文本。")

    def lines() -> Iterator[bytes]:
        for row in service.store.corrected_labels():
            if not unmasked:
                row["text"] = mask_pii(row["text"])
            yield (json.dumps(row, ensure_ascii=False) + "\n").encode()

    return StreamingResponse(lines(), media_type="application/x-ndjson",
                             headers={"Content-Disposition": 'attachment; filename="corrections.jsonl"'})
