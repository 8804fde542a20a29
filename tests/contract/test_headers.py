"""Request ids, security headers, CORS, health and readiness."""

from __future__ import annotations

import uuid

import httpx
import pytest


def test_request_id_is_echoed_when_valid(api: httpx.Client) -> None:
    for path in ("/health/live", "/api/v1/no-such-thing"):
        response = api.get(path, headers={"X-Request-ID": "contract.Test_1-2"})
        assert response.headers["x-request-id"] == "contract.Test_1-2"


@pytest.mark.parametrize("incoming", ["", "has space", "x" * 129, "a/b", "é"])
def test_request_id_is_replaced_when_invalid(api: httpx.Client, incoming: str) -> None:
    response = api.get("/health/live", headers=[(b"X-Request-ID", incoming.encode())])
    assert uuid.UUID(response.headers["x-request-id"]).version == 4


def test_security_headers_on_success(api: httpx.Client) -> None:
    response = api.get("/health/live")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert (
        response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    )
    assert "strict-transport-security" not in response.headers  # not production


def test_no_cors_origin_is_allowed_by_default(api: httpx.Client) -> None:
    response = api.get("/health/live", headers={"Origin": "https://app.example.com"})
    assert "access-control-allow-origin" not in response.headers


def test_liveness(api: httpx.Client) -> None:
    response = api.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_checks_every_dependency(api: httpx.Client) -> None:
    response = api.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert set(body["checks"].values()) == {"ok"}
