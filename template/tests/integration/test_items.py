"""Items over HTTP: create, read, update, delete, list, search and conflicts."""

import uuid

from httpx import AsyncClient

ITEMS = "/api/v1/items"


async def create(client: AsyncClient, headers: dict[str, str], name: str) -> dict[str, object]:
    response = await client.post(ITEMS, json={"name": name}, headers=headers)
    assert response.status_code == 201, response.text
    item: dict[str, object] = response.json()["data"]
    return item


async def test_create_returns_201_with_location(
    client: AsyncClient, user_headers: dict[str, str]
) -> None:
    body = {"name": "Widget", "description": "A thing"}
    response = await client.post(ITEMS, json=body, headers=user_headers)
    assert response.status_code == 201
    item = response.json()["data"]
    assert item["name"] == "Widget"
    assert item["description"] == "A thing"
    assert response.headers["location"] == f"{ITEMS}/{item['id']}"
    assert set(item) == {"id", "name", "description", "owner_id", "created_at", "updated_at"}


async def test_get_patch_delete_round_trip(
    client: AsyncClient, user_headers: dict[str, str]
) -> None:
    item = await create(client, user_headers, "Widget")
    url = f"{ITEMS}/{item['id']}"
    assert (await client.get(url, headers=user_headers)).json()["data"] == item

    patched = await client.patch(url, json={"description": "New"}, headers=user_headers)
    assert patched.status_code == 200
    assert patched.json()["data"]["name"] == "Widget"
    assert patched.json()["data"]["description"] == "New"

    assert (await client.delete(url, headers=user_headers)).status_code == 204
    assert (await client.get(url, headers=user_headers)).status_code == 404


async def test_unknown_and_malformed_ids_are_404(
    client: AsyncClient, user_headers: dict[str, str]
) -> None:
    for item_id in (str(uuid.uuid4()), "not-a-uuid"):
        response = await client.get(f"{ITEMS}/{item_id}", headers=user_headers)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_duplicate_name_is_409_on_create_and_rename(
    client: AsyncClient, user_headers: dict[str, str]
) -> None:
    await create(client, user_headers, "Widget")
    other = await create(client, user_headers, "Gadget")
    duplicate = await client.post(ITEMS, json={"name": "Widget"}, headers=user_headers)
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "CONFLICT"
    rename = await client.patch(
        f"{ITEMS}/{other['id']}", json={"name": "Widget"}, headers=user_headers
    )
    assert rename.status_code == 409


async def test_patch_refuses_null_name(client: AsyncClient, user_headers: dict[str, str]) -> None:
    item = await create(client, user_headers, "Widget")
    response = await client.patch(
        f"{ITEMS}/{item['id']}", json={"name": None}, headers=user_headers
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"][0]["field"] == "name"


async def test_list_is_paginated_newest_first(
    client: AsyncClient, user_headers: dict[str, str]
) -> None:
    names = [f"item-{number}" for number in range(5)]
    for name in names:
        await create(client, user_headers, name)
    response = await client.get(ITEMS, params={"page": 2, "page_size": 2}, headers=user_headers)
    assert response.status_code == 200
    body = response.json()
    assert body["meta"] == {"page": 2, "page_size": 2, "total": 5}
    assert [item["name"] for item in body["data"]] == ["item-2", "item-1"]


async def test_list_defaults(client: AsyncClient, user_headers: dict[str, str]) -> None:
    response = await client.get(ITEMS, headers=user_headers)
    assert response.json() == {"data": [], "meta": {"page": 1, "page_size": 20, "total": 0}}


async def test_search_ignores_case_and_escapes_wildcards(
    client: AsyncClient, user_headers: dict[str, str]
) -> None:
    for name in ("Red Apple", "green apple", "Banana", "100% juice"):
        await create(client, user_headers, name)
    found = await client.get(ITEMS, params={"q": "APPLE"}, headers=user_headers)
    assert sorted(item["name"] for item in found.json()["data"]) == ["Red Apple", "green apple"]
    percent = await client.get(ITEMS, params={"q": "%"}, headers=user_headers)
    assert [item["name"] for item in percent.json()["data"]] == ["100% juice"]


async def test_pagination_bounds_are_validated(
    client: AsyncClient, user_headers: dict[str, str]
) -> None:
    for params in ({"page": 0}, {"page_size": 0}, {"page_size": 101}, {"page": "x"}):
        response = await client.get(ITEMS, params=params, headers=user_headers)
        assert response.status_code == 400, params
        error = response.json()["error"]
        assert error["code"] == "VALIDATION_ERROR"
        assert error["details"][0]["field"] in {"page", "page_size"}


async def test_invalid_bodies_name_each_field(
    client: AsyncClient, user_headers: dict[str, str]
) -> None:
    body = {"name": "", "description": "x" * 2001}
    response = await client.post(ITEMS, json=body, headers=user_headers)
    assert response.status_code == 400
    fields = {detail["field"] for detail in response.json()["error"]["details"]}
    assert fields == {"name", "description"}


async def test_names_are_taken_as_sent(client: AsyncClient, user_headers: dict[str, str]) -> None:
    """Found by schemathesis: a stripped "\\f" became empty although the schema allowed it."""
    for name in ("\f", "  padded  "):
        response = await client.post(ITEMS, json={"name": name}, headers=user_headers)
        assert response.status_code == 201, name
        assert response.json()["data"]["name"] == name
