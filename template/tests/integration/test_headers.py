"""Request ids, security headers and CORS on every response."""

import uuid

import pytest
from httpx import AsyncClient

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}


@pytest.mark.parametrize("path", ["/health/live", "/api/v1/nothing-here"])
async def test_security_headers_on_success_and_error(client: AsyncClient, path: str) -> None:
    response = await client.get(path)
    for header, value in SECURITY_HEADERS.items():
        assert response.headers[header] == value
    assert "strict-transport-security" not in response.headers


async def test_valid_request_id_is_echoed(client: AsyncClient) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": "abc.DEF_123-x"})
    assert response.headers["x-request-id"] == "abc.DEF_123-x"


@pytest.mark.parametrize("incoming", ["has space", "x" * 129, "semi;colon", ""])
async def test_invalid_request_id_is_replaced(client: AsyncClient, incoming: str) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": incoming})
    assert uuid.UUID(response.headers["x-request-id"]).version == 4


async def test_docs_page_allows_its_own_assets(client: AsyncClient) -> None:
    response = await client.get("/docs")
    assert "default-src 'self'" in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    "settings_overrides",
    [{"environment": "production", "secret_key": "a-production-secret-that-is-long-enough"}],
)
async def test_hsts_in_production(client: AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.headers["strict-transport-security"].startswith("max-age=")


@pytest.mark.parametrize("settings_overrides", [{"cors_origins": "https://app.example.com"}])
async def test_cors_allows_configured_origins_only(client: AsyncClient) -> None:
    allowed = await client.get("/health/live", headers={"Origin": "https://app.example.com"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
    other = await client.get("/health/live", headers={"Origin": "https://evil.example.com"})
    assert "access-control-allow-origin" not in other.headers


async def test_no_cors_by_default(client: AsyncClient) -> None:
    response = await client.get("/health/live", headers={"Origin": "https://app.example.com"})
    assert "access-control-allow-origin" not in response.headers
