"""POST /v1/triage and /v1/triage/batch."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from triage import ROUTE_NAMES, TriageResult, mask_pii, normalize

from ..auth import IntakeUser
from ..deps import Service, ServiceDep
from ..errors import ApiError, error_detail, invalid_fields
from ..idempotency import IdempotencyHeader, idempotency_key, key_reused
from ..openapi import errors
from ..schemas import BatchItem, TriageBatchCreate, TriageBatchPublic, TriageCreate, TriagePublic
from ..store import Conflict, IdempotencyKey, KeyReused

router = APIRouter(prefix="/v1", tags=["triage"])

_ONE_ERRORS = errors(
    401, 403, 409, 413, 415, 422, 503,
    _409="Stored (`store`, or TRIAGE_STORE_ALL), the `id` already names a ticket with another text.",
    _413="The body is over TRIAGE_MAX_BODY_BYTES (8 MiB), or `text` over TRIAGE_MAX_TEXT_CHARS (10,000) characters.",
    _422="`text` is missing, not a string, blank, or empty once control characters are removed; `id`, `channel` "
         "or `store` has the wrong type or length (`store` is true or false, nothing else); the body is not "
         "valid JSON, or not an object; or the Idempotency-Key is malformed or was used for another request.")
_BATCH_ERRORS = errors(
    401, 403, 413, 415, 422, 503,
    _413="The body is over TRIAGE_MAX_BODY_BYTES (8 MiB), or `items` has more than TRIAGE_MAX_BATCH_ITEMS (1,000).",
    _422="`items` is missing, empty or not a list, or `store` is not true or false; the body is not valid JSON, "
         "or not an object; or the Idempotency-Key is malformed or was used for another request. A bad item is "
         "not a 422: it gets its error in its place in `results`.")


def _public(result: TriageResult, caller_id: object, service: Service, now: datetime,
            incident_id: int | None = None) -> dict[str, Any]:
    body = result.as_dict()
    body["id"] = None if caller_id is None else str(caller_id)
    body["deadline"] = service.deadlines.due(result.urgency, now).isoformat(timespec="seconds")
    if incident_id is not None:
        body["incident_id"] = incident_id
    return body


def _stored_result(answer: dict[str, Any]) -> TriageResult:
    """The answer a stored ticket was given, as a result (its deadline counts from when it came in)."""
    return TriageResult(**{f: answer[f] for f in ("category", "categories", "urgency", "route", "confidence",
                                                  "needs_review", "explanation", "model_version")},
                        route_name=ROUTE_NAMES[answer["route"]], place=answer.get("place"), unit=answer.get("unit"),
                        unit_reason=answer.get("unit_reason") or "")


async def _store(service: Service, items: list[tuple[str | None, str, str | None]], results: list[TriageResult],
                 now: datetime, idempotency: IdempotencyKey | None,
                 ) -> list[tuple[str, TriageResult, datetime, int | None]]:
    """Store tickets and their predictions before answering; ticket ids default to new UUIDs.

    Per item: the ticket id, the answer to send, the moment its deadline counts from and the
    incident the ticket belongs to (None when stored without merging). A
    ticket id sent before with the same text gets its stored answer back; with another text,
    :class:`~service.store.Conflict` and nothing is stored. A request sent before under its
    Idempotency-Key gets the tickets stored then.
    """
    tickets = [{"id": caller_id or uuid.uuid4().hex, "text": text, "channel": channel}
               for caller_id, text, channel in items]
    try:
        stored, incidents = await run_in_threadpool(service.store.save_linked, tickets,
                                                    [r.as_dict() for r in results], now.astimezone(UTC), idempotency)
    except KeyReused:
        raise key_reused() from None
    out = []
    for ticket, result, answer in zip(tickets, results, stored, strict=True):
        if answer is None:
            out.append((ticket["id"], result, now, incidents.get(ticket["id"])))
        else:
            received = answer["received_at"]
            since = datetime.fromisoformat(received).astimezone(now.tzinfo) if received else now
            out.append((answer["id"], _stored_result(answer), since, incidents.get(answer["id"])))
    return out


def _conflict(ids: list[str], field: str = "id") -> ApiError:
    return ApiError(409, f"id: {', '.join(ids)} already names a ticket with another text; send a new id for a new "
                    "complaint", f"id：{'、'.join(ids)} 已用于另一条诉求，新诉求请换一个 id", fields=[field])


def _json(body: dict[str, Any]) -> Response:
    """Serialise once; the response model above documents the shape (tests check it)."""
    return Response(json.dumps(body, ensure_ascii=False).encode(), media_type="application/json")


def _check_length(text: str, service: Service, field: str) -> None:
    limit = service.settings.max_text_chars
    if len(text) > limit:
        raise ApiError(413, f"{field}: longer than {limit} characters", f"{field}：超过 {limit} 个字符", fields=[field])


@router.post("/triage", response_model=TriagePublic, responses=_ONE_ERRORS)
async def triage_one(body: TriageCreate, request: Request, service: ServiceDep, who: IntakeUser,
                     idempotency: IdempotencyHeader = None) -> Response:
    """Triage one complaint: category, urgency, responsible party, deadline and explanation; store it if asked.

    Stored, the request may carry an ``Idempotency-Key``: sent again with it, it gets the first
    answer (the same ticket id, deadline included) and nothing is stored twice.
    """
    _check_length(body.text, service, "text")
    now = service.life.now()
    [result] = await service.batcher.triage([body.text])
    caller_id = None if body.id is None else str(body.id)
    incident_id = None
    if body.store or service.settings.store_all:
        key = idempotency_key(idempotency, who, "POST /v1/triage", body.model_dump(mode="json"), service.settings)
        try:
            [(caller_id, result, now, incident_id)] = await _store(
                service, [(caller_id, body.text, body.channel)], [result], now, key)
        except Conflict as e:
            raise _conflict(e.ids) from None
    service.metrics.predictions.labels(result.category, result.urgency, result.route).inc()
    if service.settings.log_requests:  # masking costs as much as a small part of inference: only when logged
        request.scope["state"]["log"] = {"text": mask_pii(body.text[:200]), "category": result.category,
                                         "urgency": result.urgency, "route": result.route}
    return _json(_public(result, caller_id, service, now, incident_id))


@router.post("/triage/batch", response_model=TriageBatchPublic, responses=_BATCH_ERRORS)
async def triage_batch(body: TriageBatchCreate, request: Request, service: ServiceDep, who: IntakeUser,
                       idempotency: IdempotencyHeader = None) -> Response:
    """Triage up to 1,000 complaints in one call; results come back in the same order; store them if asked.

    Each item is checked on its own: a bad one (empty text, too long, wrong type, an id already
    used for another text) gets ``{"id", "error"}`` in its place and the others are answered;
    ``failed`` counts them. Stored, the batch may carry an ``Idempotency-Key``, as a single
    complaint may.
    """
    limit = service.settings.max_batch_items
    if len(body.items) > limit:
        raise ApiError(413, f"items: more than {limit}", f"items：超过 {limit} 条", fields=["items"])
    checked = [_checked_item(raw, i, service) for i, raw in enumerate(body.items)]
    good = [(i, item) for i, item in enumerate(checked) if isinstance(item, BatchItem)]
    out: list[dict[str, Any]] = [{"id": _raw_id(raw), "error": error_detail(item)} if isinstance(item, ApiError)
                                 else {} for raw, item in zip(body.items, checked, strict=True)]
    now = service.life.now()
    results = await service.batcher.triage([item.text for _, item in good]) if good else []
    ids: list[str | None] = [None if item.id is None else str(item.id) for _, item in good]
    answers: list[tuple[str | None, TriageResult, datetime, int | None]] = [
        (i, r, now, None) for i, r in zip(ids, results, strict=True)]
    if good and (body.store or service.settings.store_all):
        key = idempotency_key(idempotency, who, "POST /v1/triage/batch", body.model_dump(mode="json"),
                              service.settings)
        try:
            answers = list(await _store(service, [(i, item.text, item.channel)
                                                  for i, (_, item) in zip(ids, good, strict=True)], results, now, key))
        except Conflict as e:  # ids reused for other texts: those items fail, nothing of this batch is stored
            return _json(_none_stored(body, checked, out, set(e.ids)))
    for r in results:
        service.metrics.predictions.labels(r.category, r.urgency, r.route).inc()
    for (position, _), (caller_id, result, since, incident_id) in zip(good, answers, strict=True):
        out[position] = _public(result, caller_id, service, since, incident_id)
    failed = len(checked) - len(good)
    request.scope["state"]["log"] = {"items": len(checked), "failed": failed}
    return _json({"results": out, "failed": failed})


def _checked_item(raw: BatchItem | dict[str, Any], i: int, service: Service) -> BatchItem | ApiError:
    """The item, validated on its own, or the error it gets in its place."""
    try:
        item = raw if isinstance(raw, BatchItem) else BatchItem.model_validate(raw)
    except ValidationError as e:
        return invalid_fields(list(e.errors()), prefix=f"items.{i}")
    try:
        _check_length(item.text, service, f"items.{i}.text")
    except ApiError as e:
        return e
    if not normalize(item.text):
        return ApiError(422, f"items.{i}.text: text is empty once normalised", f"items.{i}.text：规范化后为空",
                        fields=[f"items.{i}.text"])
    return item


def _raw_id(raw: BatchItem | dict[str, Any]) -> str | None:
    found = raw.id if isinstance(raw, BatchItem) else raw.get("id")
    return str(found) if isinstance(found, str | int) and not isinstance(found, bool) else None


def _none_stored(body: TriageBatchCreate, checked: list[Any], out: list[dict[str, Any]], clashing: set[str]) -> dict:
    """A batch refused for reused ids: those items get the 409, the others say they were not stored."""
    skipped = ApiError(409, "Not stored: another item of this batch reuses an id; send the batch again without it.",
                       "未保存：本批次中另有条目的 id 已用于其他诉求，请去掉该条目后重发。", fields=["items"])
    for i, item in enumerate(checked):
        if isinstance(item, BatchItem):
            clash = str(item.id) in clashing
            error = _conflict([str(item.id)], f"items.{i}.id") if clash else skipped
            out[i] = {"id": _raw_id(body.items[i]), "error": error_detail(error)}
    return {"results": out, "failed": len(out)}
