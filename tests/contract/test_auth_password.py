"""auth=jwt and auth=session: what the two password logins share.

Registration and its rules, the login failure that does not tell which half was
wrong, the admin role, and the rate limits of login and register.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.contract.conftest import (
    AUTH,
    PASSWORD,
    QUEUE_BLIND,
    SESSION_COOKIE,
    client_for,
    new_email,
    register,
    sign_in,
)
from tests.contract.live import LiveService

# Nothing here depends on the queue: one combination per framework x orm x database x
# auth (jwt, session; the queue and broker varied among them) runs it.
pytestmark = [pytest.mark.stack(auth="jwt+session"), pytest.mark.covering(*QUEUE_BLIND)]


def test_duplicate_and_weak_registrations(api: httpx.Client) -> None:
    """Five registrations: the most one address may make in a minute."""
    email = new_email()
    assert api.post(f"{AUTH}/register", json={"email": email, "password": PASSWORD}).is_success
    again = api.post(f"{AUTH}/register", json={"email": email.upper(), "password": PASSWORD})
    assert again.status_code == 409
    same = new_email()
    for body in (
        {"email": new_email(), "password": "short"},
        {"email": new_email(), "password": "x" * 129},
        {"email": same, "password": same},
    ):
        weak = api.post(f"{AUTH}/register", json=body)
        assert weak.status_code == 400, body
        assert weak.json()["error"]["code"] == "VALIDATION_ERROR"


def opens_no_session(response: httpx.Response) -> bool:
    cookies = response.headers.get_list("set-cookie")
    return not any(cookie.startswith(f"{SESSION_COOKIE}=") for cookie in cookies)


def test_wrong_password_and_unknown_email_look_alike(api: httpx.Client) -> None:
    email = register(api)
    wrong = api.post(f"{AUTH}/login", json={"email": email, "password": "not-the-password"})
    unknown = api.post(f"{AUTH}/login", json={"email": new_email(), "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "UNAUTHORIZED"
    assert opens_no_session(wrong)
    assert opens_no_session(unknown)


def test_users_are_for_admins(
    api: httpx.Client, user: dict[str, str], admin: dict[str, str]
) -> None:
    forbidden = api.get("/api/v1/users", headers=user)
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["code"] == "FORBIDDEN"
    listed = api.get("/api/v1/users", params={"page_size": 1}, headers=admin)
    assert listed.status_code == 200
    assert listed.json()["meta"]["page_size"] == 1
    assert listed.json()["meta"]["total"] >= 2
    assert api.get(f"{AUTH}/me", headers=admin).json()["data"]["role"] == "admin"


@pytest.mark.parametrize("route", ["login", "register"])
def test_rate_limit(api: httpx.Client, route: str) -> None:
    body = {"email": "nobody@example.com", "password": "x"}
    statuses = [api.post(f"{AUTH}/{route}", json=body).status_code for _ in range(6)]
    assert 429 not in statuses[:5]
    assert statuses[5] == 429
    limited = api.post(f"{AUTH}/{route}", json=body)
    assert limited.json()["error"]["code"] == "RATE_LIMITED"
    assert int(limited.headers["retry-after"]) > 0


def test_a_limited_address_does_not_limit_others(live: LiveService, api: httpx.Client) -> None:
    body = {"email": "nobody@example.com", "password": "x"}
    for _ in range(6):
        api.post(f"{AUTH}/login", json=body)
    with client_for(live) as other:
        assert sign_in(other, live.auth)


def test_the_email_rule_is_the_documented_pattern(api: httpx.Client) -> None:
    """Found by schemathesis: a schema-valid `.test` address was refused."""
    schema = api.get("/openapi.json").json()["components"]["schemas"]["UserRegister"]
    assert "pattern" in schema["properties"]["email"]
    email = f"dev-{uuid.uuid4().hex[:8]}@service.test"
    created = api.post(f"{AUTH}/register", json={"email": email, "password": PASSWORD})
    assert created.status_code == 201, created.text
