"""Which model version is active: ``models/ACTIVE``, and with a shared (PostgreSQL) store the store as well.

One machine needs only the file pointer. Several service hosts behind one balancer share the
PostgreSQL store and a models folder each (or one mounted folder); the store then names the
version they all serve, so activating it on one host (or promoting it by retraining) reaches
every host, and a host whose own pointer says otherwise follows the store. The file pointer is
still written, so the command line on that machine sees the same version.
"""

from __future__ import annotations

from pathlib import Path

from triage.model.artifacts import activate, active_version

from .store import Store

__all__ = ["ActivePointer"]


class ActivePointer:
    def __init__(self, models_dir: Path, store: Store | None) -> None:
        self.models_dir = models_dir
        self.store = store if store is not None and store.engine.dialect.name == "postgresql" else None

    @property
    def shared(self) -> bool:
        """True when the store names the active version for every host."""
        return self.store is not None

    def current(self) -> str:
        """The active version: the store's when it is shared and names one, else models/ACTIVE's."""
        if self.store is not None and (version := self.store.active_model()):
            return version
        return active_version(self.models_dir)

    def set(self, version: str, changed_by: str) -> None:
        """Make ``version`` active here and, when the store is shared, for every host."""
        activate(version, self.models_dir)
        if self.store is not None:
            self.store.set_active_model(version, changed_by)
