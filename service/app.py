"""The application factory. Nothing is built at import time: call create_app(settings)."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from triage import Triager
from triage.incidents import IncidentPolicy
from triage.lifecycle import DirectoryUnits

from .active_model import ActivePointer
from .api_docs import install_api_docs
from .auth import KeyCache
from .batching import MicroBatcher
from .deps import Service
from .directory_watch import DirectoryWatcher
from .errors import install_error_handlers
from .hot_swap import ModelWatcher
from .lifecycle import Life, life_files, system_clock
from .metrics import Metrics
from .middleware import RequestContext
from .openapi import install_openapi
from .routes import health, incidents, ledger, lifecycle, models, open311, queue, tickets, triage, ui
from .settings import Settings
from .store import Store

__all__ = ["create_app", "create_app_from_env"]

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None, *, triager: Triager | None = None,
               store: Store | None = None, clock: Callable[[], datetime] = system_clock) -> FastAPI:
    """Build the service: load and validate the model, policy, deadlines, transition table and units, open the
    store, wire the routes. ``clock`` tells the time to deadlines and escalation (tests give a fake one)."""
    settings = settings or Settings()
    machine, deadlines, directory = life_files(settings)
    store = store or Store.open(settings.database_url, incidents=IncidentPolicy.load(settings.incidents_path),
                                merge=settings.merge_incidents)
    pointer = ActivePointer(settings.models_dir, store)
    triager = triager or Triager.load(settings.model_version or pointer.current(), models_dir=settings.models_dir)
    # units are named from the store's directory in use; with none imported, answers carry route codes only
    triager = triager.with_directory(store.directory())
    triager.triage("预热")  # builds the inference fast path now, not on the first caller's time
    if changed := triager.changed_data_files():
        logging.getLogger("triage.service").warning(
            "data files changed since model %s was evaluated: %s", triager.version, ", ".join(changed))
    gc.freeze()  # the model's objects live as long as the process: keep them out of GC passes
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        watchers: list[ModelWatcher | DirectoryWatcher] = []
        if settings.model_poll_seconds and not settings.model_version:
            watchers.append(ModelWatcher(app, settings.models_dir, settings.model_poll_seconds, wanted=pointer.current))
        if settings.model_poll_seconds:
            watchers.append(DirectoryWatcher(app, store, settings.model_poll_seconds))
        for watcher in watchers:
            watcher.start()
        escalation = asyncio.create_task(_escalate_every(life, settings.escalation_seconds)) \
            if settings.escalation_seconds else None
        yield
        if escalation:
            escalation.cancel()
        for watcher in watchers:
            watcher.stop()
        app.state.service.batcher.close()
        store.close()

    app = FastAPI(title="triage", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  swagger_ui_oauth2_redirect_url=None,
                  description="Category, urgency and responsible party for 12345 hotline complaints.")
    app.state.triager = triager
    # lifecycle units and parents: the dispatch directory in use, the escalation file for what it lacks
    life = Life(store, machine, deadlines, DirectoryUnits(triager.directory, directory), settings.timezone, clock)
    app.state.swap_lock = threading.Lock()
    app.state.service = Service(settings=settings, batcher=MicroBatcher(triager, max_texts=settings.batch_max_texts),
                                deadlines=deadlines, metrics=metrics, store=store,
                                keys=KeyCache(settings.key_cache_seconds), pointer=pointer, life=life)
    app.state.started = time.monotonic()
    metrics.model.labels(triager.version).set(1)
    install_error_handlers(app)
    app.include_router(triage.router)
    app.include_router(tickets.router)
    app.include_router(queue.router)
    app.include_router(incidents.router)
    app.include_router(models.router)
    app.include_router(lifecycle.router)
    app.include_router(ledger.router)
    app.include_router(open311.router)
    app.include_router(health.router)
    app.include_router(ui.router)
    install_api_docs(app)
    install_openapi(app)
    app.mount("/ui/static", StaticFiles(directory=STATIC), name="ui-static")
    if settings.noop_route:
        app.include_router(health.noop_router)
    app.add_middleware(RequestContext, metrics=metrics, max_body_bytes=settings.max_body_bytes,
                       log_requests=settings.log_requests)
    return app


async def _escalate_every(life: Life, seconds: float) -> None:
    """Escalate overdue tickets every ``seconds``; a failed run is logged and the next one tries again."""
    log = logging.getLogger("triage.lifecycle")
    while True:
        await asyncio.sleep(seconds)
        try:
            await asyncio.to_thread(life.escalate_due)
        except Exception as e:  # the database may be away for a moment: the next run catches up
            log.warning('{"event": "escalation_failed", "error": "%s"}', type(e).__name__)


def create_app_from_env() -> FastAPI:
    """Entry point for uvicorn --factory: settings from TRIAGE_* variables."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # The event loop and the inference thread share the GIL; hand it over every 1 ms instead of
    # every 5 ms so that requests are read and answered while a batch is being computed.
    sys.setswitchinterval(0.001)
    return create_app(Settings())
