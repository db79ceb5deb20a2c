"""One JSON error shape for every failure: {"ok": false, "status", "error", "hint", "code", "errors"}."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from headway.errors import HeadwayError

_DEFAULT_HINTS = {"data_error": "Check the source's files and its declaration."}


class ErrorBody(BaseModel):
    """The one error shape, as documented in the OpenAPI schema."""

    ok: Literal[False] = False
    status: int
    error: str
    hint: str = ""
    code: str
    errors: list[Any] = Field(default_factory=list)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The query was refused (unknown dimension, where, date range)."},
    403: {"model": ErrorBody, "description": "The metric is restricted and the actor may not read it."},
    404: {"model": ErrorBody, "description": "Unknown metric."},
    422: {"model": ErrorBody, "description": "A parameter is malformed or out of bounds."},
    500: {"model": ErrorBody, "description": "The data or the engine failed."},
    503: {"model": ErrorBody, "description": "The data changed while it was read; retry (Retry-After)."},
}


def error_body(
    status: int, message: str, *, hint: str = "", code: str = "error", errors: list[Any] | None = None
) -> dict[str, Any]:
    return {"ok": False, "status": status, "error": message, "hint": hint, "code": code, "errors": errors or []}


def _respond(status: int, message: str, **kwargs: Any) -> JSONResponse:
    return JSONResponse(error_body(status, message, **kwargs), status_code=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(HeadwayError)
    async def _headway(_: Request, exc: HeadwayError) -> JSONResponse:
        hint = exc.hint or _DEFAULT_HINTS.get(exc.code, "")
        headers = {"Retry-After": "1"} if exc.retryable else None
        return JSONResponse(error_body(exc.status, exc.message, hint=hint, code=exc.code), exc.status, headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [{"loc": list(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors()]
        first = details[0] if details else {"loc": [], "message": "invalid request"}
        where = ".".join(str(p) for p in first["loc"][1:]) or "request"
        return _respond(422, f"{where}: {first['message']}", code="invalid_request", errors=details)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        # keep the exception's headers: a 405 must say which methods are allowed (Allow)
        body = error_body(exc.status_code, str(exc.detail), code="http_error")
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # Starlette still re-raises after this response, so the server log keeps the traceback.
        lines = str(exc).strip().splitlines()
        message = f"internal error: {type(exc).__name__}: {lines[0] if lines else 'no message'}"
        return _respond(500, message, code="internal_error", hint="The server log holds the traceback.")
