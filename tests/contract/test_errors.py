"""Every error of the contract's table that a client can provoke, in the one envelope."""

from __future__ import annotations

import httpx
import pytest

from tests.contract.conftest import QUEUE_BLIND
from tests.contract.live import LiveService

# Nothing here depends on the queue: one combination per framework x orm x database x
# auth (the queue and broker varied among them) runs it.
pytestmark = pytest.mark.covering(*QUEUE_BLIND)

ITEMS = "/api/v1/items"
SECURITY_HEADERS = ("x-content-type-options", "x-frame-options", "referrer-policy")


def assert_envelope(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    assert isinstance(body["error"]["details"], list)
    for header in SECURITY_HEADERS:
        assert header in response.headers, header
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert response.headers["x-request-id"]


def test_unknown_route(api: httpx.Client) -> None:
    assert_envelope(api.get("/api/v1/no-such-thing"), 404, "NOT_FOUND")
    assert_envelope(api.get("/no-such-thing"), 404, "NOT_FOUND")


def test_wrong_method(api: httpx.Client) -> None:
    assert_envelope(api.put("/health/live"), 405, "METHOD_NOT_ALLOWED")
    assert_envelope(api.request("PATCH", ITEMS), 405, "METHOD_NOT_ALLOWED")


def test_malformed_json(api: httpx.Client, user: dict[str, str]) -> None:
    headers = {**user, "Content-Type": "application/json"}
    assert_envelope(api.post(ITEMS, content=b'{"name": ', headers=headers), 400, "BAD_REQUEST")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_wrong_content_type(api: httpx.Client, user: dict[str, str], content_type: str) -> None:
    headers = {**user, "Content-Type": content_type}
    response = api.post(ITEMS, content=b'{"name": "x"}', headers=headers)
    assert_envelope(response, 400, "BAD_REQUEST")


def test_oversized_body(api: httpx.Client, user: dict[str, str]) -> None:
    body = b'{"name": "' + b"x" * (1024 * 1024 + 1) + b'"}'
    headers = {**user, "Content-Type": "application/json"}
    assert_envelope(api.post(ITEMS, content=body, headers=headers), 413, "PAYLOAD_TOO_LARGE")


def test_validation_names_each_field(api: httpx.Client, user: dict[str, str]) -> None:
    response = api.post(ITEMS, json={"name": "", "description": "x" * 2001}, headers=user)
    assert_envelope(response, 400, "VALIDATION_ERROR")
    fields = {detail["field"] for detail in response.json()["error"]["details"]}
    assert fields == {"name", "description"}


@pytest.mark.parametrize(
    "params", [{"page": "0"}, {"page_size": "0"}, {"page_size": "101"}, {"page": "one"}]
)
def test_pagination_bounds(api: httpx.Client, user: dict[str, str], params: dict[str, str]) -> None:
    response = api.get(ITEMS, params=params, headers=user)
    assert_envelope(response, 400, "VALIDATION_ERROR")
    assert response.json()["error"]["details"][0]["field"] in {"page", "page_size"}


@pytest.mark.stack(auth="!none")
def test_missing_credentials(api: httpx.Client, live: LiveService) -> None:
    response = api.get(ITEMS)
    assert_envelope(response, 401, "UNAUTHORIZED")
    if live.auth == "jwt":
        assert response.headers["www-authenticate"] == "Bearer"


def test_405_names_every_method_of_the_path(api: httpx.Client) -> None:
    """Found by schemathesis: `Allow` named only the first route's methods."""
    assert api.put(ITEMS).headers["allow"] == "GET, POST"
    item = api.put(f"{ITEMS}/1c0ffee0-0000-4000-8000-000000000000")
    assert item.headers["allow"] == "DELETE, GET, PATCH"
