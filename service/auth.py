"""API keys and roles: who is calling, and may they do this?

Keys come as ``Authorization: Bearer <key>`` or, for the staff page, in the ``triage_key``
cookie set by its login form; a write with the cookie must come from this site (its Origin or
Referer), else 403. A missing or unknown key is 401, a key whose role is too low is 403.
Intake without a key is allowed only as ``settings.open_intake`` says (by default, for
callers on the loopback address: development on one machine).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from .errors import ApiError
from .origin import from_this_site
from .store import ROLES, role_allows

__all__ = ["COOKIE", "Principal", "key_principal", "refuse_cross_site", "require"]

COOKIE = "triage_key"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# How a key is presented, as the OpenAPI schema describes it (their scheme names are its securitySchemes).
_BEARER = HTTPBearer(auto_error=False, scheme_name="bearer",
                     description="An API key made with `triage keys create`: `Authorization: Bearer trg_…`. The "
                                 "scopes named by an operation are the roles whose keys may call it; triage needs "
                                 "no key where TRIAGE_OPEN_INTAKE allows it.")
_COOKIE = APIKeyCookie(name=COOKIE, auto_error=False, scheme_name="cookie",
                       description="Set by the staff page's login form. A write with it must come from the page "
                                   "itself (an Origin or Referer of this host), or it is refused with 403.")
_LOOPBACK = {"127.0.0.1", "::1"}


@dataclass(frozen=True)
class Principal:
    name: str
    role: str
    unit: str | None = None  # a unit key's unit code


class KeyCache:
    """Checked keys for a few seconds, so a busy intake system costs no database read per request."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._seen: dict[str, tuple[float, tuple[str, str, str | None] | None]] = {}

    def get(self, key: str) -> tuple[bool, tuple[str, str, str | None] | None]:
        hit = self._seen.get(key)
        if hit and time.monotonic() - hit[0] < self.seconds:
            return True, hit[1]
        return False, None

    def put(self, key: str, value: tuple[str, str, str | None] | None) -> None:
        if len(self._seen) > 10_000:
            self._seen.clear()
        self._seen[key] = (time.monotonic(), value)


def _key_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.cookies.get(COOKIE) or None


async def principal(request: Request, needed: str, key: str | None = None) -> Principal:
    """Who presents ``key`` (by default the request's Bearer token, else its cookie), if they may do ``needed``."""
    service = request.app.state.service
    key = key or _key_of(request)
    if key is None:
        client = request.client.host if request.client else ""
        mode = service.settings.open_intake
        if needed == "intake" and (mode == "always" or (mode == "local" and client in _LOOPBACK)):
            return Principal("anonymous", "intake")
        raise ApiError(401, "Missing API key: send Authorization: Bearer <key>.",
                       "缺少 API 密钥：请在 Authorization 头中发送 Bearer <密钥>。")
    who = await key_principal(request, key)
    if who is None:
        raise ApiError(401, "Unknown or revoked API key.", "API 密钥无效或已吊销。")
    if not role_allows(who.role, needed):
        raise ApiError(403, f"This needs the {needed} role; the key's role is {who.role}.",
                       f"此操作需要 {needed} 角色，该密钥的角色是 {who.role}。")
    return who


async def key_principal(request: Request, key: str | None) -> Principal | None:
    """Who holds ``key`` (a key sent another way than the header, such as Open311's ``api_key``), or None."""
    if not key:
        return None
    service = request.app.state.service
    cached, found = service.keys.get(key)
    if not cached:
        found = await run_in_threadpool(service.store.key_identity, key)
        service.keys.put(key, found)
    return Principal(*found) if found else None


def refuse_cross_site(request: Request) -> None:
    """A write the browser sent with the staff cookie from another site (a form or script there) is refused.

    SameSite=Strict already keeps the cookie off such requests; this holds in browsers that ignore it.
    """
    if not from_this_site(request, request.app.state.service.settings.trusted_proxies):
        raise ApiError(403, "A write with the staff page's cookie must come from the page itself (Origin or Referer "
                       "of this host).", "使用审核页面登录凭据的修改请求必须来自本站页面。",
                       code="cross_site", fields=["Origin"])


def require(role: str):
    """A dependency that lets through keys of ``role`` or higher and returns who called.

    The schema lists the roles that may call an operation as the scopes of its security requirement.
    """
    allowed = [r for r in ROLES if role_allows(r, role)]

    async def dependency(request: Request,
                         bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
                         cookie: Annotated[str | None, Depends(_COOKIE)]) -> Principal:
        key = bearer.credentials if bearer else None
        if key is None and cookie and request.method not in SAFE_METHODS:
            refuse_cross_site(request)
        return await principal(request, role, key or cookie)

    return Annotated[Principal, Security(dependency, scopes=allowed)]


IntakeUser = require("intake")
UnitUser = require("unit")  # a unit key (its own tickets), staff or admin
StaffUser = require("staff")
AdminUser = require("admin")
