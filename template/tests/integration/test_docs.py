"""The OpenAPI document and the offline docs page."""

import re
from typing import Any

from httpx import AsyncClient


async def openapi(client: AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


async def test_openapi_describes_the_contract(client: AsyncClient) -> None:
    document = await openapi(client)
    assert document["openapi"].startswith("3.")
    assert {"/health/live", "/health/ready", "/api/v1/items", "/api/v1/items/{item_id}"} <= set(
        document["paths"]
    )
    create = document["paths"]["/api/v1/items"]["post"]["responses"]
    assert {"201", "400", "409"} <= set(create)
    assert create["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")


async def test_openapi_has_no_framework_422(client: AsyncClient) -> None:
    document = await openapi(client)
    for path in document["paths"].values():
        for operation in path.values():
            assert "422" not in operation["responses"]
    assert "HTTPValidationError" not in document["components"]["schemas"]


async def test_docs_page_uses_only_local_assets(client: AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources
    for source in sources:
        assert source.startswith("/docs/"), source
        asset = await client.get(source)
        assert asset.status_code == 200, source
        assert len(asset.content) > 0


async def test_patch_schema_does_not_offer_a_null_name(client: AsyncClient) -> None:
    """Found by schemathesis: the schema allowed `"name": null`, which the service refuses."""
    schemas = (await openapi(client))["components"]["schemas"]
    assert schemas["ItemUpdate"]["properties"]["name"]["type"] == "string"
