"""Open311 GeoReport v2 (``/open311/v2``): civic intake clients post and follow requests with no custom code.

Keys come as ``api_key`` (a form field of the POST, a query parameter of a GET), and errors in the
spec's format (a list of ``{"code", "description"}``); :mod:`service.open311` says how requests map
onto tickets. The spec describes these endpoints, so they are left out of this service's OpenAPI schema.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from triage.labels import CATEGORIES

from ..auth import Principal, key_principal
from ..deps import Service
from ..life_errors import caller_of
from ..open311 import Open311Error, error_response, request_public, service_definition, services
from ..store import role_allows

router = APIRouter(prefix="/open311/v2", include_in_schema=False)


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


def _number(form: Any, name: str) -> float | None:
    value = (form.get(name) or "").strip()
    try:
        return float(value) if value else None
    except ValueError:
        raise Open311Error(400, f"{name}: {value!r} is not a number") from None


@router.get("/services.json")
async def list_services() -> JSONResponse:
    return JSONResponse(services())


@router.get("/services/{service_code}.json")
async def one_service(service_code: str) -> JSONResponse:
    try:
        return JSONResponse(service_definition(service_code))
    except Open311Error as e:
        return error_response(e)


async def post_request(request: Request, service: Service) -> tuple[int, list[dict[str, Any]]]:
    if request.headers.get("content-type", "").split(";")[0].strip() not in ("application/x-www-form-urlencoded",
                                                                           "multipart/form-data"):
        raise Open311Error(400, "the body must be form-encoded (application/x-www-form-urlencoded)")
    form = await request.form()
    who = await _who(request, form.get("api_key"))
    if not role_allows(who.role, "intake"):
        raise Open311Error(403, f"a {who.role} key may not post requests")
    code, text = (form.get("service_code") or "").strip(), (form.get("description") or "").strip()
    if code not in CATEGORIES:
        raise Open311Error(400, f"service_code: {code!r} is not one of {', '.join(CATEGORIES)}")
    if not text:
        raise Open311Error(400, "description: required (the complaint to triage)")
    if len(text) > service.settings.max_text_chars:
        raise Open311Error(400, f"description: longer than {service.settings.max_text_chars} characters")
    lat, long, address = _number(form, "lat"), _number(form, "long"), (form.get("address_string") or "").strip()
    [result] = await service.batcher.triage([text])
    ticket = {"id": uuid.uuid4().hex, "text": text, "channel": "open311"}
    await run_in_threadpool(service.store.save_triaged, [ticket], [result.as_dict()], service.life.clock())
    await run_in_threadpool(service.store.save_open311, ticket["id"], service_code=code, address=address or None,
                            lat=lat, long=long)
    service.metrics.predictions.labels(result.category, result.urgency, result.route).inc()
    notice = f"已受理，分类：{result.route_name}；办理时限 {service.deadlines.due(result.urgency, service.life.now())}"
    return 201, [{"service_request_id": ticket["id"], "service_notice": notice, "account_id": None}]


@router.post("/requests.json")
async def create_request(request: Request) -> JSONResponse:
    """Triage and store a service request (form-encoded: api_key, service_code, description, lat, long,
    address_string); answers ``[{"service_request_id", "service_notice", "account_id"}]``."""
    return await _answer(post_request(request, request.app.state.service))


def _listed(service: Service, who: Principal, ids: list[str] | None, params: dict[str, str]) -> list[dict]:
    life, caller = service.life, caller_of(who)
    since = until = None
    try:
        if params.get("start_date"):
            since = datetime.fromisoformat(params["start_date"])
        if params.get("end_date"):
            until = datetime.fromisoformat(params["end_date"])
    except ValueError:
        raise Open311Error(400, "start_date and end_date must be W3C date-times, e.g. 2026-12-07T09:00:00+08:00") \
            from None
    if ids is None and since is None:
        since = life.clock() - timedelta(days=90)
    since = since if since is None or since.tzinfo else since.replace(tzinfo=life.tz)
    until = until if until is None or until.tzinfo else until.replace(tzinfo=life.tz)
    channel = "open311" if who.role == "intake" else None
    found = [f for f in life.store.lives(since=since, until=until, ids=ids, channel=channel)
             if life.sees(caller, f["unit_code"])]
    details = life.store.open311_details([f["id"] for f in found])
    out = [request_public(f, details.get(f["id"]), life) for f in found]
    if params.get("service_code"):
        out = [r for r in out if r["service_code"] == params["service_code"]]
    if params.get("status") in ("open", "closed"):
        out = [r for r in out if r["status"] == params["status"]]
    return out[:1000]


async def get_requests(request: Request, service: Service) -> tuple[int, list[dict[str, Any]]]:
    params = dict(request.query_params)
    who = await _who(request, params.get("api_key"))
    ids = [i.strip() for i in params["service_request_id"].split(",") if i.strip()] \
        if params.get("service_request_id") else None
    return 200, await run_in_threadpool(_listed, service, who, ids, params)


async def get_request(request: Request, service: Service, service_request_id: str) -> tuple[int, list[dict]]:
    who = await _who(request, request.query_params.get("api_key"))

    def one() -> list[dict[str, Any]]:
        life = service.life
        found = list(life.store.lives(ids=[service_request_id]))
        if not found or (who.role == "intake" and found[0]["channel"] != "open311"):
            raise Open311Error(404, f"no service request {service_request_id!r}")
        if not life.sees(caller_of(who), found[0]["unit_code"]):
            raise Open311Error(403, f"service request {service_request_id!r} is not held by unit {who.unit}")
        return [request_public(found[0], life.store.open311_details([found[0]["id"]]).get(found[0]["id"]), life)]

    return 200, await run_in_threadpool(one)


@router.get("/requests.json")
async def list_requests(request: Request) -> JSONResponse:
    """Service requests, by service_request_id (comma-separated), service_code, status, start_date, end_date."""
    return await _answer(get_requests(request, request.app.state.service))


@router.get("/requests/{service_request_id}.json")
async def one_request(request: Request, service_request_id: str) -> JSONResponse:
    """One service request, as a list of one (the spec's shape)."""
    return await _answer(get_request(request, request.app.state.service, service_request_id))
