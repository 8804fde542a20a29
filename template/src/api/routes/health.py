"""Liveness and readiness."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from src.api.openapi import errors
from src.schemas.health import Liveness, Readiness

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live", response_model=Liveness, responses=errors())
async def live() -> Liveness:
    """The process is up."""
    return Liveness()


@router.get(
    "/ready",
    response_model=Readiness,
    responses={
        **errors(),
        503: {"model": Readiness, "description": "A dependency is down or not migrated"},
    },
)
async def ready(request: Request) -> JSONResponse:
    """Every dependency answers; 503 names the one that does not."""
    state = request.app.state
    database_ok = await state.database.is_ready(state.schema_revision)
    checks = {"database": "ok" if database_ok else "unavailable"}
    healthy = all(state == "ok" for state in checks.values())
    body = Readiness(status="ok" if healthy else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if healthy else 503)
