"""Retraining as a job: a snapshot of the store's corrections handed to training, the job's state kept in the store.

The service starts :func:`run_job` in a separate process (:func:`start_job`), so training never
shares the GIL or the memory of the workers answering requests; ``triage retrain`` runs the same
function in its own process. Training itself (:func:`training.retrain.retrain`) never opens the
database: it gets the corrected labels as rows and reports each step through a callback.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .active_model import ActivePointer
from .store import Store

__all__ = ["run_job", "start_job"]


def run_job(store: Store, job_id: int, *, models_dir: Path, corpus_dir: Path | None = None,
            label_sets: list[Path] | None = None, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Retrain on a snapshot of the corrections, keeping job ``job_id`` up to date; re-raises a failure
    after recording it on the job."""
    from training.retrain import retrain

    try:
        report = retrain(list(store.corrected_labels()), corpus_dir=corpus_dir, models_dir=models_dir,
                         label_sets=label_sets, job_id=job_id, log=log,
                         on_progress=lambda message, **fields: store.update_job(job_id, progress=message, **fields))
        if report["promoted"]:  # retraining wrote models/ACTIVE; a shared store tells every host too
            ActivePointer(models_dir, store).set(report["candidate"], f"retraining job {job_id}")
        return report
    except Exception as e:  # the job must say it failed, whatever happened
        store.update_job(job_id, status="failed", progress=f"failed: {type(e).__name__}: {e}")
        raise


def _in_child(database_url: str, job_id: int, log_path: str, options: dict[str, Any]) -> None:
    """The job process: its output goes to the job's log file, its store connection is its own."""
    out = open(log_path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (open until the process ends)
    os.dup2(out.fileno(), 1)
    os.dup2(out.fileno(), 2)
    sys.stdout = sys.stderr = out
    store = Store.open(database_url)
    try:
        run_job(store, job_id, log=lambda m: print(m, flush=True), **options)
    except Exception:  # recorded on the job by run_job; the log keeps the traceback
        traceback.print_exc()
        sys.exit(1)
    finally:
        store.close()


def start_job(database_url: str, job_id: int, *, models_dir: Path, corpus_dir: Path | None = None,
              label_sets: list[Path] | None = None) -> multiprocessing.process.BaseProcess:
    """Run job ``job_id`` in a fresh process (spawned: no copy of the serving worker's threads or
    model); its log goes to ``MODELS/.retrain-logs/job-N.log``."""
    logs = models_dir / ".retrain-logs"
    logs.mkdir(exist_ok=True)
    options = {"models_dir": models_dir, "corpus_dir": corpus_dir, "label_sets": label_sets}
    process = multiprocessing.get_context("spawn").Process(
        target=_in_child, args=(database_url, job_id, str(logs / f"job-{job_id}.log"), options),
        name=f"retrain-job-{job_id}", daemon=False)
    process.start()
    return process
