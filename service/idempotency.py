"""The Idempotency-Key header of the writes: a retry under the same key is answered as the first time.

The key belongs to the API key that sends it (its name), is kept for TRIAGE_IDEMPOTENCY_HOURS,
and is recorded with the write in the store (``service.store.idempotency``). The same key with
a different request is refused with 422 naming the header.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import Header

from .auth import Principal
from .errors import ApiError
from .settings import Settings
from .store import IdempotencyKey, fingerprint

__all__ = ["IdempotencyHeader", "idempotency_key", "key_reused"]

#: 1 to 255 visible ASCII characters, bare or as a quoted string (``"…"``, as RFC 8941 writes one).
_PATTERN = r'^(?:[!#-~]{1,255}|"[!#-~]{1,255}")$'

IdempotencyHeader = Annotated[str | None, Header(
    alias="Idempotency-Key", pattern=_PATTERN,
    description="A key of the client's choosing (a UUID, say) for this write; sending the request again with "
                "it (after a lost answer, a timeout) is answered as the first time and writes nothing. The same "
                "key with a different request is a 422. Without one, a retried write is written again.")]


def idempotency_key(header: str | None, who: Principal, operation: str, request: Any,
                    settings: Settings) -> IdempotencyKey | None:
    """The store's record key for this request, or None without the header."""
    if header is None:
        return None
    return IdempotencyKey(owner=who.name, key=header.strip('"'), fingerprint=fingerprint(operation, request),
                          keep=timedelta(hours=settings.idempotency_hours))


def key_reused() -> ApiError:
    return ApiError(422, "Idempotency-Key: this key was used for a different request; send a new key with a new "
                    "request", "Idempotency-Key：该键已用于另一个请求，新的请求请换一个键",
                    code="idempotency_key_reused", fields=["Idempotency-Key"])
