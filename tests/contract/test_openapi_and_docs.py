"""The OpenAPI document is valid and complete; /docs works with no asset from elsewhere."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from tests.contract.live import LiveService

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
# The POST routes under /api/v1/auth of each mode that signs users in with a password.
AUTH_ROUTES = {
    "jwt": ("register", "login", "refresh", "logout"),
    "session": ("register", "login", "logout"),
}


def document(api: httpx.Client) -> dict[str, Any]:
    response = api.get("/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.json()
    return spec


def test_openapi_is_valid(api: httpx.Client) -> None:
    validate(document(api))


def test_openapi_describes_every_contract_route(api: httpx.Client, live: LiveService) -> None:
    paths = document(api)["paths"]
    expected = {
        ("/health/live", "get"),
        ("/health/ready", "get"),
        ("/api/v1/items", "get"),
        ("/api/v1/items", "post"),
        ("/api/v1/items/{item_id}", "get"),
        ("/api/v1/items/{item_id}", "patch"),
        ("/api/v1/items/{item_id}", "delete"),
    }
    auth_routes = AUTH_ROUTES.get(live.auth, ())
    expected |= {(f"/api/v1/auth/{route}", "post") for route in auth_routes}
    if auth_routes:
        expected |= {("/api/v1/users", "get")}
    if live.auth != "none":
        expected |= {("/api/v1/auth/me", "get")}
    if live.auth == "api_key":
        expected |= {("/api/v1/api-keys", "get"), ("/api/v1/api-keys", "post")}
        expected |= {("/api/v1/api-keys/{key_id}", "delete")}
    found = {
        (path, method) for path, ops in paths.items() for method in ops if method in HTTP_METHODS
    }
    assert expected <= found, expected - found


def test_every_operation_documents_its_errors_in_the_envelope(api: httpx.Client) -> None:
    spec = document(api)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "422" not in responses, (path, method)
            assert "500" in responses, (path, method)
            schema = responses["500"]["content"]["application/json"]["schema"]
            assert schema["$ref"].endswith("/ErrorResponse"), (path, method)


@pytest.mark.stack(auth="session")
def test_session_writes_document_the_csrf_refusal(api: httpx.Client, live: LiveService) -> None:
    """Every write that needs the session may answer 403 CSRF_FAILED."""
    writes = [("/api/v1/items", "post"), ("/api/v1/items/{item_id}", "patch")]
    writes += [("/api/v1/items/{item_id}", "delete"), ("/api/v1/auth/logout", "post")]
    if live.answers["queue"] != "none":
        writes.append(("/api/v1/jobs", "post"))
    paths = document(api)["paths"]
    undocumented = [(path, op) for path, op in writes if "403" not in paths[path][op]["responses"]]
    assert not undocumented


@pytest.mark.stack(auth="api_key")
def test_api_key_routes_document_their_refusals(api: httpx.Client) -> None:
    """The key in its header as the scheme; 401 and 403 on every key route, 404 on revoking."""
    spec = document(api)
    schemes = spec["components"]["securitySchemes"].values()
    assert {"type": "apiKey", "in": "header", "name": "X-API-Key"} in [
        {field: scheme.get(field) for field in ("type", "in", "name")} for scheme in schemes
    ]
    paths = spec["paths"]
    routes = [("/api/v1/api-keys", "get"), ("/api/v1/api-keys", "post")]
    routes.append(("/api/v1/api-keys/{key_id}", "delete"))
    for path, method in routes:
        assert {"401", "403"} <= set(paths[path][method]["responses"]), (path, method)
    assert "404" in paths["/api/v1/api-keys/{key_id}"]["delete"]["responses"]


def test_docs_page_serves_every_asset_itself(api: httpx.Client) -> None:
    page = api.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "'self'" in page.headers["content-security-policy"]
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert any(asset.endswith(".js") for asset in assets)
    for asset in assets:
        assert not re.match(r"^(https?:)?//", asset), f"external asset: {asset}"
        fetched = api.get(asset)
        assert fetched.status_code == 200, asset
        assert fetched.content, asset
        if asset.endswith("init.js"):
            assert "http" not in fetched.text, "the initialiser must not reach out"
