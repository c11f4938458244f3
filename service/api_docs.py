"""The interactive API documentation, /docs (Swagger UI) and /redoc, served entirely by the service.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, which an offline intake network cannot
reach. Here the scripts and styles come from the ``fastapi-offline`` package (which ships them),
the page start-up code is a file of ours rather than an inline script, and every page and asset
is answered by the app under a Content-Security-Policy that allows only this origin.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["ASSETS", "DOCS_CSP", "install_api_docs"]

ASSETS = "/docs/assets"
_VENDOR = Path(fastapi_offline.__file__).resolve().parent / "static"
_INIT = Path(__file__).resolve().parent / "static" / "api-docs.js"

#: Scripts, styles, images and requests only from this origin. ReDoc's search index runs in a
#: worker made from a blob, and ReDoc's components write their own <style> elements.
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")
_HEADERS = {"Content-Security-Policy": DOCS_CSP, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin", "Cache-Control": "no-cache"}


def _page(title: str, head: str, body: str) -> HTMLResponse:
    html = (f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n{head}</head>\n<body>\n{body}</body>\n</html>\n")
    return HTMLResponse(html, headers=_HEADERS)


def _router(app: FastAPI) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/docs")
    async def swagger_ui(request: Request) -> HTMLResponse:
        """Swagger UI over this service's OpenAPI schema ("Authorize" takes an API key)."""
        root = request.scope.get("root_path", "")
        assets = escape(root + ASSETS)
        return _page(f"{app.title} - Swagger UI",
                     f'<link rel="icon" href="{assets}/favicon.png">\n'
                     f'<link rel="stylesheet" href="{assets}/swagger-ui.css">\n',
                     f'<div id="swagger-ui" data-openapi-url="{escape(root + str(app.openapi_url))}"></div>\n'
                     f'<script src="{assets}/swagger-ui-bundle.js"></script>\n'
                     f'<script src="{escape(root)}/docs/init.js"></script>\n')

    @router.get("/docs/init.js")
    async def swagger_init() -> FileResponse:
        """Starts Swagger UI (a file, so that the page needs no inline script)."""
        return FileResponse(_INIT, media_type="text/javascript", headers=_HEADERS)

    @router.get("/redoc")
    async def redoc(request: Request) -> HTMLResponse:
        """ReDoc over this service's OpenAPI schema."""
        root = request.scope.get("root_path", "")
        assets = escape(root + ASSETS)
        return _page(f"{app.title} - ReDoc",
                     f'<link rel="icon" href="{assets}/favicon.png">\n',
                     f'<redoc spec-url="{escape(root + str(app.openapi_url))}"></redoc>\n'
                     f'<script src="{assets}/redoc.standalone.js"></script>\n')

    return router


def install_api_docs(app: FastAPI) -> None:
    """Serve /docs, /redoc and their assets; the app must be made with docs_url=None, redoc_url=None."""
    app.include_router(_router(app))
    app.mount(ASSETS, StaticFiles(directory=_VENDOR), name="docs-assets")
