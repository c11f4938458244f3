"""One error shape for every error response, produced by one set of handlers.

    {"error": {"status": 422, "code": "validation_error", "message": "…", "message_zh": "…",
               "fields": ["text"]}, "request_id": "…"}
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from triage.errors import InputError

__all__ = ["ApiError", "error_body", "install_error_handlers"]

log = logging.getLogger("triage.service")

_STATUS_TEXT = {
    400: ("bad_request", "Bad request.", "请求有误。"),
    401: ("unauthorized", "Missing or wrong API key.", "缺少或错误的 API 密钥。"),
    403: ("forbidden", "This key's role may not do that.", "该密钥的角色无权执行此操作。"),
    404: ("not_found", "No such resource.", "资源不存在。"),
    405: ("method_not_allowed", "Method not allowed.", "不支持该请求方法。"),
    409: ("conflict", "The request contradicts what is stored.", "请求与已存数据冲突。"),
    412: ("precondition_failed", "The ticket changed since you read it.", "工单在您读取后已被修改。"),
    413: ("too_large", "The request is too large.", "请求内容过大。"),
    415: ("unsupported_media_type", "The body must be JSON (Content-Type: application/json).",
          "请求体必须是 JSON（Content-Type: application/json）。"),
    422: ("validation_error", "The request is not valid.", "请求内容不合法。"),
    503: ("store_unavailable", "The database cannot be reached; try again shortly.",
          "数据库暂时无法访问，请稍后重试。"),
    500: ("internal_error", "Internal error; the request id is in the log.", "服务内部错误，请凭请求编号查询日志。"),
}

_FIELD_MESSAGES_ZH = {
    "missing": "缺少必填字段",
    "string_type": "应为字符串",
    "list_type": "应为数组",
    "model_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "json_invalid": "不是合法的 JSON",
    "too_short": "不能为空",
    "string_too_long": "过长",
    "value_error": "取值不合法",
    "bool_type": "应为布尔值",
}


class ApiError(Exception):
    """An error with an HTTP status and messages in English and Chinese."""

    def __init__(self, status: int, message: str, message_zh: str, *, code: str | None = None,
                 fields: list[str] | None = None, headers: dict[str, str] | None = None,
                 current: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.message_zh = status, message, message_zh
        self.code = code or _STATUS_TEXT.get(status, ("error",))[0]
        self.fields = fields or []
        self.headers = headers or {}
        self.current = current  # what is stored now, for an answer that refuses a stale write


def error_detail(error: ApiError) -> dict[str, Any]:
    """The ``error`` object of an error answer, also used for one failed item of a batch."""
    return {"status": error.status, "code": error.code, "message": error.message, "message_zh": error.message_zh,
            "fields": error.fields}


def error_body(status: int, code: str, message: str, message_zh: str, fields: list[str] | None = None,
               request_id: str | None = None) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message, "message_zh": message_zh,
                      "fields": fields or []}, "request_id": request_id}


def _respond(request: Request, error: ApiError) -> JSONResponse:
    request_id = request.scope.get("state", {}).get("request_id")
    body = error_body(error.status, error.code, error.message, error.message_zh, error.fields, request_id)
    if error.current is not None:
        body["current"] = error.current
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def _not_json(err: dict[str, Any], body: bytes) -> ApiError:
    """The body is not JSON: say where (line and column), not a character offset as a field name."""
    loc = err.get("loc", ())
    offset = loc[-1] if loc and isinstance(loc[-1], int) else 0
    text = body.decode("utf-8", "replace")[:offset]
    line, column = text.count("\n") + 1, offset - (text.rfind("\n") + 1) + 1
    reason = str((err.get("ctx") or {}).get("error", "invalid JSON"))
    return ApiError(422, f"The body is not valid JSON: {reason} at line {line}, column {column}.",
                    f"请求体不是合法的 JSON：第 {line} 行第 {column} 列附近有误。", fields=["body"])


def invalid_fields(errors: list[Any], body: bytes = b"", prefix: str = "") -> ApiError:
    """A 422 naming every invalid field (``prefix`` before each name, e.g. ``items.3``)."""
    fields, en, zh = [], [], []
    for err in errors:
        if err.get("type") == "json_invalid":
            return _not_json(err, body)
        where = tuple(err.get("loc", ()))
        where = where[1:] if where[:1] == ("header",) else where  # a header is named as sent: Idempotency-Key
        loc = [*([prefix] if prefix else []), *(str(p) for p in where if p != "body")]
        name = ".".join(loc) or "body"
        kind = err.get("type", "")
        fields.append(name)
        message = str(err.get("msg", "invalid"))
        if kind == "value_error":
            message = message.removeprefix("Value error, ")
        en.append(f"{name}: {message}")
        zh.append(f"{name}：{'不能为空' if message == 'text is empty' else _FIELD_MESSAGES_ZH.get(kind, '取值不合法')}")
    return ApiError(422, "; ".join(en) or "The request is not valid.", "；".join(zh) or "请求内容不合法。",
                    fields=list(dict.fromkeys(fields)))


def install_error_handlers(app: FastAPI) -> None:
    """Route every error through one shape."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _respond(request, exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _respond(request, invalid_fields(list(exc.errors()), await request.body()))

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> JSONResponse:
        return _respond(request, ApiError(422, str(exc), "文本无法处理（规范化后为空或类型错误）。", fields=["text"]))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code
        if status == 400:  # FastAPI could not decode the body at all (e.g. invalid UTF-8)
            return _respond(request, ApiError(422, "The body is not valid UTF-8 JSON.",
                                              "请求体不是合法的 UTF-8 JSON。", fields=["body"]))
        code, en, zh = _STATUS_TEXT.get(status, ("error", str(exc.detail), str(exc.detail)))
        return _respond(request, ApiError(status, en, zh, code=code, headers=dict(exc.headers or {})))

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, exc: DBAPIError) -> JSONResponse:
        log.error('{"event": "database_error", "error": "%s"}', type(exc.orig).__name__)
        code, en, zh = _STATUS_TEXT[503]
        return _respond(request, ApiError(503, en, zh, code=code))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"request_id": request.scope.get("state", {}).get("request_id")})
        code, en, zh = _STATUS_TEXT[500]
        return _respond(request, ApiError(500, en, zh, code=code))
