"""Fixtures of the contract suite: one live server per combination, clients, principals.

Each test talks from its own loopback address (127.x.y.z): the service limits
login and register per client address, so tests never share a budget, and the
server runs with its production defaults, rate limits included.
"""

from __future__ import annotations

import ipaddress
import itertools
import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from tests import servers
from tests.conftest import Renders, worker_environment_folder
from tests.contract.live import ADMIN_EMAIL, ADMIN_PASSWORD, LiveService
from tests.matrix import combination_id

PASSWORD = "contract-user-password"
# The questions that tests of the items, errors and auth routes can differ on: they run
# once per distinct answer to these (`covering`), the queue and broker varied among them.
QUEUE_BLIND = ("framework", "orm", "database", "auth")
REQUEST_TIMEOUT = 15.0


class Services:
    """At most one live server per worker: starting another stops the last."""

    def __init__(self, renders: Renders, base: Path, worker: str) -> None:
        self.renders, self.base = renders, base
        self.current: tuple[str, LiveService, ExitStack] | None = None
        self.failed: set[str] = set()
        self.venv = worker_environment_folder(worker) / "venv"

    def get(self, answers: dict[str, str]) -> LiveService:
        key = combination_id(answers)
        if key in self.failed:
            pytest.fail(f"the server of {key} did not start (see the first failure)", False)
        if self.current and self.current[0] == key:
            return self.current[1]
        self.close()
        stack = ExitStack()
        try:
            env = stack.enter_context(
                servers.environment(answers, servers.resource_name(f"c_{key}"))
            )
            project = self.renders.copy(answers, self.base / key)
            env["UV_PROJECT_ENVIRONMENT"] = str(self.venv)
            sync = LiveService(project, answers, env).sync()
            service = stack.enter_context(sync.running())
        except BaseException:
            self.failed.add(key)
            stack.close()
            raise
        self.current = (key, service, stack)
        return service

    def attach(self, service: LiveService) -> LiveService:
        """Stop `service` together with the current combination's server."""
        assert self.current is not None
        self.current[2].callback(service.stop)
        return service

    def close(self) -> None:
        if self.current:
            self.current[2].close()
            self.current = None


@pytest.fixture(scope="session")
def services(
    renders: Renders, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> Iterator[Services]:
    registry = Services(renders, tmp_path_factory.mktemp("live"), worker_id)
    yield registry
    registry.close()


@pytest.fixture
def live(services: Services, combination: dict[str, str]) -> LiveService:
    return services.get(combination)


_worker_number = int("".join(filter(str.isdigit, os.environ.get("PYTEST_XDIST_WORKER", "0"))))
_addresses = (
    str(ipaddress.IPv4Address("127.0.0.0") + (_worker_number + 1) * 2**16 + n)
    for n in itertools.count(1)
)


def client_for(live: LiveService) -> httpx.Client:
    """A client on a loopback address no other test uses."""
    transport = httpx.HTTPTransport(local_address=next(_addresses))
    return httpx.Client(base_url=live.base_url, transport=transport, timeout=REQUEST_TIMEOUT)


@pytest.fixture
def api(live: LiveService) -> Iterator[httpx.Client]:
    with client_for(live) as client:
        yield client


def sign_in(api: httpx.Client, auth: str, email: str | None = None) -> dict[str, str]:
    """Headers of a new user (or of the admin) in the combination's auth mode."""
    if auth == "none":
        return {}
    if auth != "jwt":
        pytest.fail(f"the contract suite cannot sign in with auth={auth} yet: teach sign_in()")
    if email is None:
        email = f"user-{uuid.uuid4().hex[:12]}@example.com"
        registered = api.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
        assert registered.status_code == 201, registered.text
    password = ADMIN_PASSWORD if email == ADMIN_EMAIL else PASSWORD
    login = api.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['data']['access_token']}"}


@pytest.fixture
def user(api: httpx.Client, live: LiveService) -> dict[str, str]:
    return sign_in(api, live.auth)


@pytest.fixture
def admin(api: httpx.Client, live: LiveService) -> dict[str, str]:
    return sign_in(api, live.auth, ADMIN_EMAIL)
