"""POST /v1/triage and /v1/triage/batch."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response

from triage import TriageResult, mask_pii

from ..deps import Service, ServiceDep
from ..errors import ApiError
from ..schemas import ErrorPublic, TriageBatchCreate, TriageBatchPublic, TriageCreate, TriagePublic

router = APIRouter(prefix="/v1", tags=["triage"])

_ERRORS = {413: {"model": ErrorPublic, "description": "Text or batch too large."},
           415: {"model": ErrorPublic, "description": "Body is not JSON."},
           422: {"model": ErrorPublic, "description": "Invalid request."}}


def _public(result: TriageResult, caller_id: object, service: Service, now: datetime) -> dict[str, Any]:
    body = result.as_dict()
    body["id"] = None if caller_id is None else str(caller_id)
    body["deadline"] = service.deadlines.due(result.urgency, now).isoformat(timespec="seconds")
    return body


def _json(body: dict[str, Any]) -> Response:
    """Serialise once; the response model above documents the shape (tests check it)."""
    return Response(json.dumps(body, ensure_ascii=False).encode(), media_type="application/json")


def _check_length(text: str, service: Service, field: str) -> None:
    limit = service.settings.max_text_chars
    if len(text) > limit:
        raise ApiError(413, f"{field}: longer than {limit} characters", f"{field}：超过 {limit} 个字符", fields=[field])


@router.post("/triage", response_model=TriagePublic, responses=_ERRORS)
async def triage_one(body: TriageCreate, request: Request, service: ServiceDep) -> Response:
    """Triage one complaint: category, urgency, responsible party, deadline and explanation."""
    _check_length(body.text, service, "text")
    now = datetime.now(ZoneInfo(service.settings.timezone))
    [result] = await service.batcher.triage([body.text])
    service.metrics.predictions.labels(result.category, result.urgency, result.route).inc()
    request.scope["state"]["log"] = {"text": mask_pii(body.text[:200]), "category": result.category,
                                     "urgency": result.urgency, "route": result.route}
    return _json(_public(result, body.id, service, now))


@router.post("/triage/batch", response_model=TriageBatchPublic, responses=_ERRORS)
async def triage_batch(body: TriageBatchCreate, request: Request, service: ServiceDep) -> Response:
    """Triage up to 1,000 complaints in one call; results come back in the same order."""
    limit = service.settings.max_batch_items
    if len(body.items) > limit:
        raise ApiError(413, f"items: more than {limit}", f"items：超过 {limit} 条", fields=["items"])
    for i, item in enumerate(body.items):
        _check_length(item.text, service, f"items.{i}.text")
    now = datetime.now(ZoneInfo(service.settings.timezone))
    results = await service.batcher.triage([item.text for item in body.items])
    for r in results:
        service.metrics.predictions.labels(r.category, r.urgency, r.route).inc()
    request.scope["state"]["log"] = {"items": len(results)}
    return _json({"results": [_public(r, item.id, service, now) for r, item in zip(results, body.items, strict=True)]})
