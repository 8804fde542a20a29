"""auth=session: the cookie, its CSRF token, rotation, logout, and what a session is not.

What session shares with jwt (registration, roles, rate limits, the look-alike
login failure) is in test_auth_password.py. Two rules are left to the rendered
suites, which can reach inside: idle expiry (SESSION_IDLE_DAYS is a whole number
of days, so the live server cannot expire a session within a run), and the
refusal of a deactivated user's session (no route of the contract deactivates one).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
import uuid
from collections.abc import Callable

import httpx
import pytest

from tests.contract.conftest import (
    AUTH,
    CSRF_HEADER,
    PASSWORD,
    QUEUE_BLIND,
    SESSION_COOKIE,
    log_in,
    register,
    session_cookie,
    session_headers,
    sign_in,
)
from tests.contract.live import ADMIN_PASSWORD, LiveService

# Nothing here depends on the queue: one combination per framework x orm x database
# (auth is session; the queue and broker varied among them, so the sessions live in
# Redis in some and in the database in others) runs it.
pytestmark = [pytest.mark.stack(auth="session"), pytest.mark.covering(*QUEUE_BLIND)]
ITEMS = "/api/v1/items"
LOGOUT = f"{AUTH}/logout"
LOG_TIMEOUT = 5.0
Headers = dict[str, str]


def cookie(session_id: str) -> Headers:
    return {"Cookie": f"{SESSION_COOKIE}={session_id}"}


def id_of(headers: Headers) -> str:
    return headers["Cookie"].removeprefix(f"{SESSION_COOKIE}=")


def me(api: httpx.Client, headers: Headers) -> httpx.Response:
    return api.get(f"{AUTH}/me", headers=headers)


def assert_refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def new_item(api: httpx.Client, headers: Headers) -> httpx.Response:
    return api.post(ITEMS, json={"name": f"csrf-{uuid.uuid4().hex[:8]}"}, headers=headers)


def test_login_answers_a_csrf_token_and_an_http_only_cookie(api: httpx.Client) -> None:
    email = register(api)
    login = log_in(api, email)
    session = session_cookie(login)
    csrf = login.json()["data"]["csrf_token"]
    assert login.json() == {"data": {"csrf_token": csrf}}
    assert session["httponly"] is True
    assert session["samesite"].lower() == "lax"
    assert session["path"] == "/"
    assert not session["secure"], "the live service runs in development"
    assert not session["max-age"], "the server decides when a session expires"
    assert not session["expires"], "the server decides when a session expires"
    # An opaque random id, not a signed payload of the user; an unguessable token.
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", session.value), session.value
    assert len(csrf) >= 32
    assert csrf != session.value
    assert session.value not in login.text
    assert not api.cookies, "the client sends only the cookies a test names"
    mine = me(api, session_headers(login))
    assert mine.status_code == 200, mine.text
    assert mine.json()["data"]["email"] == email.lower()
    assert mine.json()["data"]["role"] == "user"


def changed(value: str) -> str:
    return value[:-1] + ("B" if value.endswith("A") else "A")


# Each from a real user's headers: what a client might send instead of its session.
NOT_A_SESSION: dict[str, Callable[[Headers], Headers]] = {
    "no-cookie": lambda real: {},
    "empty": lambda real: cookie(""),
    "garbage": lambda real: cookie("garbage"),
    "unknown": lambda real: cookie(secrets.token_urlsafe(32)),
    "one-character-changed": lambda real: cookie(changed(id_of(real))),
    "the-csrf-token": lambda real: cookie(real[CSRF_HEADER]),
    # What the store keeps: a leaked store is no list of sessions.
    "the-stored-key": lambda real: cookie(hashlib.sha256(id_of(real).encode()).hexdigest()),
    "another-cookie-name": lambda real: {"Cookie": f"sessionid={id_of(real)}"},
    "as-a-bearer-token": lambda real: {"Authorization": f"Bearer {id_of(real)}"},
}


@pytest.mark.parametrize("forge", NOT_A_SESSION.values(), ids=NOT_A_SESSION.keys())
def test_anything_but_a_live_session_cookie_is_401(
    api: httpx.Client, user: Headers, forge: Callable[[Headers], Headers]
) -> None:
    assert me(api, user).status_code == 200
    headers = forge(user)
    assert_refused(me(api, headers), 401, "UNAUTHORIZED")
    assert_refused(api.get(ITEMS, headers=headers), 401, "UNAUTHORIZED")


def token_in_cookies(own: Headers) -> str:
    token = own[CSRF_HEADER]
    return f"{own['Cookie']}; {CSRF_HEADER}={token}; csrf_token={token}; csrftoken={token}"


# Each from the session's headers and another session's: the CSRF part of a request.
BAD_CSRF: dict[str, Callable[[Headers, Headers], Headers]] = {
    "missing": lambda own, other: {},
    "empty": lambda own, other: {CSRF_HEADER: ""},
    "wrong": lambda own, other: {CSRF_HEADER: secrets.token_urlsafe(32)},
    "one-character-changed": lambda own, other: {CSRF_HEADER: changed(own[CSRF_HEADER])},
    "another-sessions": lambda own, other: {CSRF_HEADER: other[CSRF_HEADER]},
    "the-session-id": lambda own, other: {CSRF_HEADER: id_of(own)},
    "in-cookies": lambda own, other: {"Cookie": token_in_cookies(own)},
}


@pytest.mark.parametrize("bad", BAD_CSRF.values(), ids=BAD_CSRF.keys())
def test_an_unsafe_request_without_its_sessions_csrf_token_is_403(
    api: httpx.Client,
    live: LiveService,
    user: Headers,
    bad: Callable[[Headers, Headers], Headers],
) -> None:
    other = sign_in(api, live.auth)
    refused = new_item(api, {"Cookie": user["Cookie"], **bad(user, other)})
    assert_refused(refused, 403, "CSRF_FAILED")
    assert api.get(ITEMS, headers=user).json()["meta"]["total"] == 0, "it did nothing"
    assert new_item(api, user).status_code == 201, "the right token is accepted"


def test_every_unsafe_method_checks_the_token_and_safe_ones_need_none(
    api: httpx.Client, user: Headers
) -> None:
    bare = {"Cookie": user["Cookie"]}
    assert me(api, bare).status_code == 200
    assert api.get(ITEMS, headers=bare).status_code == 200
    item = new_item(api, user).json()["data"]
    url = f"{ITEMS}/{item['id']}"
    assert_refused(api.patch(url, json={"name": "changed"}, headers=bare), 403, "CSRF_FAILED")
    assert_refused(api.delete(url, headers=bare), 403, "CSRF_FAILED")
    assert api.get(url, headers=bare).json()["data"] == item
    assert api.patch(url, json={"name": "changed"}, headers=user).status_code == 200
    assert api.delete(url, headers=user).status_code == 204


def test_a_csrf_token_without_its_session_is_401(api: httpx.Client, user: Headers) -> None:
    token = {CSRF_HEADER: user[CSRF_HEADER]}
    assert_refused(new_item(api, token), 401, "UNAUTHORIZED")
    assert_refused(new_item(api, {**cookie("garbage"), **token}), 401, "UNAUTHORIZED")


def test_login_rotates_the_session_it_was_sent_with(api: httpx.Client) -> None:
    """And only that one: a login on another device leaves the first signed in."""
    email = register(api)
    first, elsewhere = (session_headers(log_in(api, email)) for _ in range(2))
    second = session_headers(log_in(api, email, headers=cookie(id_of(first))))
    assert id_of(second) != id_of(first)
    assert second[CSRF_HEADER] != first[CSRF_HEADER]
    assert_refused(me(api, first), 401, "UNAUTHORIZED")
    assert me(api, second).status_code == 200
    assert me(api, elsewhere).status_code == 200
    stale_token = {**second, CSRF_HEADER: first[CSRF_HEADER]}
    assert_refused(new_item(api, stale_token), 403, "CSRF_FAILED")


def test_a_session_id_chosen_by_the_client_is_not_adopted(api: httpx.Client) -> None:
    chosen = secrets.token_urlsafe(32)
    login = log_in(api, register(api), headers=cookie(chosen))
    assert session_cookie(login).value != chosen
    assert_refused(me(api, cookie(chosen)), 401, "UNAUTHORIZED")


def test_logout_with_the_token_ends_that_session_and_clears_the_cookie(
    api: httpx.Client,
) -> None:
    email = register(api)
    session, elsewhere = (session_headers(log_in(api, email)) for _ in range(2))
    assert_refused(api.post(LOGOUT, headers={"Cookie": session["Cookie"]}), 403, "CSRF_FAILED")
    assert me(api, session).status_code == 200, "a refused logout ends nothing"
    logout = api.post(LOGOUT, headers=session)
    assert logout.status_code == 204, logout.text
    assert logout.content == b""
    cleared = session_cookie(logout)
    assert cleared.value == ""
    assert cleared["max-age"] == "0"
    assert cleared["path"] == "/"
    assert_refused(me(api, session), 401, "UNAUTHORIZED")
    assert_refused(api.post(LOGOUT, headers=session), 401, "UNAUTHORIZED")
    assert_refused(api.post(LOGOUT), 401, "UNAUTHORIZED")
    assert me(api, elsewhere).status_code == 200, "only that session ends"


def test_the_log_never_shows_a_session_id_a_csrf_token_or_a_password(
    api: httpx.Client, live: LiveService
) -> None:
    session = session_headers(log_in(api, register(api)))
    me(api, session)
    new_item(api, {"Cookie": session["Cookie"]})
    marker = f"hygiene-{uuid.uuid4().hex}"
    api.post(LOGOUT, headers={**session, "X-Request-ID": marker})
    deadline = time.monotonic() + LOG_TIMEOUT
    while marker not in live.log():
        assert time.monotonic() < deadline, "the logout's request was not logged"
        time.sleep(0.1)
    log = live.log()
    for secret in (id_of(session), session[CSRF_HEADER], PASSWORD, ADMIN_PASSWORD):
        assert secret not in log
