"""Open311 GeoReport v2 (``/open311/v2``): civic intake clients post and follow requests with no custom code.

Keys come as ``api_key`` (a form field of the POST, a query parameter of a GET), and errors in the
spec's format (a list of ``{"code", "description"}``); :mod:`service.open311` says how requests map
onto tickets. The spec describes these endpoints, so they are left out of this service's OpenAPI schema.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..auth import Principal, key_principal
from ..deps import Service
from ..life_errors import caller_of
from ..open311 import Open311Error, error_response, service_definition, services
from ..open311_requests import checked_form, find_request, find_requests
from ..store import role_allows

router = APIRouter(prefix="/open311/v2", include_in_schema=False)

_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


async def _who(request: Request, key: str | None) -> Principal:
    who = await key_principal(request, key)
    if who is None:
        raise Open311Error(403, "api_key is missing, unknown or revoked")
    return who


async def _answer(call: Awaitable[tuple[int, Any]]) -> JSONResponse:
    try:
        status, body = await call
    except Open311Error as e:
        return error_response(e)
    return JSONResponse(body, status_code=status)


@router.get("/services.json")
async def list_services() -> JSONResponse:
    """Every service: one per category."""
    return JSONResponse(services())


@router.get("/services/{service_code}.json")
async def one_service(service_code: str) -> JSONResponse:
    """A service's definition (no extra attributes)."""
    try:
        return JSONResponse(service_definition(service_code))
    except Open311Error as e:
        return error_response(e)


async def _post(request: Request, service: Service) -> tuple[int, list[dict[str, Any]]]:
    if request.headers.get("content-type", "").split(";")[0].strip() not in _FORMS:
        raise Open311Error(400, "the body must be form-encoded (application/x-www-form-urlencoded)")
    form = await request.form()
    who = await _who(request, form.get("api_key"))
    if not role_allows(who.role, "intake"):
        raise Open311Error(403, f"a {who.role} key may not post requests")
    fields = checked_form(form, service.settings.max_text_chars)
    [result] = await service.batcher.triage([fields["text"]])
    ticket = {"id": uuid.uuid4().hex, "text": fields["text"], "channel": "open311"}
    await run_in_threadpool(service.store.save_triaged, [ticket], [result.as_dict()], service.life.clock())
    await run_in_threadpool(service.store.save_open311, ticket["id"], service_code=fields["service_code"],
                            address=fields["address"], lat=fields["lat"], long=fields["long"])
    service.metrics.predictions.labels(result.category, result.urgency, result.route).inc()
    due = service.deadlines.due(result.urgency, service.life.now()).isoformat(timespec="minutes")
    notice = f"已受理：{result.route_name}负责，办理时限 {due}"
    return 201, [{"service_request_id": ticket["id"], "service_notice": notice, "account_id": None}]


@router.post("/requests.json")
async def create_request(request: Request) -> JSONResponse:
    """Triage and store a service request (form-encoded: api_key, service_code, description, lat, long,
    address_string); answers ``[{"service_request_id", "service_notice", "account_id"}]``."""
    return await _answer(_post(request, request.app.state.service))


async def _list(request: Request, service: Service) -> tuple[int, list[dict[str, Any]]]:
    params = dict(request.query_params)
    who = await _who(request, params.get("api_key"))
    return 200, await run_in_threadpool(find_requests, service.life, caller_of(who), params)


@router.get("/requests.json")
async def list_requests(request: Request) -> JSONResponse:
    """Service requests, by service_request_id (comma-separated), service_code, status, start_date, end_date."""
    return await _answer(_list(request, request.app.state.service))


async def _one(request: Request, service: Service, request_id: str) -> tuple[int, list[dict[str, Any]]]:
    who = await _who(request, request.query_params.get("api_key"))
    return 200, await run_in_threadpool(find_request, service.life, caller_of(who), request_id)


@router.get("/requests/{service_request_id}.json")
async def one_request(request: Request, service_request_id: str) -> JSONResponse:
    """One service request, as a list of one (the spec's shape)."""
    return await _answer(_one(request, request.app.state.service, service_request_id))
