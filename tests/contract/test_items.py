"""Items: the example resource, its envelopes, pagination, search and ownership."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.contract.conftest import QUEUE_BLIND, sign_in
from tests.contract.live import LiveService

# Nothing here depends on the queue: one combination per framework x orm x database x
# auth (the queue and broker varied among them) runs it.
pytestmark = pytest.mark.covering(*QUEUE_BLIND)

ITEMS = "/api/v1/items"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_create_read_update_delete(api: httpx.Client, user: dict[str, str]) -> None:
    name = unique("Widget")
    created = api.post(ITEMS, json={"name": name, "description": "first"}, headers=user)
    assert created.status_code == 201
    item = created.json()["data"]
    assert set(item) == {"id", "name", "description", "owner_id", "created_at", "updated_at"}
    assert created.headers["location"].endswith(f"{ITEMS}/{item['id']}")

    url = f"{ITEMS}/{item['id']}"
    assert api.get(url, headers=user).json() == {"data": item}
    patched = api.patch(url, json={"description": None}, headers=user)
    assert patched.status_code == 200
    assert patched.json()["data"]["name"] == name
    assert patched.json()["data"]["description"] is None

    deleted = api.delete(url, headers=user)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert api.get(url, headers=user).status_code == 404


@pytest.mark.parametrize("item_id", ["1c0ffee0-0000-4000-8000-000000000000", "not-a-uuid", "1"])
def test_unknown_or_malformed_id_is_404(
    api: httpx.Client, user: dict[str, str], item_id: str
) -> None:
    response = api.get(f"{ITEMS}/{item_id}", headers=user)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_duplicate_name_is_409(api: httpx.Client, user: dict[str, str]) -> None:
    name = unique("Twice")
    assert api.post(ITEMS, json={"name": name}, headers=user).status_code == 201
    duplicate = api.post(ITEMS, json={"name": name}, headers=user)
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "CONFLICT"


def test_list_pages_newest_first_and_searches(api: httpx.Client, user: dict[str, str]) -> None:
    tag = uuid.uuid4().hex[:8]
    names = [f"Apple-{tag}-{n}" for n in range(3)]
    for name in names:
        assert api.post(ITEMS, json={"name": name}, headers=user).status_code == 201
    api.post(ITEMS, json={"name": f"pear-{tag}"}, headers=user)
    found = api.get(ITEMS, params={"q": f"APPLE-{tag}", "page_size": 2}, headers=user).json()
    assert found["meta"] == {"page": 1, "page_size": 2, "total": 3}
    assert [item["name"] for item in found["data"]] == [names[2], names[1]]
    second = api.get(ITEMS, params={"q": f"apple-{tag}", "page": 2, "page_size": 2}, headers=user)
    assert [item["name"] for item in second.json()["data"]] == [names[0]]


def test_search_ignores_case_beyond_ascii(api: httpx.Client, user: dict[str, str]) -> None:
    """SQLite folds only ASCII letters by itself; every combination folds every letter."""
    tag = uuid.uuid4().hex[:8]
    name = f"Crème Brûlée {tag}"
    assert api.post(ITEMS, json={"name": name}, headers=user).status_code == 201
    found = api.get(ITEMS, params={"q": f"CRÈME BRÛLÉE {tag}"}, headers=user).json()
    assert [item["name"] for item in found["data"]] == [name]


def test_default_page(api: httpx.Client, user: dict[str, str]) -> None:
    meta = api.get(ITEMS, headers=user).json()["meta"]
    assert meta["page"] == 1
    assert meta["page_size"] == 20


@pytest.mark.stack(auth="!none")
def test_another_users_item_is_404(
    api: httpx.Client, user: dict[str, str], live: LiveService
) -> None:
    item = api.post(ITEMS, json={"name": unique("Mine")}, headers=user).json()["data"]
    other = sign_in(api, live.auth)
    url = f"{ITEMS}/{item['id']}"
    assert api.get(url, headers=other).status_code == 404
    assert api.patch(url, json={"name": "theirs"}, headers=other).status_code == 404
    assert api.delete(url, headers=other).status_code == 404
    assert api.get(url, headers=user).status_code == 200


@pytest.mark.stack(auth="!none")
def test_admin_sees_every_item(
    api: httpx.Client, user: dict[str, str], admin: dict[str, str]
) -> None:
    item = api.post(ITEMS, json={"name": unique("Seen")}, headers=user).json()["data"]
    assert api.get(f"{ITEMS}/{item['id']}", headers=admin).status_code == 200


def test_names_are_taken_as_sent(api: httpx.Client, user: dict[str, str]) -> None:
    """Found by schemathesis: "\\f" matched the schema but was stripped to nothing and refused."""
    for name in ("\f", f"  {unique('padded')}  "):
        created = api.post(ITEMS, json={"name": name}, headers=user)
        assert created.status_code == 201, name
        assert created.json()["data"]["name"] == name
        api.delete(f"{ITEMS}/{created.json()['data']['id']}", headers=user)


def test_a_null_name_is_neither_offered_nor_accepted(
    api: httpx.Client, user: dict[str, str]
) -> None:
    """Found by schemathesis: the schema offered `"name": null`, which PATCH refuses."""
    schema = api.get("/openapi.json").json()["components"]["schemas"]["ItemUpdate"]
    assert schema["properties"]["name"]["type"] == "string"
    item = api.post(ITEMS, json={"name": unique("Kept")}, headers=user).json()["data"]
    refused = api.patch(f"{ITEMS}/{item['id']}", json={"name": None}, headers=user)
    assert refused.status_code == 400
    assert refused.json()["error"]["details"][0]["field"] == "name"


def test_nul_characters_are_refused_on_every_database(
    api: httpx.Client, user: dict[str, str]
) -> None:
    """PostgreSQL cannot store a NUL character; every combination refuses one the same way."""
    created = api.post(ITEMS, json={"name": "a\x00b"}, headers=user)
    assert created.status_code == 400
    assert created.json()["error"]["code"] == "VALIDATION_ERROR"
    assert api.get(ITEMS, params={"q": "\x00"}, headers=user).status_code == 400
