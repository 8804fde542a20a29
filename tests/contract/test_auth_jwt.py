"""auth=jwt: tokens, their rotation with reuse detection, forgeries.

What jwt shares with session (registration, roles, rate limits) is in test_auth_password.py.
"""

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
from tests.contract.conftest import AUTH, PASSWORD, QUEUE_BLIND, new_email, register
from tests.contract.live import CONTRACT_SECRET_KEY

# Nothing here depends on the queue: one combination per framework x orm x database
# (auth is jwt; the queue and broker varied among them) runs it.
pytestmark = [pytest.mark.stack(auth="jwt"), pytest.mark.covering(*QUEUE_BLIND)]


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
