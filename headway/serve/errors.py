"""One JSON error shape for every failure: {"ok": false, "status", "error", "hint", "code", "errors"}."""

from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from headway.engine import DataError, EngineError, QueryError
from headway.errors import HeadwayError
from headway.spec.paths import without_paths

log = logging.getLogger("headway.serve")
# where an engine's message turns into SQL or its own context: "LINE 1: SELECT ...", "SQL: ...", "\n\n"
_SQL_TAIL = re.compile(r"\s(?:LINE \d+:|SQL:|\[SQL|SELECT\s|WITH\s|FROM\s\w+\()", re.IGNORECASE)


class ErrorBody(BaseModel):
    """The one error shape, as documented in the OpenAPI schema."""

    ok: Literal[False] = False
    status: int
    error: str
    hint: str = ""
    code: str
    errors: list[Any] = Field(default_factory=list)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The query was refused (unknown dimension, --where, date range)."},
    404: {"model": ErrorBody, "description": "Unknown metric."},
    422: {"model": ErrorBody, "description": "A parameter is malformed or out of bounds."},
    500: {"model": ErrorBody, "description": "The data or the engine failed."},
}


def error_body(
    status: int, message: str, *, hint: str = "", code: str = "error", errors: list[Any] | None = None
) -> dict[str, Any]:
    return {"ok": False, "status": status, "error": message, "hint": hint, "code": code, "errors": errors or []}


def _respond(status: int, message: str, **kwargs: Any) -> JSONResponse:
    return JSONResponse(error_body(status, message, **kwargs), status_code=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(QueryError)
    async def _query(_: Request, exc: QueryError) -> JSONResponse:
        status = 404 if exc.code == "unknown_metric" else 400
        return _respond(status, exc.message, hint=exc.hint, code=exc.code)

    @app.exception_handler(HeadwayError)
    async def _headway(request: Request, exc: HeadwayError) -> JSONResponse:
        if exc.status < 500:
            return _respond(exc.status, exc.message, hint=exc.hint, code=exc.code)
        return _logged(request, exc, exc.status, exc.code, exc.hint)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        return _logged(request, exc, 500, "data_error", "Check the source's files and its declaration.")

    @app.exception_handler(EngineError)
    async def _engine(request: Request, exc: EngineError) -> JSONResponse:
        return _logged(request, exc, 500, "engine_error", "Check that the data matches its declared types.")

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
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Starlette still re-raises after this response, so the server log keeps the traceback too.
        return _logged(request, exc, 500, "internal_error", "", prefix=f"internal error: {type(exc).__name__}: ")


def public_message(text: str, root: Path) -> str:
    """The first line of an error, without absolute paths or the SQL an engine quotes after it."""
    first = text.strip().splitlines()[0] if text.strip() else "no message"
    first = _SQL_TAIL.split(first, maxsplit=1)[0].rstrip(" :;,")
    return without_paths(first, root)[:500]


def _logged(request: Request, exc: Exception, status: int, code: str, hint: str, prefix: str = "") -> JSONResponse:
    """Answer with the public part of the error; log the whole of it under an id the answer quotes."""
    error_id = secrets.token_hex(6)
    log.error("error %s (%s): %s", error_id, code, exc)
    root = request.app.state.headway.workspace.root
    message = public_message(prefix + str(exc), root)
    where = f"The server log has the details under error id {error_id}."
    response = _respond(status, message, code=code, hint=f"{hint} {where}".strip())
    response.headers["x-headway-error-id"] = error_id
    return response
