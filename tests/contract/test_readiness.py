"""A server database that goes away: 503s, never a 500 or a hang, and recovery by itself."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.contract.conftest import Services, client_for, sign_in
from tests.contract.live import LiveService
from tests.proxy import TcpProxy

# The outage is the database's: one combination per framework x orm x database runs it.
pytestmark = [
    pytest.mark.stack(database="postgresql+mysql"),
    pytest.mark.covering("framework", "orm", "database"),
]
RECOVERY_TIMEOUT = 30.0
OUTAGE_REQUEST_TIMEOUT = 10.0


def through(url: str, port: int) -> str:
    """The same database URL, reached through the proxy on `port`."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    return urlunsplit(parts._replace(netloc=f"{credentials}@127.0.0.1:{port}"))


@pytest.fixture
def behind_proxy(
    services: Services, combination: dict[str, str]
) -> Iterator[tuple[LiveService, TcpProxy]]:
    contract = services.get(combination)
    database = urlsplit(contract.env["DATABASE_URL"])
    assert database.hostname is not None
    assert database.port is not None
    with TcpProxy(database.hostname, database.port) as proxy:
        env = {**contract.env, "DATABASE_URL": through(contract.env["DATABASE_URL"], proxy.port)}
        service = LiveService(contract.project, combination, env).start()
        try:
            yield service, proxy
        finally:
            service.stop()


def test_database_outage_is_503_and_recovers(behind_proxy: tuple[LiveService, TcpProxy]) -> None:
    service, proxy = behind_proxy
    with client_for(service) as api:
        headers = sign_in(api, service.auth)
        assert api.get("/health/ready").status_code == 200

        proxy.cut()
        started = time.monotonic()
        ready = api.get("/health/ready", timeout=OUTAGE_REQUEST_TIMEOUT)
        assert ready.status_code == 503
        assert ready.json()["status"] == "unavailable"
        assert ready.json()["checks"]["database"] == "unavailable"
        items = api.get("/api/v1/items", headers=headers, timeout=OUTAGE_REQUEST_TIMEOUT)
        assert items.status_code == 503, items.text
        assert items.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
        assert time.monotonic() - started < OUTAGE_REQUEST_TIMEOUT

        proxy.restore()
        deadline = time.monotonic() + RECOVERY_TIMEOUT
        while api.get("/health/ready").status_code != 200:
            assert time.monotonic() < deadline, "no recovery without a restart"
            time.sleep(0.2)
        assert api.get("/api/v1/items", headers=headers).status_code == 200
