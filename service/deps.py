"""Dependencies the routes declare: the service context (settings, batcher, deadlines, metrics, store, lives).

They are `async def` on purpose: FastAPI runs plain `def` dependencies in a thread pool,
which costs a thread hand-off per dependency per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from triage.rules.deadlines import Deadlines

from .active_model import ActivePointer
from .auth import KeyCache
from .batching import MicroBatcher
from .lifecycle import Life
from .metrics import Metrics
from .settings import Settings
from .store import Store

__all__ = ["MetricsDep", "Service", "ServiceDep"]


@dataclass(frozen=True)
class Service:
    """What the routes need, built once by create_app: one dependency instead of four."""

    settings: Settings
    batcher: MicroBatcher
    deadlines: Deadlines
    metrics: Metrics
    store: Store
    keys: KeyCache
    pointer: ActivePointer
    life: Life


async def get_service(request: Request) -> Service:
    return request.app.state.service


async def get_metrics(request: Request) -> Metrics:
    return request.app.state.service.metrics


ServiceDep = Annotated[Service, Depends(get_service)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
