"""``PUT /app/sharing/{id}/alias`` and ``POST /app/sharing/{did}/transfer``."""

from __future__ import annotations

import pytest
from conftest import assert_error
from starlette.testclient import TestClient
from support_users import FRIEND_EMAIL, T0, friend_headers, messages, register, roles, share, uid_of

from emulator.gizwits.cloud.cloud import Cloud

DEMO_EMAIL = "demo@heatzy.test"


@pytest.fixture(autouse=True)
def frozen(cloud: Cloud) -> None:
    cloud.clock.freeze(T0)


@pytest.fixture
def did(client: TestClient, demo: dict[str, str], demo_dids: dict[str, str]) -> str:
    """The demo user's Pilote2, shared with the friend, who accepted."""
    did = demo_dids["Pilote2"]
    share(client, demo, did, email=FRIEND_EMAIL)
    assert client.put("/app/sharing/1?status=1", headers=friend_headers(client)).status_code == 200
    return did


def test_owner_names_the_guest_and_guest_names_the_owner(client: TestClient, demo: dict[str, str], did: str) -> None:
    friend = friend_headers(client)
    response = client.put("/app/sharing/1/alias?user_alias=Mamie", headers=demo)
    assert response.status_code == 200
    assert response.json() == {}
    assert client.put("/app/sharing/1/alias?user_alias=Le%20fils", headers=friend).status_code == 200
    assert client.get("/app/sharing?sharing_type=0", headers=demo).json()["objects"][0]["user_alias"] == "Mamie"
    assert client.get("/app/sharing?sharing_type=1", headers=friend).json()["objects"][0]["user_alias"] == "Le fils"


def test_alias_errors(client: TestClient, demo: dict[str, str], did: str) -> None:
    third = register(client, "third@heatzy.test")
    body = assert_error(client.put("/app/sharing/1/alias?user_alias=x", headers=third), 9100, 400)
    assert body["error_message"] == "permission denied, you are not owner or guest!"
    assert_error(client.put("/app/sharing/9/alias?user_alias=x", headers=demo), 9084, 400)
    assert_error(client.put("/app/sharing/1/alias", headers=demo), 9015, 400)
    assert_error(client.put("/app/sharing/1/alias?user_alias=" + "x" * 129, headers=demo), 9015, 400)


def test_transfer_swaps_owner_and_guest(client: TestClient, cloud: Cloud, demo: dict[str, str], did: str) -> None:
    friend_uid = uid_of(cloud, FRIEND_EMAIL)
    response = client.post(f"/app/sharing/{did}/transfer?uid={friend_uid}", headers=demo)
    assert response.status_code == 200
    assert response.json() == {}
    assert roles(cloud, did) == {uid_of(cloud, DEMO_EMAIL): "guest", friend_uid: "owner"}
    friend = friend_headers(client)
    assert "transferred the device Pilote2 to you" in messages(client, friend)[0]["content"]
    assert "You transferred the device Pilote2" in messages(client, demo)[0]["content"]
    # The new owner shares; the old one no longer can.
    assert client.post("/app/sharing", headers=friend, json={"type": 1, "did": did}).status_code == 200
    assert_error(client.post("/app/sharing", headers=demo, json={"type": 1, "did": did}), 9081, 400)


def test_transfer_errors(client: TestClient, cloud: Cloud, demo: dict[str, str], did: str) -> None:
    friend = friend_headers(client)
    demo_uid = uid_of(cloud, DEMO_EMAIL)
    body = assert_error(client.post(f"/app/sharing/{did}/transfer?uid={demo_uid}", headers=friend), 9093, 400)
    assert body["error_message"] == "permission denied, you are not owner!"
    register(client, "third@heatzy.test")
    third_uid = uid_of(cloud, "third@heatzy.test")
    body = assert_error(client.post(f"/app/sharing/{did}/transfer?uid={third_uid}", headers=demo), 9082, 400)
    assert body["error_message"] == "guest user not found!"
    assert_error(client.post(f"/app/sharing/{did}/transfer", headers=demo), 9015, 400)
    assert_error(client.post(f"/app/sharing/nope/transfer?uid={third_uid}", headers=demo), 9014, 404)
    assert roles(cloud, did)[demo_uid] == "owner"


def test_a_transferred_guest_keeps_the_device_past_its_duration(client: TestClient, cloud: Cloud,
                                                                demo: dict[str, str],
                                                                demo_dids: dict[str, str]) -> None:
    did = demo_dids["Pilote_Soc"]
    share(client, demo, did, email=FRIEND_EMAIL, duration=5)
    client.put("/app/sharing/1?status=1", headers=friend_headers(client))
    friend_uid = uid_of(cloud, FRIEND_EMAIL)
    client.post(f"/app/sharing/{did}/transfer?uid={friend_uid}", headers=demo)
    cloud.advance(10 * 60)
    assert roles(cloud, did)[friend_uid] == "owner"
