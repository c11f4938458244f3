"""Model versions: list them with their figures, activate one (rollback), retrain through the gate."""

from __future__ import annotations

import logging
import threading
from multiprocessing.process import BaseProcess
from typing import Annotated, Any

from fastapi import APIRouter
from fastapi import Path as FastApiPath

from triage.errors import TriageError
from triage.model.artifacts import describe_versions, list_versions, load_model

from ..auth import AdminUser, StaffUser
from ..deps import Service, ServiceDep
from ..errors import ApiError
from ..idempotency import IdempotencyHeader, idempotency_key, key_reused
from ..openapi import errors
from ..retrain_job import start_job
from ..staff_schemas import JobPublic, ModelPublic
from ..store import KeyReused, NotFound

router = APIRouter(prefix="/v1/models", tags=["models"])
log = logging.getLogger("triage.service")



def model_versions(service: Service) -> list[dict[str, Any]]:
    """Every model version, newest first, with its figures; the active one marked (the staff page shows these too)."""
    return describe_versions(service.settings.models_dir)[::-1]


@router.get("", response_model=list[ModelPublic], responses=errors(401, 403, 503))
def models(service: ServiceDep, _who: StaffUser) -> list[dict[str, Any]]:
    """Every model version, newest first, with its held-out and dev figures; one is active."""
    return model_versions(service)


@router.post("/{version}/activate", response_model=ModelPublic,
             responses=errors(401, 403, 404, 413, 415, 422, 503, _404="No model version of this name.",
                              _422="The version cannot be loaded: a file is missing or damaged, or its "
                                   "model.joblib is not the one it was trained as (checked before unpickling)."))
def activate_version(version: str, service: ServiceDep, who: AdminUser) -> dict[str, Any]:
    """Make a version the active one (also to roll back); every worker serves it within seconds (with a
    PostgreSQL store, every worker of every host sharing it)."""
    folder = service.settings.models_dir
    if version not in list_versions(folder):
        raise ApiError(404, f"No model version {version!r}.", f"模型版本 {version!r} 不存在。")
    try:
        load_model(folder / version)  # refuse a damaged version before any worker tries it
    except TriageError as e:
        raise ApiError(422, f"Version {version!r} cannot be loaded: {e}", f"模型版本 {version!r} 无法加载。") from None
    service.pointer.set(version, who.name)
    log.info('{"event": "model_activated", "version": "%s", "by": "%s"}', version, who.name)
    return next(m for m in model_versions(service) if m["version"] == version)


@router.post("/retrain", status_code=202, response_model=JobPublic,
             responses=errors(401, 403, 413, 415, 422, 503,
                              _422="The Idempotency-Key is malformed or was used for another request."))
def retrain(service: ServiceDep, who: AdminUser, idempotency: IdempotencyHeader = None) -> dict[str, Any]:
    """Train a candidate on the corpus plus corrections in a separate process; promoted only if no worse.

    Sent again with the same ``Idempotency-Key``, it starts nothing and answers with the job the
    first request started, as it is now.
    """
    settings = service.settings
    folder = settings.models_dir
    try:
        current = service.pointer.current()
    except TriageError:
        current = None
    try:
        job_id, new = service.store.open_job(who.name, current,
                                             idempotency_key(idempotency, who, "POST /v1/models/retrain", {}, settings))
    except KeyReused:  # the key was used for another operation
        raise key_reused() from None
    if not new:
        return service.store.job(job_id)
    process = start_job(settings.database_url, job_id, models_dir=folder, corpus_dir=settings.corpus_dir,
                        label_sets=settings.label_sets)
    threading.Thread(target=_reap, args=(process, job_id, service), daemon=True).start()
    return service.store.job(job_id)


def _reap(process: BaseProcess, job_id: int, service: Service) -> None:
    """Wait for the retraining process; if it died without finishing its job, mark the job failed."""
    process.join()
    try:
        if service.store.job(job_id)["status"] in ("queued", "running"):
            service.store.update_job(job_id, status="failed",
                                     progress=f"the retraining process exited with {process.exitcode}")
    except Exception:
        log.exception("could not record the end of retraining job %s", job_id)


@router.get("/jobs/{job_id}", response_model=JobPublic,
            responses=errors(401, 403, 404, 422, 503, _404="No retraining job has this id.",
                             _422="`job_id` is not an integer from 1 to 2^63 - 1."))
def job(job_id: Annotated[int, FastApiPath(ge=1, le=2**63 - 1, description="The job's id.")], service: ServiceDep,
        _who: AdminUser) -> dict[str, Any]:
    """A retraining job: status, progress and, when done, both models' figures and the gate's reasons."""
    try:
        return service.store.job(job_id)
    except NotFound:
        raise ApiError(404, f"No retraining job {job_id}.", f"重训任务 {job_id} 不存在。") from None
