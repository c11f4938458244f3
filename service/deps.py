"""Dependencies the routes declare: the settings, the batcher, the metrics, the deadlines.

They are `async def` on purpose: FastAPI runs plain `def` dependencies in a thread pool,
which costs a thread hand-off per dependency per request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from triage.deadlines import Deadlines

from .batching import MicroBatcher
from .metrics import Metrics
from .settings import Settings

__all__ = ["BatcherDep", "DeadlinesDep", "MetricsDep", "SettingsDep"]


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_batcher(request: Request) -> MicroBatcher:
    return request.app.state.batcher


async def get_metrics(request: Request) -> Metrics:
    return request.app.state.metrics


async def get_deadlines(request: Request) -> Deadlines:
    return request.app.state.deadlines


SettingsDep = Annotated[Settings, Depends(get_settings)]
BatcherDep = Annotated[MicroBatcher, Depends(get_batcher)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
DeadlinesDep = Annotated[Deadlines, Depends(get_deadlines)]
