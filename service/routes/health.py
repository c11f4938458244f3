"""GET /v1/health, GET /v1/model, GET /metrics and the benchmark's no-op."""

from __future__ import annotations

import os
import time
from typing import Any

from fastapi import APIRouter, Request, Response

from triage.labels import ROUTES

from ..deps import MetricsDep
from ..metrics import CONTENT_TYPE_LATEST
from ..openapi import errors
from ..schemas import HealthPublic

router = APIRouter(tags=["operations"])


@router.get("/v1/health", response_model=HealthPublic)
async def health(request: Request) -> HealthPublic:
    """Liveness: status, the model version served and the uptime."""
    state = request.app.state
    return HealthPublic(status="ok", model_version=state.triager.version,
                        uptime_seconds=round(time.monotonic() - state.started, 1), worker_pid=os.getpid())


@router.get("/v1/model")
async def model(request: Request) -> dict[str, Any]:
    """The active model's meta.json: labels, thresholds, hashes and figures.

    ``labels.routes`` lists the route codes an answer can carry; the route head's own classes
    (the compound's three managers folded into one, "manager") are ``labels.route_head_classes``.
    """
    meta = request.app.state.triager.meta
    labels = dict(meta.get("labels") or {})
    if "routes" in labels:
        labels["route_head_classes"] = labels["routes"]
    labels["routes"] = list(ROUTES)
    return {**meta, "labels": labels}


@router.get("/metrics", response_class=Response)
async def metrics(metrics: MetricsDep) -> Response:
    """Prometheus metrics: requests, latency, predictions, model version."""
    return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)


noop_router = APIRouter(tags=["operations"])


@noop_router.post("/v1/noop", responses=errors(413, 415))
async def noop(request: Request) -> dict[str, str]:
    """Does nothing: the baseline for load tests (enabled by TRIAGE_NOOP_ROUTE=1)."""
    await request.body()
    return {"status": "ok"}
