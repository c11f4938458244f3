"""POST /v1/triage and /v1/triage/batch."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from triage import TriageResult, mask_pii

from ..auth import IntakeUser
from ..deps import Service, ServiceDep
from ..errors import ApiError
from ..schemas import ErrorPublic, TriageBatchCreate, TriageBatchPublic, TriageCreate, TriagePublic

router = APIRouter(prefix="/v1", tags=["triage"])

_ERRORS = {401: {"model": ErrorPublic, "description": "Missing or unknown API key."},
           403: {"model": ErrorPublic, "description": "The key's role may not triage."},
           413: {"model": ErrorPublic, "description": "Text or batch too large."},
           415: {"model": ErrorPublic, "description": "Body is not JSON."},
           422: {"model": ErrorPublic, "description": "Invalid request."}}


def _public(result: TriageResult, caller_id: object, service: Service, now: datetime) -> dict[str, Any]:
    body = result.as_dict()
    body["id"] = None if caller_id is None else str(caller_id)
    body["deadline"] = service.deadlines.due(result.urgency, now).isoformat(timespec="seconds")
    return body


async def _store(service: Service, items: list[tuple[str | None, str, str | None]],
                 results: list[TriageResult]) -> list[str]:
    """Store tickets and their predictions before answering; ticket ids default to new UUIDs."""
    tickets = [{"id": caller_id or uuid.uuid4().hex, "text": text, "channel": channel}
               for caller_id, text, channel in items]
    await run_in_threadpool(service.store.save_triaged, tickets, [r.as_dict() for r in results])
    return [t["id"] for t in tickets]


def _json(body: dict[str, Any]) -> Response:
    """Serialise once; the response model above documents the shape (tests check it)."""
    return Response(json.dumps(body, ensure_ascii=False).encode(), media_type="application/json")


def _check_length(text: str, service: Service, field: str) -> None:
    limit = service.settings.max_text_chars
    if len(text) > limit:
        raise ApiError(413, f"{field}: longer than {limit} characters", f"{field}：超过 {limit} 个字符", fields=[field])


@router.post("/triage", response_model=TriagePublic, responses=_ERRORS)
async def triage_one(body: TriageCreate, request: Request, service: ServiceDep, _who: IntakeUser) -> Response:
    """Triage one complaint: category, urgency, responsible party, deadline and explanation; store it if asked."""
    _check_length(body.text, service, "text")
    now = datetime.now(ZoneInfo(service.settings.timezone))
    [result] = await service.batcher.triage([body.text])
    caller_id = None if body.id is None else str(body.id)
    if body.store or service.settings.store_all:
        [caller_id] = await _store(service, [(caller_id, body.text, body.channel)], [result])
    service.metrics.predictions.labels(result.category, result.urgency, result.route).inc()
    if service.settings.log_requests:  # masking costs as much as a small part of inference: only when logged
        request.scope["state"]["log"] = {"text": mask_pii(body.text[:200]), "category": result.category,
                                         "urgency": result.urgency, "route": result.route}
    return _json(_public(result, caller_id, service, now))


@router.post("/triage/batch", response_model=TriageBatchPublic, responses=_ERRORS)
async def triage_batch(body: TriageBatchCreate, request: Request, service: ServiceDep, _who: IntakeUser) -> Response:
    """Triage up to 1,000 complaints in one call; results come back in the same order; store them if asked."""
    limit = service.settings.max_batch_items
    if len(body.items) > limit:
        raise ApiError(413, f"items: more than {limit}", f"items：超过 {limit} 条", fields=["items"])
    for i, item in enumerate(body.items):
        _check_length(item.text, service, f"items.{i}.text")
    now = datetime.now(ZoneInfo(service.settings.timezone))
    results = await service.batcher.triage([item.text for item in body.items])
    ids: list[str | None] = [None if item.id is None else str(item.id) for item in body.items]
    if body.store or service.settings.store_all:
        ids = list(await _store(service, [(i, item.text, item.channel) for i, item in zip(ids, body.items,
                                                                                          strict=True)], results))
    for r in results:
        service.metrics.predictions.labels(r.category, r.urgency, r.route).inc()
    request.scope["state"]["log"] = {"items": len(results)}
    return _json({"results": [_public(r, i, service, now) for r, i in zip(results, ids, strict=True)]})
