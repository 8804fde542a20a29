"""Liveness, readiness, and a database that goes away."""

from pathlib import Path

from fastapi import FastAPI
from httpx import AsyncClient

from src.core.database import Database
from tests.conftest import sqlite_url


async def test_live(client: AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_checks_the_database(client: AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


async def test_database_down_is_503(
    app: FastAPI, client: AsyncClient, user_headers: dict[str, str]
) -> None:
    await app.state.database.close()
    app.state.database = Database(sqlite_url(Path("/nonexistent-directory/service.db")))
    ready = await client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "checks": {"database": "unavailable"}}
    items = await client.get("/api/v1/items", headers=user_headers)
    assert items.status_code == 503
    assert items.json()["error"]["code"] == "SERVICE_UNAVAILABLE"


async def test_not_ready_until_migrated(app: FastAPI, client: AsyncClient, tmp_path: Path) -> None:
    await app.state.database.close()
    app.state.database = Database(sqlite_url(tmp_path / "empty.db"))
    ready = await client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": "unavailable"}
