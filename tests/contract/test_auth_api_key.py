"""auth=api_key from the outside: keys made, shown once, listed, used, refused and revoked.

The admin is the key the server started with (BOOTSTRAP_API_KEY); every other key is
made through POST /api/v1/api-keys.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.contract.conftest import API_KEY_HEADER, API_KEYS, AUTH, QUEUE_BLIND, new_api_key
from tests.contract.live import BOOTSTRAP_API_KEY, LiveService

# Nothing here depends on the queue: once per framework x orm x database.
pytestmark = [pytest.mark.stack(auth="api_key"), pytest.mark.covering(*QUEUE_BLIND)]

ADMIN = {API_KEY_HEADER: BOOTSTRAP_API_KEY}
ITEMS = "/api/v1/items"
KEY_FIELDS = {"id", "name", "prefix", "role", "last_used_at", "created_at"}


def listed(api: httpx.Client) -> list[dict[str, object]]:
    """Every active key, from as many pages as there are."""
    keys: list[dict[str, object]] = []
    for page in range(1, 100):
        answer = api.get(API_KEYS, params={"page": page, "page_size": 100}, headers=ADMIN)
        assert answer.status_code == 200, answer.text
        keys += answer.json()["data"]
        if len(keys) >= answer.json()["meta"]["total"]:
            return keys
    pytest.fail("more than 99 pages of keys")


def refused(response: httpx.Response) -> bool:
    return (
        response.status_code == 401
        and response.json()["error"]["code"] == "UNAUTHORIZED"
        and "X-API-Key" in response.headers.get("www-authenticate", "")
    )


def test_the_admin_is_the_bootstrap_key(api: httpx.Client) -> None:
    me = api.get(f"{AUTH}/me", headers=ADMIN)
    assert me.status_code == 200, me.text
    assert me.json()["data"]["name"] == "bootstrap"
    assert me.json()["data"]["role"] == "admin"
    assert BOOTSTRAP_API_KEY not in me.text
    assert [key["name"] for key in listed(api)].count("bootstrap") == 1


def test_a_key_is_shown_once_and_listed_by_its_prefix_only(api: httpx.Client) -> None:
    made = new_api_key(api)
    key = str(made["key"])
    prefix, secret = key.split(".", 1)
    assert set(made) == KEY_FIELDS | {"key"}
    assert made["role"] == "user"
    assert made["prefix"] == prefix
    assert len(secret) >= 32
    me = api.get(f"{AUTH}/me", headers={API_KEY_HEADER: key})
    assert me.json()["data"] == {"id": made["id"], "name": made["name"], "role": "user"}
    entry = next(entry for entry in listed(api) if entry["id"] == made["id"])
    assert set(entry) == KEY_FIELDS
    assert entry["prefix"] == prefix
    listing = api.get(API_KEYS, params={"page_size": 100}, headers=ADMIN).text
    assert secret not in listing
    assert BOOTSTRAP_API_KEY.split(".")[1] not in listing


def test_last_used_at_records_a_use(api: httpx.Client) -> None:
    made = new_api_key(api)
    assert made["last_used_at"] is None
    assert api.get(ITEMS, headers={API_KEY_HEADER: str(made["key"])}).status_code == 200
    entry = next(entry for entry in listed(api) if entry["id"] == made["id"])
    assert entry["last_used_at"] is not None


def test_every_wrong_key_is_refused_alike(api: httpx.Client) -> None:
    key = str(new_api_key(api)["key"])
    prefix, secret = key.split(".", 1)
    changed = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    wrong = [
        ("", "empty"),
        ("garbage", "malformed"),
        (f"{prefix}.", "no secret"),
        (f"{uuid.uuid4().hex[:12]}.{secret}", "unknown prefix"),
        (f"{prefix}.{'x' * 43}", "another secret"),
        (f"{prefix}.{changed}", "one character changed"),
        (f"{key}A", "one character more"),
        (secret, "the secret alone"),
        (prefix, "the prefix alone"),
    ]
    bodies = set()
    for value, case in wrong:
        answer = api.get(ITEMS, headers={API_KEY_HEADER: value})
        assert refused(answer), (case, answer.status_code, answer.text)
        if value:
            bodies.add(answer.json()["error"]["message"])
    assert len(bodies) == 1, bodies
    assert refused(api.get(ITEMS))
    assert refused(api.get(ITEMS, headers={"Authorization": f"Bearer {key}"}))
    assert api.get(ITEMS, headers={API_KEY_HEADER: key}).status_code == 200


def test_a_user_key_cannot_manage_keys(api: httpx.Client) -> None:
    user = {API_KEY_HEADER: str(new_api_key(api)["key"])}
    other = new_api_key(api)
    attempts = [
        api.post(API_KEYS, json={"name": "mine", "role": "admin"}, headers=user),
        api.get(API_KEYS, headers=user),
        api.delete(f"{API_KEYS}/{other['id']}", headers=user),
    ]
    for answer in attempts:
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"]["code"] == "FORBIDDEN"
    assert api.get(f"{AUTH}/me", headers={API_KEY_HEADER: str(other["key"])}).status_code == 200


def test_an_admin_key_made_by_the_admin_can_manage_keys(api: httpx.Client) -> None:
    admin = {API_KEY_HEADER: str(new_api_key(api, role="admin")["key"])}
    made = api.post(API_KEYS, json={"name": "by another admin"}, headers=admin)
    assert made.status_code == 201, made.text
    assert made.json()["data"]["role"] == "user"


def test_a_revoked_key_is_refused_and_its_items_stay(api: httpx.Client) -> None:
    made = new_api_key(api)
    key = {API_KEY_HEADER: str(made["key"])}
    item = api.post(ITEMS, json={"name": f"kept-{uuid.uuid4().hex[:8]}"}, headers=key)
    assert item.status_code == 201, item.text
    keeper = new_api_key(api)
    revoked = api.delete(f"{API_KEYS}/{made['id']}", headers=ADMIN)
    assert revoked.status_code == 204, revoked.text
    assert refused(api.get(ITEMS, headers=key))
    assert refused(api.get(f"{AUTH}/me", headers=key))
    assert made["id"] not in {entry["id"] for entry in listed(api)}
    assert api.delete(f"{API_KEYS}/{made['id']}", headers=ADMIN).status_code == 404
    kept = api.get(f"{ITEMS}/{item.json()['data']['id']}", headers=ADMIN)
    assert kept.status_code == 200
    assert kept.json()["data"]["owner_id"] == made["id"]
    assert api.get(f"{AUTH}/me", headers={API_KEY_HEADER: str(keeper["key"])}).status_code == 200


@pytest.mark.parametrize("key_id", [str(uuid.UUID(int=1)), "not-a-uuid", "1"])
def test_revoking_an_unknown_key_is_not_found(api: httpx.Client, key_id: str) -> None:
    answer = api.delete(f"{API_KEYS}/{key_id}", headers=ADMIN)
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "body",
    [{}, {"name": ""}, {"name": "x" * 101}, {"name": "ok", "role": "root"}, {"name": 7}],
)
def test_a_bad_key_request_is_refused(api: httpx.Client, body: dict[str, object]) -> None:
    answer = api.post(API_KEYS, json=body, headers=ADMIN)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "VALIDATION_ERROR"


def test_the_log_holds_no_key(api: httpx.Client, live: LiveService) -> None:
    made = new_api_key(api)
    key = str(made["key"])
    api.get(ITEMS, headers={API_KEY_HEADER: key})
    api.get(ITEMS, headers={API_KEY_HEADER: key[:-1]})
    api.delete(f"{API_KEYS}/{made['id']}", headers=ADMIN)
    log = live.log()
    assert made["id"]
    assert log
    for secret in (key, key.split(".", 1)[1], BOOTSTRAP_API_KEY.split(".", 1)[1]):
        assert secret not in log
