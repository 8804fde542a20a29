"""auth=jwt: registration, tokens, rotation with reuse detection, roles, rate limits."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass

import httpx
import pytest

from extensions import catalog
from tests.contract.conftest import PASSWORD, QUEUE_BLIND, client_for, sign_in
from tests.contract.live import CONTRACT_SECRET_KEY, LiveService

# Nothing here depends on the queue: one combination per framework x orm x database
# (auth is jwt; the queue and broker varied among them) runs it.
pytestmark = [pytest.mark.stack(auth="jwt"), pytest.mark.covering(*QUEUE_BLIND)]
AUTH = "/api/v1/auth"


def new_email() -> str:
    return f"Person-{uuid.uuid4().hex[:10]}@Example.com"


def register(api: httpx.Client) -> str:
    """A new account's e-mail."""
    email = new_email()
    api.post(f"{AUTH}/register", json={"email": email, "password": PASSWORD})
    return email


def tokens(api: httpx.Client, email: str) -> dict[str, str]:
    response = api.post(f"{AUTH}/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    data: dict[str, str] = response.json()["data"]
    return data


def test_register_then_login(api: httpx.Client) -> None:
    email = new_email()
    registered = api.post(f"{AUTH}/register", json={"email": email, "password": PASSWORD})
    assert registered.status_code == 201
    assert registered.json()["data"]["email"] == email.lower()
    assert registered.headers["location"]
    pair = tokens(api, email.lower())
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert pair["token_type"] == "bearer"
    me = api.get(f"{AUTH}/me", headers={"Authorization": f"Bearer {pair['access_token']}"})
    assert me.json()["data"]["email"] == email.lower()
    assert me.json()["data"]["role"] == "user"


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


def test_wrong_password_and_unknown_email_look_alike(api: httpx.Client) -> None:
    email = register(api)
    wrong = api.post(f"{AUTH}/login", json={"email": email, "password": "not-the-password"})
    unknown = api.post(f"{AUTH}/login", json={"email": new_email(), "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_refresh_rotates_and_reuse_revokes_the_login(api: httpx.Client) -> None:
    email = register(api)
    first = tokens(api, email)
    second = api.post(f"{AUTH}/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    rotated = second.json()["data"]
    reused = api.post(f"{AUTH}/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    after = api.post(f"{AUTH}/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert after.status_code == 401
    me = api.get(f"{AUTH}/me", headers={"Authorization": f"Bearer {rotated['access_token']}"})
    assert me.status_code == 401


def test_logout_revokes_the_login(api: httpx.Client) -> None:
    email = register(api)
    pair = tokens(api, email)
    logout = api.post(f"{AUTH}/logout", json={"refresh_token": pair["refresh_token"]})
    assert logout.status_code == 204
    assert logout.content == b""
    refused = api.post(f"{AUTH}/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refused.status_code == 401


def me(api: httpx.Client, token: str) -> httpx.Response:
    return api.get(f"{AUTH}/me", headers={"Authorization": f"Bearer {token}"})


def segment(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims_of(headers: dict[str, str]) -> dict[str, object]:
    """The claims of a real access token, read without checking it."""
    middle = headers["Authorization"].removeprefix("Bearer ").split(".")[1]
    claims: dict[str, object] = json.loads(base64.urlsafe_b64decode(middle + "=="))
    return claims


@dataclass(frozen=True)
class Forgery:
    """A fresh token with a real user's claims (its `fam` too), valid unless changed here."""

    alg: str = "HS256"
    key: str = CONTRACT_SECRET_KEY
    type: str = "access"
    drop: str = ""
    # Seconds from now.
    iat: int = 0
    nbf: int = 0
    exp: int = 600

    def token(self, real: dict[str, object]) -> str:
        now = int(time.time())
        payload = {**real, "jti": str(uuid.uuid4()), "type": self.type, "iat": now + self.iat}
        payload.update(nbf=now + self.nbf, exp=now + self.exp)
        payload.pop(self.drop, None)
        header = segment(json.dumps({"alg": self.alg, "typ": "JWT"}).encode())
        signed = f"{header}.{segment(json.dumps(payload).encode())}"
        digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}.get(self.alg)
        mac = hmac.new(self.key.encode(), signed.encode(), digest).digest() if digest else b""
        return f"{signed}.{segment(mac)}"


def test_a_token_forged_with_the_right_key_is_accepted(
    api: httpx.Client, user: dict[str, str]
) -> None:
    """The control of the next test: its forgeries are refused for their one change."""
    real = claims_of(user)
    accepted = me(api, Forgery().token(real))
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["data"]["id"] == real["sub"]


# The example SECRET_KEY of the rendered settings: the live service must not sign with it.
EXAMPLE_SECRET = next(var.example for var in catalog.BASE_ENV if var.name == "SECRET_KEY")
BAD_TOKENS: dict[str, str | Forgery] = {
    "garbage": "garbage",
    "abc": "a.b.c",
    "expired": Forgery(iat=-120, nbf=-120, exp=-60),
    "not-yet-valid": Forgery(nbf=300, exp=900),
    "example-key": Forgery(key=EXAMPLE_SECRET),
    "alg-none": Forgery(alg="none"),
    "hs512": Forgery(alg="HS512"),
    "refresh-as-access": Forgery(type="refresh"),
    **{f"no-{claim}": Forgery(drop=claim) for claim in ("sub", "exp", "iat", "jti", "type")},
}


@pytest.mark.parametrize("bad", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_bad_bearer_tokens(api: httpx.Client, user: dict[str, str], bad: str | Forgery) -> None:
    response = me(api, bad if isinstance(bad, str) else bad.token(claims_of(user)))
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"


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
