"""Idempotency keys: a write sent again with the same key is answered as the first time, not done twice.

A key is claimed inside the write's own transaction, so the record and the write commit (or
roll back) together: a request that fails leaves no record, and of two identical requests that
run at once, the second waits for the first and then finds its record. A record is kept for
``keep`` (after that the key may be used again) and names what the write made, from which the
store rebuilds the first answer.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .database import StoreError
from .tables import IdempotencyRecord, utcnow

__all__ = ["IdempotencyKey", "KeyReused", "claim", "fingerprint", "remember"]


class KeyReused(StoreError):
    """The idempotency key was used before for a different request."""


@dataclass(frozen=True)
class IdempotencyKey:
    """``key`` as sent by ``owner`` (an API key's name) with a request whose hash is ``fingerprint``."""

    owner: str
    key: str
    fingerprint: str
    keep: timedelta = timedelta(hours=24)


def fingerprint(operation: str, request: Any) -> str:
    """The hash that tells two requests apart: the operation and its JSON-able content."""
    text = json.dumps({"operation": operation, "request": request}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def claim(s: Session, dialect: str, idem: IdempotencyKey) -> dict[str, Any] | None:
    """Claim the key in this write transaction: None if it is ours now, else what the first write made.

    Raises :class:`KeyReused` if the key was used for a different request.
    """
    now = utcnow()
    s.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now - idem.keep))
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    mine = s.scalars(insert(IdempotencyRecord).values(
        owner=idem.owner, key=idem.key, fingerprint=idem.fingerprint, resource={}, created_at=now,
    ).on_conflict_do_nothing(index_elements=["owner", "key"]).returning(IdempotencyRecord.key)).first()
    if mine is not None:
        return None
    record = s.scalars(select(IdempotencyRecord).where(IdempotencyRecord.owner == idem.owner,
                                                       IdempotencyRecord.key == idem.key)).one()
    if record.fingerprint != idem.fingerprint or not record.resource:
        raise KeyReused(f"idempotency key {idem.key!r} was used for a different request")
    return record.resource


def remember(s: Session, idem: IdempotencyKey, resource: dict[str, Any]) -> None:
    """Record what the write made, in the transaction that claimed the key."""
    record = s.get(IdempotencyRecord, (idem.owner, idem.key))
    record.resource = resource
