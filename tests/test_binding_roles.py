"""Binding roles as seed 001 describes them: special, normal, owner, guest."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from conftest import assert_error
from starlette.testclient import TestClient
from support_users import T0, friend_headers, register, roles, uid_of

from emulator.gizwits.cloud.cloud import Cloud
from emulator.gizwits.cloud.scenario import ScenarioError, load_scenario
from emulator.gizwits.cloud.sharing.bindings import GUEST, NORMAL, OWNER, SPECIAL, BindingStore
from emulator.gizwits.errors import ApiError

SPARE_MAC = "a0b1c2d3e4f5"


def bind_mac(client: TestClient, cloud: Cloud, headers: dict[str, str], **extra: Any) -> Any:
    product = cloud.catalog.resolve("Pilote2")
    stamp = str(int(cloud.now()))
    signed = {**headers, "X-Gizwits-Timestamp": stamp,
              "X-Gizwits-Signature": hashlib.md5((product.secret + stamp).encode()).hexdigest()}
    return client.post("/app/bind_mac", headers=signed,
                       json={"product_key": product.product_key, "mac": SPARE_MAC, **extra})


@pytest.fixture(autouse=True)
def frozen(cloud: Cloud) -> None:
    cloud.clock.freeze(T0)


def test_demo_devices_are_special_like_the_real_captures(client: TestClient, demo: dict[str, str]) -> None:
    devices = client.get("/app/bindings", headers=demo).json()["devices"]
    assert devices and {d["role"] for d in devices} == {"special"}


def test_heatzy_products_have_sharing_enabled(cloud: Cloud) -> None:
    assert all(product.sharing for product in cloud.catalog)


def test_first_binder_is_special_later_binders_normal(client: TestClient, cloud: Cloud,
                                                      demo: dict[str, str]) -> None:
    first = bind_mac(client, cloud, demo)
    assert first.status_code == 201
    assert first.json()["role"] == "special"
    second = bind_mac(client, cloud, friend_headers(client))
    assert second.status_code == 201
    assert second.json()["role"] == "normal"


def test_unbinding_the_special_user_promotes_the_earliest_normal(client: TestClient, cloud: Cloud,
                                                                 demo: dict[str, str]) -> None:
    friend = friend_headers(client)
    third = register(client, "third@heatzy.test")
    did = bind_mac(client, cloud, demo).json()["did"]
    cloud.clock.advance(1)
    bind_mac(client, cloud, friend)
    cloud.clock.advance(1)
    bind_mac(client, cloud, third)
    response = client.request("DELETE", "/app/bindings", headers=demo, json={"devices": [{"did": did}]})
    assert response.json() == {"failed": [], "success": [did]}
    assert roles(cloud, did) == {uid_of(cloud, "friend@heatzy.test"): SPECIAL,
                                 uid_of(cloud, "third@heatzy.test"): NORMAL}


def test_set_owner_makes_the_first_binder_owner_and_locks_the_device(client: TestClient, cloud: Cloud,
                                                                     demo: dict[str, str]) -> None:
    response = bind_mac(client, cloud, demo, set_owner=1)
    assert response.status_code == 201
    assert response.json()["role"] == "owner"
    body = assert_error(bind_mac(client, cloud, friend_headers(client)), 9092, 400)
    assert body["error_message"] == "owner exist, guest can not bind!"
    # The owner binding again is harmless: the binding stays as it is.
    again = bind_mac(client, cloud, demo, set_owner=1)
    assert again.status_code == 201 and again.json()["role"] == "owner"


def test_set_owner_on_a_device_already_bound_gives_normal(client: TestClient, cloud: Cloud,
                                                         demo: dict[str, str]) -> None:
    bind_mac(client, cloud, demo)
    assert bind_mac(client, cloud, friend_headers(client), set_owner=1).json()["role"] == "normal"


def test_set_owner_must_be_0_or_1(client: TestClient, cloud: Cloud, demo: dict[str, str]) -> None:
    assert_error(bind_mac(client, cloud, demo, set_owner=2), 9015, 400)
    assert_error(bind_mac(client, cloud, demo, set_owner="1"), 9015, 400)


def test_set_owner_is_ignored_without_device_sharing() -> None:
    store = BindingStore()
    assert store.bind("a", "dev", 1.0, sharing=False, set_owner=True).role == SPECIAL


def test_sharing_turns_special_into_owner_and_normal_into_guest() -> None:
    store = BindingStore()
    store.bind("a", "dev", 1.0)
    store.bind("b", "dev", 2.0)
    store.share_from("a", "dev")
    assert {b.uid: b.role for b in store.of_device("dev")} == {"a": OWNER, "b": GUEST}


def test_unbinding_the_owner_removes_every_guest() -> None:
    store = BindingStore()
    store.bind("a", "dev", 1.0, sharing=True, set_owner=True)
    store.bind("b", "dev", 2.0, role=GUEST)
    store.bind("c", "dev", 3.0, role=GUEST)
    store.bind("a", "other", 1.0)
    removed = store.unbind("a", "dev")
    assert [(b.uid, b.role) for b in removed] == [("a", OWNER), ("b", GUEST), ("c", GUEST)]
    assert store.of_device("dev") == []
    assert store.get("a", "other") is not None


def test_unbinding_a_guest_keeps_the_owner() -> None:
    store = BindingStore()
    store.bind("a", "dev", 1.0, sharing=True, set_owner=True)
    store.bind("b", "dev", 2.0, role=GUEST)
    assert [b.uid for b in store.unbind("b", "dev")] == ["b"]
    assert store.get("a", "dev").role == OWNER  # type: ignore[union-attr]


def test_an_owned_device_refuses_new_binders_in_the_store() -> None:
    store = BindingStore()
    store.bind("a", "dev", 1.0, sharing=True, set_owner=True)
    with pytest.raises(ApiError) as caught:
        store.bind("b", "dev", 2.0, sharing=True)
    assert caught.value.code == 9092


def test_owner_unbinding_through_the_api_drops_the_guests_and_their_tasks(client: TestClient, cloud: Cloud,
                                                                          demo: dict[str, str]) -> None:
    did = bind_mac(client, cloud, demo, set_owner=1).json()["did"]
    friend = friend_headers(client)
    friend_uid = uid_of(cloud, "friend@heatzy.test")
    cloud.bindings.bind(friend_uid, did, T0, role=GUEST)
    task = {"time": "08:00", "repeat": "mon", "attrs": {"mode": "eco"}}
    assert client.post(f"/app/devices/{did}/scheduler", headers=friend, json=task).status_code == 201
    response = client.request("DELETE", "/app/bindings", headers=demo, json={"devices": [{"did": did}]})
    assert response.json() == {"failed": [], "success": [did]}
    assert roles(cloud, did) == {}
    assert cloud.schedulers.of(friend_uid, did) == []
    assert_error(client.get(f"/app/devices/{did}", headers=friend), 9017, 401)


def test_fixtures_give_a_binding_its_role(cloud: Cloud) -> None:
    load_scenario(cloud, {
        "format": 1,
        "users": [{"ref": "o", "email": "o@x.test", "password": "p"},
                  {"ref": "g", "email": "g@x.test", "password": "p"}],
        "devices": [{"product": "Pilote2", "bound_to": [{"user": "o", "role": "owner"},
                                                        {"user": "g", "role": "guest"}]}],
    })
    did = next(b.did for b in cloud.bindings if b.uid == uid_of(cloud, "o@x.test"))
    assert roles(cloud, did) == {uid_of(cloud, "o@x.test"): OWNER, uid_of(cloud, "g@x.test"): GUEST}


def test_fixtures_reject_an_unknown_role(cloud: Cloud) -> None:
    with pytest.raises(ScenarioError, match=r"devices\[0\]\.bound_to\[0\]\.role: 'boss' is not one of special"):
        load_scenario(cloud, {"format": 1, "users": [{"ref": "o", "email": "o@x.test", "password": "p"}],
                              "devices": [{"product": "Pilote2", "bound_to": [{"user": "o", "role": "boss"}]}]})


def test_role_shows_in_binding_list_and_device_details(client: TestClient, cloud: Cloud,
                                                       demo: dict[str, str]) -> None:
    did = bind_mac(client, cloud, demo, set_owner=1).json()["did"]
    assert client.get(f"/app/devices/{did}", headers=demo).json()["role"] == "owner"
    listed = {d["did"]: d["role"] for d in client.get("/app/bindings", headers=demo).json()["devices"]}
    assert listed[did] == "owner"
