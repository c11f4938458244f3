"""Where a request was sent to and from: its scheme and host, and whether a browser sent it from this site.

Behind a reverse proxy the connection the service sees is plain HTTP from the proxy. A proxy
whose address is in TRIAGE_TRUSTED_PROXIES is believed when it says, in X-Forwarded-Proto and
X-Forwarded-Host, what the browser asked for; any other caller's X-Forwarded-* headers are
ignored. (uvicorn, as ``triage serve`` runs it, already applies X-Forwarded-Proto from a proxy
on 127.0.0.1 itself.)
"""

from __future__ import annotations

from ipaddress import ip_address, ip_network
from urllib.parse import urlsplit

from starlette.requests import Request

__all__ = ["from_this_site", "sent_over_https"]

_DEFAULT_PORTS = {"http": "80", "https": "443"}


def _from_trusted_proxy(request: Request, proxies: list[str]) -> bool:
    try:
        client = ip_address(request.client.host if request.client else "")
    except ValueError:
        return False
    return any(client in ip_network(proxy, strict=False) for proxy in proxies)


def _forwarded(request: Request, header: str, proxies: list[str]) -> str | None:
    value = request.headers.get(header)
    if not value or not _from_trusted_proxy(request, proxies):
        return None
    return value.split(",")[0].strip() or None


def scheme(request: Request, proxies: list[str]) -> str:
    """The scheme the browser used: the connection's, or the one a trusted proxy names."""
    return (_forwarded(request, "x-forwarded-proto", proxies) or request.url.scheme).lower()


def sent_over_https(request: Request, proxies: list[str]) -> bool:
    return scheme(request, proxies) == "https"


def _origin(scheme_: str, netloc: str) -> str:
    """``scheme://host[:port]`` in one spelling: lower case, without the scheme's default port."""
    netloc = netloc.lower()
    host, _, port = netloc.rpartition(":")
    if not port.isdigit():  # no port, or the end of a bare IPv6 address
        host, port = netloc, ""
    if port == _DEFAULT_PORTS.get(scheme_):
        port = ""
    return f"{scheme_}://{host}" + (f":{port}" if port else "")


def from_this_site(request: Request, proxies: list[str]) -> bool:
    """Whether the browser sent this from a page of this service: its Origin (or, without one, its
    Referer) is the scheme and host the request was sent to. Neither header, or "null": no."""
    sent_from = request.headers.get("origin")
    if sent_from is None:
        referer = urlsplit(request.headers.get("referer", ""))
        if not (referer.scheme and referer.netloc):
            return False
        sent_from = f"{referer.scheme}://{referer.netloc}"
    parts = urlsplit(sent_from)
    if sent_from == "null" or not (parts.scheme and parts.netloc) or "@" in parts.netloc:
        return False
    host = _forwarded(request, "x-forwarded-host", proxies) or request.headers.get("host", "")
    return _origin(parts.scheme.lower(), parts.netloc) == _origin(scheme(request, proxies), host)
