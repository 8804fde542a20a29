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
from http.cookiejar import CookieJar, DefaultCookiePolicy
from http.cookies import Morsel, SimpleCookie
from pathlib import Path

import httpx
import pytest

from tests import servers
from tests.conftest import Renders, worker_environment_folder
from tests.contract.live import ADMIN_EMAIL, ADMIN_PASSWORD, BOOTSTRAP_API_KEY, LiveService
from tests.matrix import combination_id

PASSWORD = "contract-user-password"
AUTH = "/api/v1/auth"
# auth=session: the cookie that carries the session id, the header that carries its CSRF token.
SESSION_COOKIE = "session"
CSRF_HEADER = "X-CSRF-Token"
# auth=api_key: the header that carries a key, the routes that manage keys.
API_KEY_HEADER = "X-API-Key"
API_KEYS = "/api/v1/api-keys"
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
    """A client on a loopback address no other test uses.

    Its cookie jar keeps nothing: a session travels only in the headers a test
    sends (`sign_in`), never because an earlier response set a cookie, so a
    request meant to carry no or another session does exactly that, and a second
    login on the client does not rotate the first one's session away.
    """
    transport = httpx.HTTPTransport(local_address=next(_addresses))
    keeps_nothing = CookieJar(DefaultCookiePolicy(allowed_domains=[]))
    return httpx.Client(
        base_url=live.base_url,
        transport=transport,
        timeout=REQUEST_TIMEOUT,
        cookies=keeps_nothing,
    )


@pytest.fixture
def api(live: LiveService) -> Iterator[httpx.Client]:
    with client_for(live) as client:
        yield client


def new_email() -> str:
    return f"Person-{uuid.uuid4().hex[:10]}@Example.com"


def register(api: httpx.Client) -> str:
    """A new account's e-mail (as sent: the service keeps it in lower case)."""
    email = new_email()
    registered = api.post(f"{AUTH}/register", json={"email": email, "password": PASSWORD})
    assert registered.status_code == 201, registered.text
    return email


def log_in(api: httpx.Client, email: str, headers: dict[str, str] | None = None) -> httpx.Response:
    password = ADMIN_PASSWORD if email == ADMIN_EMAIL else PASSWORD
    login = api.post(f"{AUTH}/login", json={"email": email, "password": password}, headers=headers)
    assert login.status_code == 200, login.text
    return login


def session_cookie(response: httpx.Response) -> Morsel[str]:
    """The session cookie `response` sets, with its attributes."""
    for header in response.headers.get_list("set-cookie"):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        if SESSION_COOKIE in cookie:
            return cookie[SESSION_COOKIE]
    pytest.fail(f"no {SESSION_COOKIE} cookie in {response.headers.get_list('set-cookie')}")


def session_headers(login: httpx.Response) -> dict[str, str]:
    """What a browser sends on an unsafe request of the session a login opened."""
    return {
        "Cookie": f"{SESSION_COOKIE}={session_cookie(login).value}",
        CSRF_HEADER: login.json()["data"]["csrf_token"],
    }


def new_api_key(api: httpx.Client, role: str = "user") -> dict[str, object]:
    """A key the admin makes: the body of its 201, the whole key included."""
    body = {"name": f"contract-{uuid.uuid4().hex[:10]}", "role": role}
    made = api.post(API_KEYS, json=body, headers={API_KEY_HEADER: BOOTSTRAP_API_KEY})
    assert made.status_code == 201, made.text
    data: dict[str, object] = made.json()["data"]
    return data


def sign_in(api: httpx.Client, auth: str, email: str | None = None) -> dict[str, str]:
    """Headers of a new user (or of the admin, `email=ADMIN_EMAIL`) in the combination's auth mode.

    With auth=api_key a new user is a new key with the role user, and the admin is
    the key the server started with (BOOTSTRAP_API_KEY).
    """
    if auth == "none":
        return {}
    if auth == "api_key":
        admin = email == ADMIN_EMAIL
        return {API_KEY_HEADER: BOOTSTRAP_API_KEY if admin else str(new_api_key(api)["key"])}
    if auth not in ("jwt", "session"):
        pytest.fail(f"the contract suite cannot sign in with auth={auth} yet: teach sign_in()")
    login = log_in(api, email or register(api))
    if auth == "session":
        return session_headers(login)
    return {"Authorization": f"Bearer {login.json()['data']['access_token']}"}


@pytest.fixture
def user(api: httpx.Client, live: LiveService) -> dict[str, str]:
    return sign_in(api, live.auth)


@pytest.fixture
def admin(api: httpx.Client, live: LiveService) -> dict[str, str]:
    return sign_in(api, live.auth, ADMIN_EMAIL)
