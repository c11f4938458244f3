"""Hot swap: every worker serves the model named by ``models/ACTIVE`` within seconds, without a restart.

A daemon thread per worker process reads the pointer every ``model_poll_seconds``. When it
names another version, the thread loads and warms that version beside the one serving, then
swaps one reference: batches already running finish on the old model, the next ones use the new
one, so no request fails. A version that cannot be loaded is logged and the old one stays.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI

from triage import Triager
from triage.errors import TriageError
from triage.model.artifacts import active_version

from .directory_watch import swap_triager

__all__ = ["ModelWatcher"]

log = logging.getLogger("triage.service")


class ModelWatcher:
    def __init__(self, app: FastAPI, models_dir: Path, interval: float,
                 wanted: Callable[[], str] | None = None) -> None:
        self.app = app
        self.models_dir = models_dir
        self.wanted = wanted or (lambda: active_version(models_dir))  # the version to serve
        self.interval = interval
        self._stop = threading.Event()
        self._failed: str | None = None  # a version that did not load: not retried until the pointer changes
        self._thread = threading.Thread(target=self._run, name="triage-model-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def check(self) -> bool:
        """Swap to the active version if it changed; True when a swap happened."""
        try:
            wanted = self.wanted()
        except TriageError:
            return False
        serving: Triager = self.app.state.triager
        if wanted in (serving.version, self._failed):
            return False
        try:
            new = Triager.load(wanted, models_dir=self.models_dir)
            new.triage("预热")
        except (TriageError, OSError) as e:
            self._failed = wanted
            log.error('{"event": "model_swap_failed", "version": "%s", "error": "%s"}', wanted, str(e)[:300])
            return False
        self._failed = None
        service = self.app.state.service
        with self.app.state.swap_lock:  # the directory watcher may have swapped meanwhile: keep its directory
            new.use_directory(self.app.state.triager.directory)
            swap_triager(self.app, new)
        service.metrics.model.labels(serving.version).set(0)
        service.metrics.model.labels(new.version).set(1)
        log.info('{"event": "model_swapped", "from": "%s", "to": "%s"}', serving.version, new.version)
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # the watcher must outlive any surprise; serving goes on with the old model
                log.exception("model watcher error")
