"""Every worker names units from the store's directory in use, and picks up a new import within seconds;
dispatch and escalation then use its 社区, 街道 and 区 units and their parents.

A daemon thread per worker asks the store for the latest directory version every
``model_poll_seconds`` (one indexed read). When it changed, the thread reads and checks that
version, builds a Triager sharing the serving model that names units from it, and swaps it in
between batches, as :mod:`.hot_swap` does for models. A version that fails its checks is
logged and the old directory stays.
"""

from __future__ import annotations

import logging
import threading

from fastapi import FastAPI

from triage import Triager
from triage.errors import TriageError
from triage.lifecycle import DirectoryUnits

from .store import Store

__all__ = ["DirectoryWatcher", "swap_triager"]

log = logging.getLogger("triage.service")


def swap_triager(app: FastAPI, new: Triager) -> None:
    """Serve ``new`` from the next batch on."""
    app.state.service.batcher.triager = new
    app.state.triager = new


class DirectoryWatcher:
    def __init__(self, app: FastAPI, store: Store, interval: float) -> None:
        self.app, self.store, self.interval = app, store, interval
        self._stop = threading.Event()
        self._failed: int | None = None
        self._thread = threading.Thread(target=self._run, name="triage-directory-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def check(self) -> bool:
        """Swap to the store's directory in use if it changed; True when a swap happened."""
        latest = self.store.active_directory_version()
        serving: Triager = self.app.state.triager
        current = serving.directory.version if serving.directory is not None else None
        if latest is None or str(latest) == current or latest == self._failed:
            return False
        try:
            directory = self.store.directory(latest)
        except TriageError as e:
            self._failed = latest
            log.error('{"event": "directory_swap_failed", "version": %d, "error": "%s"}', latest, str(e)[:300])
            return False
        life = self.app.state.service.life
        with self.app.state.swap_lock:
            swap_triager(self.app, self.app.state.triager.with_directory(directory))
            life.directory = DirectoryUnits(directory, life.directory.fallback)  # dispatch and escalation too
        log.info('{"event": "directory_swapped", "from": "%s", "to": "%s"}', current, latest)
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # a store that is down for a moment must not end the thread
                log.exception("directory watcher error")
