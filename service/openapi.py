"""The OpenAPI schema's error answers: every 4xx an operation can give, in the one error shape.

Routes list their errors with :func:`errors`, each described by the causes that lead to it. Who
may call an operation comes from its key dependency (``service.auth.require``): the security
schemes ``bearer`` and ``cookie``, with the roles allowed as scopes.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from .schemas import ErrorPublic

__all__ = ["errors", "install_openapi"]

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
          412: "precondition_failed", 413: "too_large", 415: "unsupported_media_type", 422: "validation_error",
          503: "store_unavailable"}
_CAUSES = {
    400: "A header is malformed.",
    401: "No API key, or an unknown or revoked one.",
    403: "The key's role may not do this, or a browser sent the staff cookie from another site.",
    404: "No such resource.",
    409: "The request contradicts what is stored.",
    412: "The resource changed since the version named in If-Match.",
    413: "The body is over TRIAGE_MAX_BODY_BYTES (8 MiB).",
    415: "The body is not JSON (Content-Type: application/json).",
    422: "The request is not valid: the error's fields name what is wrong.",
    503: "The database cannot be reached; try again shortly.",
}

def errors(*statuses: int, model: type[BaseModel] = ErrorPublic, **causes: str) -> dict[int | str, dict[str, Any]]:
    """Error responses for ``statuses``, each described by its cause (``causes`` as ``_404="No such ticket."``)."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        example = {"error": {"status": status, "code": _CODES[status], "message": _CAUSES[status],
                             "message_zh": "…", "fields": []}, "request_id": "9f1c2e7a3b2d4c5e8f9a0b1c2d3e4f5a"}
        out[status] = {"model": model, "description": causes.get(f"_{status}", _CAUSES[status]),
                       "content": {"application/json": {"example": example}}}
    return out


def _not_null(parameter: dict[str, Any]) -> None:
    """An optional header or query parameter is absent or a string, never null: drop FastAPI's null branch
    (a client, or a test generator, would otherwise send the text "null")."""
    schema = parameter.get("schema", {})
    kinds = schema.get("anyOf", [])
    if len(kinds) == 2 and {"type": "null"} in kinds:
        [kind] = [k for k in kinds if k != {"type": "null"}]
        del schema["anyOf"]
        schema.update(kind)


def install_openapi(app: FastAPI) -> None:
    """Build the schema once; a 422 that FastAPI adds by itself gets the one error shape too, and
    optional parameters are not nullable."""

    def schema() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        ours = errors(422)[422]
        for methods in spec["paths"].values():
            for operation in methods.values():
                for parameter in operation.get("parameters", []):
                    _not_null(parameter)
                invalid = operation.get("responses", {}).get("422", {})
                if "HTTPValidationError" in str(invalid.get("content")):
                    operation["responses"]["422"] = {"description": ours["description"], "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorPublic"},
                                             "example": ours["content"]["application/json"]["example"]}}}
        for name in ("HTTPValidationError", "ValidationError"):
            spec["components"]["schemas"].pop(name, None)
        app.openapi_schema = spec
        return spec

    app.openapi = schema  # type: ignore[method-assign]
