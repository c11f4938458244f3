"""The store of tickets, predictions, corrections, API keys, retraining jobs and tickets' lives (SQLAlchemy 2).

Imported only by what needs a database (the service, ``triage keys``, retraining):
``import triage`` does not pull it in.
"""

from .bulk import BulkStale, summary_of
from .database import StoreError, make_engine, migrate
from .idempotency import IdempotencyKey, KeyReused, fingerprint
from .incidents import Unsplittable
from .keys import ROLES, role_allows
from .lifecycle import KINDS
from .store import Conflict, NotFound, Stale, StaleState, Store

__all__ = ["KINDS", "ROLES", "BulkStale", "Conflict", "IdempotencyKey", "KeyReused", "NotFound", "Stale",
           "StaleState", "Store", "StoreError", "Unsplittable", "fingerprint", "make_engine", "migrate",
           "role_allows", "summary_of"]
