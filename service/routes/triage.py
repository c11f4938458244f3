"""POST /v1/triage and /v1/triage/batch."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request

from triage import TriageResult, mask_pii

from ..deps import BatcherDep, DeadlinesDep, MetricsDep, SettingsDep
from ..errors import ApiError
from ..schemas import ErrorPublic, TriageBatchCreate, TriageBatchPublic, TriageCreate, TriagePublic

router = APIRouter(prefix="/v1", tags=["triage"])

_ERRORS = {413: {"model": ErrorPublic, "description": "Text or batch too large."},
           415: {"model": ErrorPublic, "description": "Body is not JSON."},
           422: {"model": ErrorPublic, "description": "Invalid request."}}


def _public(result: TriageResult, caller_id: object, deadlines: DeadlinesDep, now: datetime) -> TriagePublic:
    return TriagePublic(id=None if caller_id is None else str(caller_id), **result.as_dict(),
                        deadline=deadlines.due(result.urgency, now).isoformat(timespec="seconds"))


def _check_length(text: str, settings: SettingsDep, field: str) -> None:
    if len(text) > settings.max_text_chars:
        raise ApiError(413, f"{field}: longer than {settings.max_text_chars} characters",
                       f"{field}：超过 {settings.max_text_chars} 个字符", fields=[field])


@router.post("/triage", response_model=TriagePublic, responses=_ERRORS)
async def triage_one(body: TriageCreate, request: Request, settings: SettingsDep, batcher: BatcherDep,
                     deadlines: DeadlinesDep, metrics: MetricsDep) -> TriagePublic:
    """Triage one complaint: category, urgency, responsible party, deadline and explanation."""
    _check_length(body.text, settings, "text")
    now = datetime.now(ZoneInfo(settings.timezone))
    [result] = await batcher.triage([body.text])
    metrics.predictions.labels(result.category, result.urgency, result.route).inc()
    request.scope["state"]["log"] = {"text": mask_pii(body.text[:200]), "category": result.category,
                                     "urgency": result.urgency, "route": result.route}
    return _public(result, body.id, deadlines, now)


@router.post("/triage/batch", response_model=TriageBatchPublic, responses=_ERRORS)
async def triage_batch(body: TriageBatchCreate, request: Request, settings: SettingsDep, batcher: BatcherDep,
                       deadlines: DeadlinesDep, metrics: MetricsDep) -> TriageBatchPublic:
    """Triage up to 1,000 complaints in one call; results come back in the same order."""
    if len(body.items) > settings.max_batch_items:
        raise ApiError(413, f"items: more than {settings.max_batch_items}",
                       f"items：超过 {settings.max_batch_items} 条", fields=["items"])
    for i, item in enumerate(body.items):
        _check_length(item.text, settings, f"items.{i}.text")
    now = datetime.now(ZoneInfo(settings.timezone))
    results = await batcher.triage([item.text for item in body.items])
    for r in results:
        metrics.predictions.labels(r.category, r.urgency, r.route).inc()
    request.scope["state"]["log"] = {"items": len(results)}
    return TriageBatchPublic(results=[_public(r, item.id, deadlines, now)
                                      for r, item in zip(results, body.items, strict=True)])
