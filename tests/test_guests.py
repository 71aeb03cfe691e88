"""``GET /app/{did}/bindings`` (the owner's guests, masked) and ``DELETE /app/{did}/bindings?uid=``."""

from __future__ import annotations

import pytest
from conftest import assert_error
from starlette.testclient import TestClient
from support_users import FRIEND_EMAIL, T0, friend_headers, messages, share, uid_of

from emulator.gizwits.cloud.cloud import Cloud

DEMO_EMAIL = "demo@heatzy.test"


@pytest.fixture(autouse=True)
def frozen(cloud: Cloud) -> None:
    cloud.clock.freeze(T0)


@pytest.fixture
def did(client: TestClient, cloud: Cloud, demo: dict[str, str], demo_dids: dict[str, str]) -> str:
    did = demo_dids["Pilote2"]
    share(client, demo, did, email=FRIEND_EMAIL)
    cloud.clock.advance(90)
    assert client.put("/app/sharing/1?status=1", headers=friend_headers(client)).status_code == 200
    return did


def test_owner_lists_its_guests_masked(client: TestClient, cloud: Cloud, demo: dict[str, str], did: str) -> None:
    friend = cloud.users.get(uid_of(cloud, FRIEND_EMAIL))
    assert friend is not None
    cloud.users.update(friend, cloud.now(), username="friendly", phone="18812345678")
    response = client.get(f"/app/{did}/bindings", headers=demo)
    assert response.status_code == 200
    assert response.json() == [{"username": "f****y", "phone": "188****5678", "created_at": "2023-11-14T22:14:50Z",
                                "uid": friend.uid, "email": "f****d@heatzy.test"}]


def test_only_the_owner_lists_guests(client: TestClient, demo: dict[str, str], did: str,
                                     demo_dids: dict[str, str]) -> None:
    body = assert_error(client.get(f"/app/{did}/bindings", headers=friend_headers(client)), 9093, 400)
    assert body["error_message"] == "permission denied, you are not owner!"
    # The demo user is "special" (no share yet) on its other devices.
    assert_error(client.get(f"/app/{demo_dids['Bloom']}/bindings", headers=demo), 9093, 400)
    assert_error(client.get(f"/app/{demo_dids['Bloom']}/bindings", headers=friend_headers(client)), 9017, 401)
    assert_error(client.get("/app/nope/bindings", headers=demo), 9014, 404)


def test_owner_removes_a_guest(client: TestClient, cloud: Cloud, demo: dict[str, str], did: str) -> None:
    friend_uid = uid_of(cloud, FRIEND_EMAIL)
    response = client.delete(f"/app/{did}/bindings?uid={friend_uid}", headers=demo)
    assert response.status_code == 200
    assert response.json() == {}
    assert cloud.bindings.get(friend_uid, did) is None
    assert client.get(f"/app/{did}/bindings", headers=demo).json() == []
    friend = friend_headers(client)
    assert messages(client, friend)[0]["content"] == "d****o@heatzy.test took back the shared device Pilote2."
    assert client.get("/app/sharing?sharing_type=0", headers=demo).json()["objects"][0]["status"] == 3


def test_remove_guest_errors(client: TestClient, cloud: Cloud, demo: dict[str, str], did: str) -> None:
    demo_uid = uid_of(cloud, DEMO_EMAIL)
    body = assert_error(client.delete(f"/app/{did}/bindings?uid={demo_uid}", headers=demo), 9095, 400)
    assert body["error_message"] == "can not unbind self!"
    assert_error(client.delete(f"/app/{did}/bindings?uid={'0' * 32}", headers=demo), 9082, 400)
    assert_error(client.delete(f"/app/{did}/bindings", headers=demo), 9015, 400)
    assert_error(client.delete(f"/app/{did}/bindings?uid={demo_uid}", headers=friend_headers(client)), 9093, 400)
