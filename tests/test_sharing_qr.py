"""QR shares (type 1): the code, what it offers, accepting it, its 15-minute life."""

from __future__ import annotations

import pytest
from conftest import assert_error
from starlette.testclient import TestClient
from support_users import FRIEND_EMAIL, T0, friend_headers, register, roles, share, uid_of

from emulator.gizwits.cloud.cloud import Cloud


@pytest.fixture(autouse=True)
def frozen(cloud: Cloud) -> None:
    cloud.clock.freeze(T0)


@pytest.fixture
def did(demo_dids: dict[str, str]) -> str:
    return demo_dids["Pilote_Pro"]


@pytest.fixture
def code(client: TestClient, demo: dict[str, str], did: str) -> str:
    body = share(client, demo, did, type=1)
    assert body["id"] is None
    assert body["qr_content"].startswith("type=share&code=")
    return str(body["qr_content"]).removeprefix("type=share&code=")


def test_qr_share_ignores_user_fields(client: TestClient, cloud: Cloud, demo: dict[str, str], did: str) -> None:
    body = share(client, demo, did, type=1, email="whoever@nowhere.test")
    assert body["id"] is None
    assert cloud.sharing.get(1).guest_uid is None  # type: ignore[union-attr]


def test_qr_code_shows_what_it_offers(client: TestClient, code: str) -> None:
    response = client.get(f"/app/sharing/code/{code}", headers=friend_headers(client))
    assert response.status_code == 200
    assert response.json() == {"owner": "d****o@heatzy.test", "product_name": "Pilote_Pro", "dev_alias": "Séjour",
                               "expired_at": "2023-11-14T22:28:20Z"}


def test_the_whole_qr_content_works_as_the_code(client: TestClient, code: str) -> None:
    response = client.get("/app/sharing/code/type=share&code=" + code, headers=friend_headers(client))
    assert response.status_code == 200


def test_accepting_a_qr_share(client: TestClient, cloud: Cloud, demo: dict[str, str], code: str, did: str) -> None:
    friend = friend_headers(client)
    response = client.post(f"/app/sharing/code/{code}", headers=friend)
    assert response.status_code == 200
    assert response.json() == {}
    assert roles(cloud, did)[uid_of(cloud, FRIEND_EMAIL)] == "guest"
    [record] = client.get("/app/sharing?sharing_type=0", headers=demo).json()["objects"]
    assert (record["type"], record["status"], record["uid"]) == (1, 1, uid_of(cloud, FRIEND_EMAIL))
    # A QR code is good for one guest.
    third = register(client, "third@heatzy.test")
    assert_error(client.post(f"/app/sharing/code/{code}", headers=third), 9089, 400)
    assert_error(client.post(f"/app/sharing/code/{code}", headers=friend), 9089, 400)


def test_the_owner_cannot_use_its_qr_code(client: TestClient, demo: dict[str, str], code: str) -> None:
    body = assert_error(client.get(f"/app/sharing/code/{code}", headers=demo), 9096, 400)
    assert body["error_message"] == "permission denied, you are not guest!"
    assert_error(client.post(f"/app/sharing/code/{code}", headers=demo), 9096, 400)


def test_a_qr_code_expires_after_15_minutes(client: TestClient, cloud: Cloud, code: str) -> None:
    friend = friend_headers(client)
    cloud.advance(15 * 60 - 1)
    assert client.get(f"/app/sharing/code/{code}", headers=friend).status_code == 200
    cloud.advance(1)
    assert_error(client.get(f"/app/sharing/code/{code}", headers=friend), 9088, 400)
    assert_error(client.post(f"/app/sharing/code/{code}", headers=friend), 9088, 400)


def test_unknown_code_is_9084(client: TestClient) -> None:
    assert_error(client.get("/app/sharing/code/" + "0" * 32, headers=friend_headers(client)), 9084, 400)
    assert_error(client.post("/app/sharing/code/nope", headers=friend_headers(client)), 9084, 400)


def test_a_bound_user_cannot_accept(client: TestClient, cloud: Cloud, code: str, did: str) -> None:
    cloud.bindings.bind(uid_of(cloud, FRIEND_EMAIL), did, T0, role="guest")
    assert_error(client.post(f"/app/sharing/code/{code}", headers=friend_headers(client)), 9083, 400)


def test_a_waiting_qr_share_can_be_cancelled_an_accepted_one_not(client: TestClient, cloud: Cloud,
                                                                 demo: dict[str, str], code: str, did: str) -> None:
    second = share(client, demo, did, type=1)["qr_content"]
    assert client.delete("/app/sharing/2", headers=demo).json() == {"id": 2}
    assert_error(client.get(f"/app/sharing/code/{second}", headers=friend_headers(client)), 9094, 400)
    client.post(f"/app/sharing/code/{code}", headers=friend_headers(client))
    assert_error(client.delete("/app/sharing/1", headers=demo), 9089, 400)
    assert roles(cloud, did)[uid_of(cloud, FRIEND_EMAIL)] == "guest"
