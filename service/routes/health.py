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
    """Liveness: status, the model version served, the uptime, and any data file changed since the model
    was evaluated (still "ok": a city may edit its policy, but the model's figures were measured without it)."""
    state = request.app.state
    return HealthPublic(status="ok", model_version=state.triager.version,
                        uptime_seconds=round(time.monotonic() - state.started, 1), worker_pid=os.getpid(),
                        data_files_changed=state.triager.changed_data_files())


@router.get("/v1/model")
async def model(request: Request) -> dict[str, Any]:
    """The active model's meta.json: labels, thresholds, hashes and figures, and the data files in use.

    ``labels.routes`` lists the route codes an answer can carry; the route head's own classes
    (the compound's three managers folded into one, "manager") are ``labels.route_head_classes``.
    ``data_files`` compares each data file loaded now with the hash the model recorded
    (``same``, ``changed`` or ``not recorded``).
    """
    triager = request.app.state.triager
    meta = {**triager.meta, "data_files": [c.as_dict() for c in triager.data_file_checks()]}
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
