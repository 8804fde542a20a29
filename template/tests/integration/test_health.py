"""Liveness, readiness, and a database that goes away."""

import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from src.core.database import Database
from tests.conftest import sqlite_url


@pytest.fixture
async def broken_database_threads(app: FastAPI) -> AsyncIterator[None]:
    """Close the swapped-in database and wait for aiosqlite's threads while the loop lives.

    aiosqlite starts a thread per connection attempt; after a failed connect it
    still reports back to the event loop, which must not be closed by then.
    """
    before = set(threading.enumerate())
    yield
    await app.state.database.close()
    for thread in set(threading.enumerate()) - before:
        if "_connection_worker_thread" in thread.name:
            thread.join(timeout=5)


async def test_live(client: AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_checks_the_database(client: AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


@pytest.mark.usefixtures("broken_database_threads")
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


@pytest.mark.usefixtures("broken_database_threads")
async def test_not_ready_until_migrated(app: FastAPI, client: AsyncClient, tmp_path: Path) -> None:
    await app.state.database.close()
    app.state.database = Database(sqlite_url(tmp_path / "empty.db"))
    ready = await client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": "unavailable"}
