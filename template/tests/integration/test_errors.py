"""The error envelope on every kind of failure, including the framework's own."""

from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient, Response

from src.core.config import Settings
from src.main import create_app

ITEMS = "/api/v1/items"


def error_of(response: Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert isinstance(error["details"], list)
    return error


async def test_unknown_route_is_404(client: AsyncClient) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert error_of(response)["code"] == "NOT_FOUND"


async def test_wrong_method_is_405(client: AsyncClient) -> None:
    response = await client.put("/health/live")
    assert response.status_code == 405
    assert error_of(response)["code"] == "METHOD_NOT_ALLOWED"
    assert response.headers["allow"] == "GET"


async def test_405_allows_every_method_of_the_path(client: AsyncClient) -> None:
    """Found by schemathesis: Starlette's Allow named only the first route's methods."""
    assert (await client.put(ITEMS)).headers["allow"] == "GET, POST"
    item = await client.put(f"{ITEMS}/1c0ffee0-0000-4000-8000-000000000000")
    assert item.headers["allow"] == "DELETE, GET, PATCH"


async def test_malformed_json_is_400_bad_request(
    client: AsyncClient, user_headers: dict[str, str]
) -> None:
    headers = {**user_headers, "Content-Type": "application/json"}
    response = await client.post(ITEMS, content=b'{"name": ', headers=headers)
    assert response.status_code == 400
    assert error_of(response)["code"] == "BAD_REQUEST"


async def test_wrong_content_type_is_400_bad_request(
    client: AsyncClient, user_headers: dict[str, str]
) -> None:
    headers = {**user_headers, "Content-Type": "text/plain"}
    response = await client.post(ITEMS, content=b'{"name": "x"}', headers=headers)
    assert response.status_code == 400
    assert error_of(response)["code"] == "BAD_REQUEST"


async def test_missing_body_is_a_validation_error(
    client: AsyncClient, user_headers: dict[str, str]
) -> None:
    response = await client.post(ITEMS, headers=user_headers)
    assert response.status_code == 400
    assert error_of(response)["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize("settings_overrides", [{"max_body_bytes": 64}])
async def test_body_over_the_limit_is_413(
    client: AsyncClient, user_headers: dict[str, str]
) -> None:
    response = await client.post(ITEMS, json={"name": "x" * 100}, headers=user_headers)
    assert response.status_code == 413
    assert error_of(response)["code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.parametrize("settings_overrides", [{"max_body_bytes": 64}])
async def test_streamed_body_over_the_limit_is_413(
    client: AsyncClient, user_headers: dict[str, str]
) -> None:
    async def chunks() -> Any:
        for _ in range(4):
            yield b'{"name": "' + b"x" * 30

    headers = {**user_headers, "Content-Type": "application/json"}
    response = await client.post(ITEMS, content=chunks(), headers=headers)
    assert response.status_code == 413
    assert error_of(response)["code"] == "PAYLOAD_TOO_LARGE"


async def test_unhandled_error_is_500_without_details(settings: Settings) -> None:
    application = create_app(settings)

    @application.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    transport = ASGITransport(app=application, raise_app_exceptions=False)
    async with (
        application.router.lifespan_context(application),
        AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):
        response = await client.get("/boom", headers={"X-Request-ID": "trace-me"})
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "INTERNAL_ERROR"
    assert "trace-me" in error["message"]
    assert "secret internals" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_huge_page_number_is_a_validation_error(
    client: AsyncClient, user_headers: dict[str, str]
) -> None:
    response = await client.get(ITEMS, params={"page": 10**19}, headers=user_headers)
    assert response.status_code == 400
    assert error_of(response)["details"][0]["field"] == "page"


@pytest.mark.parametrize("settings_overrides", [{"max_body_bytes": 64}])
@pytest.mark.parametrize("method", ["GET", "DELETE"])
async def test_body_limit_applies_to_every_method(
    client: AsyncClient, user_headers: dict[str, str], method: str
) -> None:
    response = await client.request(method, ITEMS, content=b"x" * 100, headers=user_headers)
    assert response.status_code == 413


@pytest.mark.parametrize("settings_overrides", [{"cors_origins": "https://app.example.com"}])
async def test_refused_cors_preflight_is_an_envelope(client: AsyncClient) -> None:
    headers = {"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"}
    response = await client.options(ITEMS, headers=headers)
    assert response.status_code == 400
    assert error_of(response)["code"] == "BAD_REQUEST"
    allowed = {"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"}
    assert (await client.options(ITEMS, headers=allowed)).status_code == 200
