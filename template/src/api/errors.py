"""Exception handlers: every error leaves as the contract's error envelope."""

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException
from starlette.routing import Match

from src.core.exceptions import ERROR_CODES, AppError, error_body

logger = logging.getLogger(__name__)

_HTTP_MESSAGES = {
    404: "Resource not found",
    405: "Method not allowed",
    413: "Request body too large",
}


def _field(location: Sequence[int | str]) -> str:
    """`("body", "name")` -> `name`; a query or path parameter keeps its own name."""
    parts = [str(part) for part in location[1:]] if len(location) > 1 else [str(location[0])]
    return ".".join(parts)


async def app_error(_request: Request, error: AppError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status_code, headers=error.headers)


_METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> str:
    """Every method some route answers on this path (Starlette names only the first route's)."""
    routes = request.app.router.routes

    def answers(method: str) -> bool:
        scope = {**request.scope, "method": method}
        return any(route.matches(scope)[0] == Match.FULL for route in routes)

    return ", ".join(method for method in _METHODS if answers(method))


async def http_error(request: Request, error: HTTPException) -> JSONResponse:
    status = error.status_code
    message = _HTTP_MESSAGES.get(status) or str(error.detail)
    fallback = "INTERNAL_ERROR" if status >= HTTPStatus.INTERNAL_SERVER_ERROR else "BAD_REQUEST"
    code = ERROR_CODES.get(status, fallback)
    headers = dict(error.headers or {})
    if status == HTTPStatus.METHOD_NOT_ALLOWED:
        headers["Allow"] = allowed_methods(request)
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
    problems: list[dict[str, Any]] = list(error.errors())
    if any(problem["type"] == "json_invalid" for problem in problems):
        return JSONResponse(error_body("BAD_REQUEST", "Malformed JSON body"), status_code=400)
    details = [
        {"field": _field(problem["loc"]), "message": str(problem["msg"])} for problem in problems
    ]
    body = error_body("VALIDATION_ERROR", "Request validation failed", details)
    return JSONResponse(body, status_code=400)


async def database_unavailable(_request: Request, error: Exception) -> JSONResponse:
    logger.error("database unavailable: %s", type(error).__name__)
    body = error_body("SERVICE_UNAVAILABLE", "The database is unavailable; try again later")
    return JSONResponse(body, status_code=503)


def register_error_handlers(app: FastAPI) -> None:
    # Starlette types handlers as taking any Exception; each here takes the one it is for.
    app.add_exception_handler(AppError, app_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(OperationalError, database_unavailable)
    app.add_exception_handler(InterfaceError, database_unavailable)
