"""Normal shares (type 0): create, list, accept/refuse, cancel/take back, expiry, and every error."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import assert_error
from msgspec import structs
from starlette.testclient import TestClient
from support_users import FRIEND_EMAIL, T0, friend_headers, register, roles, share, uid_of

from emulator.gizwits.cloud.cloud import Cloud
from emulator.gizwits.cloud.sharing.bindings import GUEST, OWNER

DEMO_EMAIL = "demo@heatzy.test"


@pytest.fixture(autouse=True)
def frozen(cloud: Cloud) -> None:
    cloud.clock.freeze(T0)


@pytest.fixture
def friend(client: TestClient) -> dict[str, str]:
    return friend_headers(client)


@pytest.fixture
def did(demo_dids: dict[str, str]) -> str:
    return demo_dids["Pilote2"]


def answer(client: TestClient, headers: dict[str, str], sharing_id: int, status: int) -> Any:
    return client.put(f"/app/sharing/{sharing_id}?status={status}", headers=headers)


def listing(client: TestClient, headers: dict[str, str], query: str) -> dict[str, Any]:
    response = client.get(f"/app/sharing?{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


# -- creating -------------------------------------------------------------------------------
@pytest.mark.parametrize("key", ["uid", "username", "email", "phone"])
def test_share_names_the_guest_by_any_of_four_keys(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                   did: str, key: str) -> None:
    friend_user = cloud.users.get(uid_of(cloud, FRIEND_EMAIL))
    assert friend_user is not None
    cloud.users.update(friend_user, cloud.now(), username="friendly", phone="+33600000042")
    value = {"uid": friend_user.uid, "username": "friendly", "email": FRIEND_EMAIL, "phone": "+33600000042"}[key]
    body = share(client, demo, did, **{key: value})
    assert body == {"qr_content": None, "id": 1}
    record = cloud.sharing.get(1)
    assert record is not None and record.guest_uid == friend_user.uid


def test_sharing_makes_the_sharer_owner_before_any_answer(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                          did: str) -> None:
    third = register(client, "third@heatzy.test")
    cloud.bindings.bind(uid_of(cloud, "third@heatzy.test"), did, T0)  # a normal user of the device
    share(client, demo, did, email=FRIEND_EMAIL)
    assert roles(cloud, did) == {uid_of(cloud, DEMO_EMAIL): OWNER, uid_of(cloud, "third@heatzy.test"): GUEST}
    devices = client.get("/app/bindings", headers=third).json()["devices"]
    assert [d["role"] for d in devices] == ["guest"]


def test_share_errors(client: TestClient, cloud: Cloud, demo: dict[str, str], friend: dict[str, str],
                      did: str) -> None:
    to_self = client.post("/app/sharing", headers=demo, json={"type": 0, "did": did, "email": DEMO_EMAIL})
    assert assert_error(to_self, 9080, 400)["error_message"] == "can not share device to self!"
    assert_error(client.post("/app/sharing", headers=demo, json={"type": 0, "did": did, "email": "x@nowhere.test"}),
                 9082, 400)
    assert_error(client.post("/app/sharing", headers=demo, json={"type": 0, "did": "nope", "email": FRIEND_EMAIL}),
                 9014, 404)
    assert_error(client.post("/app/sharing", headers=friend, json={"type": 0, "did": did, "email": DEMO_EMAIL}),
                 9017, 401)
    share(client, demo, did, email=FRIEND_EMAIL)
    body = assert_error(client.post("/app/sharing", headers=demo, json={"type": 0, "did": did, "email": FRIEND_EMAIL}),
                        9087, 400)
    assert body["error_message"] == "sharing alread created,waiting for the guest to accept!"
    assert answer(client, friend, 1, 1).status_code == 200
    assert_error(client.post("/app/sharing", headers=demo, json={"type": 0, "did": did, "email": FRIEND_EMAIL}),
                 9083, 400)
    # A guest cannot share further.
    register(client, "third@heatzy.test")
    assert_error(client.post("/app/sharing", headers=friend, json={"type": 0, "did": did,
                                                                   "email": "third@heatzy.test"}), 9081, 400)


def test_a_normal_user_cannot_share(client: TestClient, cloud: Cloud, demo: dict[str, str], friend: dict[str, str],
                                    did: str) -> None:
    cloud.bindings.bind(uid_of(cloud, FRIEND_EMAIL), did, T0)
    body = assert_error(client.post("/app/sharing", headers=friend, json={"type": 1, "did": did}), 9081, 400)
    assert body["error_message"] == "guest or normal user can not share device!"


def test_a_product_without_sharing_cannot_share(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                did: str) -> None:
    device = cloud.devices.get(did)
    assert device is not None
    device.product = structs.replace(device.product, sharing=False)
    assert_error(client.post("/app/sharing", headers=demo, json={"type": 0, "did": did, "email": FRIEND_EMAIL}),
                 9081, 400)
    assert cloud.bindings.get(uid_of(cloud, DEMO_EMAIL), did).role == "special"  # type: ignore[union-attr]


@pytest.mark.parametrize("body", [
    {"did": "x", "email": FRIEND_EMAIL},
    {"type": 2, "did": "x", "email": FRIEND_EMAIL},
    {"type": "0", "did": "x", "email": FRIEND_EMAIL},
    {"type": 0, "email": FRIEND_EMAIL},
    {"type": 0, "did": "x"},
    {"type": 0, "did": "x", "email": FRIEND_EMAIL, "uid": "abc"},
    {"type": 0, "did": "x", "email": FRIEND_EMAIL, "duration": 0},
    {"type": 0, "did": "x", "email": FRIEND_EMAIL, "duration": 1441},
])
def test_share_forms(client: TestClient, demo: dict[str, str], body: dict[str, Any]) -> None:
    assert_error(client.post("/app/sharing", headers=demo, json=body), 9015, 400)


# -- listing --------------------------------------------------------------------------------
def test_owner_and_guest_listings(client: TestClient, cloud: Cloud, demo: dict[str, str], friend: dict[str, str],
                                  did: str) -> None:
    share(client, demo, did, email=FRIEND_EMAIL)
    sent = listing(client, demo, "sharing_type=0")
    assert sent["meta"] == {"total": 1, "limit": 20, "skip": 0, "previous": None, "next": None}
    assert sent["objects"] == [{
        "status": 0, "username": None, "uid": uid_of(cloud, FRIEND_EMAIL), "did": did,
        "created_at": "2023-11-14T22:13:20Z", "updated_at": "2023-11-14T22:13:20Z", "email": "f****d@heatzy.test",
        "phone": None, "dev_alias": "Salon", "id": 1, "user_alias": "", "type": 0, "product_name": "Pilote2",
        "expired_at": "2023-11-15T22:13:20Z",
    }]
    received = listing(client, friend, "sharing_type=1")["objects"]
    assert [(o["id"], o["uid"], o["email"]) for o in received] == [(1, uid_of(cloud, DEMO_EMAIL),
                                                                     "d****o@heatzy.test")]
    assert listing(client, friend, "sharing_type=0")["objects"] == []


def test_listing_filters_and_pages(client: TestClient, cloud: Cloud, demo: dict[str, str], friend: dict[str, str],
                                   demo_dids: dict[str, str]) -> None:
    dids = [demo_dids[name] for name in ("Pilote2", "Pilote_Soc", "Pilote_Soc_C3")]
    for step, device in enumerate(dids):
        cloud.clock.freeze(T0 + step)
        share(client, demo, device, email=FRIEND_EMAIL)
    answer(client, friend, 2, 1)
    assert [o["id"] for o in listing(client, demo, "sharing_type=0")["objects"]] == [3, 2, 1]
    assert [o["id"] for o in listing(client, demo, "sharing_type=0&status=1")["objects"]] == [2]
    assert [o["id"] for o in listing(client, demo, "sharing_type=0&status=0,1")["objects"]] == [3, 2, 1]
    assert [o["id"] for o in listing(client, demo, f"sharing_type=0&did={dids[0]}")["objects"]] == [1]
    page = listing(client, demo, "sharing_type=0&limit=1&skip=1")
    assert [o["id"] for o in page["objects"]] == [2]
    assert page["meta"] == {"total": 3, "limit": 1, "skip": 1,
                            "previous": "/app/sharing?skip=0&sharing_type=0&limit=1",
                            "next": "/app/sharing?skip=2&sharing_type=0&limit=1"}


def test_listing_errors(client: TestClient, demo: dict[str, str], friend: dict[str, str], did: str) -> None:
    assert_error(client.get("/app/sharing", headers=demo), 9015, 400)
    assert_error(client.get("/app/sharing?sharing_type=2", headers=demo), 9015, 400)
    assert_error(client.get("/app/sharing?sharing_type=0&status=7", headers=demo), 9015, 400)
    assert_error(client.get("/app/sharing?sharing_type=0&limit=0", headers=demo), 9015, 400)
    # Only the owner may ask about one device: the demo user is still "special" here.
    assert_error(client.get(f"/app/sharing?sharing_type=0&did={did}", headers=demo), 9093, 400)
    assert_error(client.get(f"/app/sharing?sharing_type=1&did={did}", headers=friend), 9017, 401)


# -- answering ------------------------------------------------------------------------------
def test_accepting_makes_a_guest(client: TestClient, cloud: Cloud, demo: dict[str, str], friend: dict[str, str],
                                 did: str) -> None:
    share(client, demo, did, email=FRIEND_EMAIL)
    cloud.clock.advance(60)
    response = answer(client, friend, 1, 1)
    assert response.status_code == 200
    assert response.json() == {"id": 1}
    [device] = client.get("/app/bindings", headers=friend).json()["devices"]
    assert (device["did"], device["role"], device["dev_alias"]) == (did, "guest", "Salon")
    record = listing(client, demo, "sharing_type=0")["objects"][0]
    assert (record["status"], record["updated_at"]) == (1, "2023-11-14T22:14:20Z")
    assert client.post(f"/app/control/{did}", headers=friend, json={"attrs": {"mode": "eco"}}).status_code == 200


def test_refusing(client: TestClient, cloud: Cloud, demo: dict[str, str], friend: dict[str, str], did: str) -> None:
    share(client, demo, did, email=FRIEND_EMAIL)
    assert answer(client, friend, 1, 2).json() == {"id": 1}
    assert cloud.bindings.get(uid_of(cloud, FRIEND_EMAIL), did) is None
    assert listing(client, demo, "sharing_type=0")["objects"][0]["status"] == 2
    body = assert_error(answer(client, friend, 1, 1), 9089, 400)
    assert body["error_message"] == "sharing record status is not unaccept!"
    # Refused, the owner may invite again.
    assert share(client, demo, did, email=FRIEND_EMAIL)["id"] == 2


def test_answer_errors(client: TestClient, cloud: Cloud, demo: dict[str, str], friend: dict[str, str],
                       did: str) -> None:
    share(client, demo, did, email=FRIEND_EMAIL)
    assert_error(answer(client, friend, 99, 1), 9084, 400)
    assert_error(answer(client, demo, 1, 1), 9096, 400)
    assert_error(answer(client, friend, 1, 3), 9015, 400)
    assert_error(client.put("/app/sharing/abc?status=1", headers=friend), 9015, 400)
    answer(client, friend, 1, 1)
    assert_error(answer(client, friend, 1, 1), 9089, 400)


def test_an_invitation_expires_after_24_hours(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                              friend: dict[str, str], did: str) -> None:
    share(client, demo, did, email=FRIEND_EMAIL)
    cloud.advance(24 * 3600 - 1)
    assert cloud.sharing.get(1).expired is False  # type: ignore[union-attr]
    cloud.advance(1)
    body = assert_error(answer(client, friend, 1, 1), 9088, 400)
    assert body["error_message"] == "sharing record expired!"
    # The expired invitation no longer blocks a new one.
    assert share(client, demo, did, email=FRIEND_EMAIL)["id"] == 2


def test_accepting_after_the_owner_left_is_9090(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                friend: dict[str, str], did: str) -> None:
    share(client, demo, did, email=FRIEND_EMAIL)
    client.request("DELETE", "/app/bindings", headers=demo, json={"devices": [{"did": did}]})
    body = assert_error(answer(client, friend, 1, 1), 9090, 400)
    assert body["error_message"] == "owner binding disabled!"


def test_accepting_when_already_bound_is_9083(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                              friend: dict[str, str], did: str) -> None:
    share(client, demo, did, email=FRIEND_EMAIL)
    cloud.bindings.bind(uid_of(cloud, FRIEND_EMAIL), did, T0, role=GUEST)
    assert_error(answer(client, friend, 1, 1), 9083, 400)


# -- cancelling -----------------------------------------------------------------------------
def test_cancel_a_waiting_invitation(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                     friend: dict[str, str], did: str) -> None:
    share(client, demo, did, email=FRIEND_EMAIL)
    response = client.delete("/app/sharing/1", headers=demo)
    assert response.status_code == 200
    assert response.json() == {"id": 1}
    assert listing(client, demo, "sharing_type=0")["objects"][0]["status"] == 3
    body = assert_error(answer(client, friend, 1, 1), 9094, 400)
    assert body["error_message"] == "sharing already canceled!"
    assert_error(client.delete("/app/sharing/1", headers=demo), 9094, 400)


def test_take_back_an_accepted_share(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                     friend: dict[str, str], did: str) -> None:
    share(client, demo, did, email=FRIEND_EMAIL)
    answer(client, friend, 1, 1)
    assert client.delete("/app/sharing/1", headers=demo).json() == {"id": 1}
    assert cloud.bindings.get(uid_of(cloud, FRIEND_EMAIL), did) is None
    assert_error(client.post(f"/app/control/{did}", headers=friend, json={"attrs": {"mode": "eco"}}), 9017, 401)


def test_cancel_errors(client: TestClient, cloud: Cloud, demo: dict[str, str], friend: dict[str, str],
                       did: str) -> None:
    assert_error(client.delete("/app/sharing/5", headers=demo), 9084, 400)
    share(client, demo, did, email=FRIEND_EMAIL)
    body = assert_error(client.delete("/app/sharing/1", headers=friend), 9093, 400)
    assert body["error_message"] == "permission denied, you are not owner!"
    answer(client, friend, 1, 2)
    assert_error(client.delete("/app/sharing/1", headers=demo), 9089, 400)
