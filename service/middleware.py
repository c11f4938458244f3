"""Per-request plumbing as one pure ASGI middleware (no per-request task overhead).

- gives every request an id (from X-Request-ID when the caller sends a sane one) and echoes it;
- refuses request bodies over the limit (413) and API request bodies that are not JSON (415);
- counts the request and its latency for /metrics;
- writes one JSON log line, with any text only in masked form.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_body
from .metrics import Metrics

__all__ = ["RequestContext"]

log = logging.getLogger("triage.service.requests")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _new_id() -> str:
    """32 random hex digits, as uuid4().hex looks, without a getrandom() call per request.

    Request ids only tell requests apart in the logs; they are not secrets. ``random`` is
    reseeded in a forked child, so workers do not repeat each other's ids.
    """
    return f"{random.getrandbits(128):032x}"


class _TooLarge(Exception):
    pass


class RequestContext:
    def __init__(self, app: ASGIApp, *, metrics: Metrics, max_body_bytes: int, log_requests: bool) -> None:
        self.app, self.metrics = app, metrics
        self.max_body_bytes, self.log_requests = max_body_bytes, log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        given = headers.get("x-request-id", "")
        request_id = given if _SANE_ID.match(given) else _new_id()
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = {"code": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        refusal = self._refuse(scope, headers, request_id)
        try:
            if refusal is not None:
                await refusal(scope, receive, send_with_id)
            else:
                await self.app(scope, self._limited(receive), send_with_id)
        except _TooLarge:
            await self._reply(send_with_id, 413, request_id, "too_large",
                              f"The request body is over {self.max_body_bytes} bytes.", "请求体过大。")
        finally:
            self._record(scope, state, status["code"], time.perf_counter() - started, request_id)

    def _refuse(self, scope: Scope, headers: dict[str, str], request_id: str):
        if scope["method"] != "POST":
            return None
        length = headers.get("content-length")
        if length and length.isdigit() and int(length) > self.max_body_bytes:
            return self._replier(413, request_id, "too_large",
                                 f"The request body is over {self.max_body_bytes} bytes.", "请求体过大。")
        has_body = (length and length != "0") or "transfer-encoding" in headers
        if not has_body or not scope["path"].startswith("/v1/"):  # the staff page posts forms
            return None
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json" and not media.endswith("+json"):
            return self._replier(415, request_id, "unsupported_media_type",
                                 "The body must be JSON (Content-Type: application/json).",
                                 "请求体必须是 JSON（Content-Type: application/json）。")
        return None

    def _limited(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise _TooLarge
            return message

        return counted

    def _replier(self, status: int, request_id: str, code: str, message: str, message_zh: str):
        async def reply(scope: Scope, receive: Receive, send: Send) -> None:
            await self._reply(send, status, request_id, code, message, message_zh)
        return reply

    @staticmethod
    async def _reply(send: Send, status: int, request_id: str, code: str, message: str, message_zh: str) -> None:
        body = json.dumps(error_body(status, code, message, message_zh, request_id=request_id),
                          ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    def _record(self, scope: Scope, state: dict[str, Any], status: int, seconds: float, request_id: str) -> None:
        route = scope.get("route")
        path = getattr(route, "path", None) or "unmatched"
        self.metrics.observe_request(path, scope["method"], status, seconds)
        if self.log_requests:
            line = {"event": "request", "request_id": request_id, "method": scope["method"], "path": path,
                    "status": status, "latency_ms": round(seconds * 1000, 2), **state.get("log", {})}
            log.info(json.dumps(line, ensure_ascii=False))
