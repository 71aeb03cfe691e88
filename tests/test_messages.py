"""The message center: ``GET /app/messages`` and ``PUT /app/messages/{id}?status=``."""

from __future__ import annotations

import re

import pytest
from conftest import assert_error
from starlette.testclient import TestClient
from support_users import FRIEND_EMAIL, T0, friend_headers, messages, register, share, uid_of

from emulator.gizwits.cloud.cloud import Cloud


@pytest.fixture(autouse=True)
def frozen(cloud: Cloud) -> None:
    cloud.clock.freeze(T0)


@pytest.fixture
def shared(client: TestClient, demo: dict[str, str], demo_dids: dict[str, str]) -> str:
    did = demo_dids["Pilote2"]
    share(client, demo, did, email=FRIEND_EMAIL)
    return did


def test_a_share_posts_a_message_to_owner_and_guest(client: TestClient, demo: dict[str, str], shared: str) -> None:
    response = client.get("/app/messages?type=1", headers=demo)
    assert response.status_code == 200
    body = response.json()
    assert body["meta"] == {"total": 1, "limit": 20, "skip": 0, "previous": None, "next": None}
    [message] = body["objects"]
    assert set(message) == {"status", "created_at", "updated_at", "content", "type", "id"}
    assert (message["status"], message["type"]) == (0, 1)
    assert message["created_at"] == message["updated_at"] == "2023-11-14T22:13:20Z"
    assert message["content"] == "You shared the device Pilote2 with f****d@heatzy.test."
    assert re.fullmatch(r"[0-9a-f]{24}", message["id"])
    [received] = messages(client, friend_headers(client))
    assert received["content"] == "d****o@heatzy.test shared the device Pilote2 with you."


def test_messages_follow_the_receivers_language(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                demo_dids: dict[str, str]) -> None:
    friend = cloud.users.get(uid_of(cloud, FRIEND_EMAIL))
    assert friend is not None
    friend.lang = "zh-cn"
    share(client, demo, demo_dids["Pilote2"], email=FRIEND_EMAIL)
    [received] = messages(client, friend_headers(client))
    assert received["content"] == "d****o@heatzy.test 给您共享了设备 Pilote2!"


def test_paging_newest_first(client: TestClient, cloud: Cloud, demo: dict[str, str],
                             demo_dids: dict[str, str]) -> None:
    for step, name in enumerate(("Pilote2", "Pilote_Soc", "Bloom")):
        cloud.clock.freeze(T0 + step)
        share(client, demo, demo_dids[name], email=FRIEND_EMAIL)
    page = client.get("/app/messages?type=1&limit=1&skip=1", headers=demo).json()
    assert page["meta"] == {"total": 3, "limit": 1, "skip": 1, "previous": "/app/messages?skip=0&type=1&limit=1",
                            "next": "/app/messages?skip=2&type=1&limit=1"}
    assert page["objects"][0]["created_at"] == "2023-11-14T22:13:21Z"


def test_mark_read_then_delete(client: TestClient, demo: dict[str, str], shared: str) -> None:
    [message] = messages(client, demo)
    response = client.put(f"/app/messages/{message['id']}?status=1", headers=demo)
    assert response.status_code == 200
    assert response.json() == {}
    assert messages(client, demo)[0]["status"] == 1
    assert client.put(f"/app/messages/{message['id']}?status=2", headers=demo).status_code == 200
    assert messages(client, demo) == []
    body = assert_error(client.put(f"/app/messages/{message['id']}?status=1", headers=demo), 9098, 400)
    assert body["error_code"] == 9098


def test_only_the_receiver_marks(client: TestClient, demo: dict[str, str], shared: str) -> None:
    [message] = messages(client, demo)
    stranger = register(client, "stranger@heatzy.test")
    body = assert_error(client.put(f"/app/messages/{message['id']}?status=1", headers=stranger), 9101, 400)
    assert body["error_message"] == "permission denied, you are not the receiver!"
    assert messages(client, demo)[0]["status"] == 0


def test_message_errors(client: TestClient, demo: dict[str, str], shared: str) -> None:
    body = assert_error(client.put(f"/app/messages/{'0' * 24}?status=1", headers=demo), 9085, 400)
    assert body["error_message"] == "message record not found!"
    [message] = messages(client, demo)
    assert_error(client.put(f"/app/messages/{message['id']}?status=0", headers=demo), 9015, 400)
    assert_error(client.put(f"/app/messages/{message['id']}", headers=demo), 9015, 400)
    assert_error(client.get("/app/messages", headers=demo), 9015, 400)
    assert_error(client.get("/app/messages?type=2", headers=demo), 9015, 400)
    assert_error(client.get("/app/messages?type=1&skip=-1", headers=demo), 9015, 400)
