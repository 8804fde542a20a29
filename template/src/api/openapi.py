"""The OpenAPI document: FastAPI's, with the contract's 400 in place of FastAPI's 422."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from src.core.exceptions import ERROR_CODES
from src.schemas.common import ErrorResponse

_UNUSED_SCHEMAS = ("HTTPValidationError", "ValidationError")


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: each status it may answer with, in the error envelope."""
    return {
        status: {"model": ErrorResponse, "description": ERROR_CODES[status]}
        for status in (*statuses, 500, 503)
    }


def install_openapi(app: FastAPI) -> None:
    """Build the document once, on first request, without FastAPI's 422 responses."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            for path in document.get("paths", {}).values():
                for operation in path.values():
                    operation.get("responses", {}).pop("422", None)
            schemas = document.get("components", {}).get("schemas", {})
            for name in _UNUSED_SCHEMAS:
                schemas.pop(name, None)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
