"""``POST /app/bind_latest`` (device QR content) and the legacy ``POST /app/bindings`` (did + passcode)."""

from __future__ import annotations

import pytest
from conftest import assert_error
from starlette.testclient import TestClient
from support_users import T0, friend_headers, roles, uid_of

from emulator.gizwits.cloud.cloud import Cloud
from emulator.gizwits.devices import Device

SPARE_MAC = "a0b1c2d3e4f5"


@pytest.fixture(autouse=True)
def frozen(cloud: Cloud) -> None:
    cloud.clock.freeze(T0)


@pytest.fixture
def spare(cloud: Cloud) -> Device:
    device = cloud.devices.by_mac(cloud.catalog.resolve("Pilote2").product_key, SPARE_MAC)
    assert device is not None
    return device


@pytest.mark.parametrize("template", [
    "product_key={pk}&mac={mac}",
    "http://www.gizwits.com?product_key={pk}&mac={mac}",
    "product_key={pk}&did={did}&passcode={passcode}",
])
def test_bind_latest_reads_the_plain_qr_forms(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                              spare: Device, template: str) -> None:
    content = template.format(pk=spare.product_key, mac=spare.mac, did=spare.did, passcode=spare.passcode)
    response = client.post("/app/bind_latest", headers=demo, json={"qr_content": content})
    assert response.status_code == 201
    assert response.json() == {}
    assert roles(cloud, spare.did) == {uid_of(cloud, "demo@heatzy.test"): "special"}


def test_bind_latest_with_set_owner_then_nobody_else(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                     spare: Device) -> None:
    content = f"product_key={spare.product_key}&mac={spare.mac}"
    response = client.post("/app/bind_latest", headers=demo, json={"qr_content": content, "set_owner": 1})
    assert response.status_code == 201
    assert roles(cloud, spare.did) == {uid_of(cloud, "demo@heatzy.test"): "owner"}
    response = client.post("/app/bind_latest", headers=friend_headers(client), json={"qr_content": content})
    assert_error(response, 9092, 400)


def test_bind_latest_errors(client: TestClient, demo: dict[str, str], spare: Device) -> None:
    body = assert_error(client.post("/app/bind_latest", headers=demo, json={"qr_content": "hello"}), 9040, 400)
    assert body["error_message"] == "bad qrcode content!"
    assert_error(client.post("/app/bind_latest", headers=demo, json={"qr_content": f"product_key={spare.product_key}"}),
                 9040, 400)
    unknown_mac = f"product_key={spare.product_key}&mac=ffffffffffff"
    assert_error(client.post("/app/bind_latest", headers=demo, json={"qr_content": unknown_mac}), 9014, 404)
    unknown_product = f"product_key={'0' * 32}&mac={spare.mac}"
    assert_error(client.post("/app/bind_latest", headers=demo, json={"qr_content": unknown_product}), 9002, 400)
    wrong_passcode = f"product_key={spare.product_key}&did={spare.did}&passcode=WRONGWRONG"
    assert_error(client.post("/app/bind_latest", headers=demo, json={"qr_content": wrong_passcode}), 9016, 400)
    assert_error(client.post("/app/bind_latest", headers=demo, json={}), 9015, 400)
    assert_error(client.post("/app/bind_latest", headers=demo,
                             json={"qr_content": f"product_key={spare.product_key}&mac={spare.mac}", "set_owner": 5}),
                 9015, 400)


def test_legacy_bind_by_did_and_passcode(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                         spare: Device) -> None:
    body = {"devices": [{"did": spare.did, "passcode": spare.passcode, "remark": "garage"}]}
    response = client.post("/app/bindings", headers=demo, json=body)
    assert response.status_code == 200
    assert response.json() == {"success": [spare.did], "failed": []}
    binding = cloud.bindings.get(uid_of(cloud, "demo@heatzy.test"), spare.did)
    assert binding is not None and (binding.role, binding.remark) == ("special", "garage")


def test_legacy_bind_wrong_passcode_binds_nothing(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                  spare: Device, demo_dids: dict[str, str]) -> None:
    other = cloud.devices.get(demo_dids["Bloom"])
    assert other is not None
    body = {"devices": [{"did": spare.did, "passcode": spare.passcode}, {"did": other.did, "passcode": "NOPE"}]}
    error = assert_error(client.post("/app/bindings", headers=friend_headers(client), json=body), 9016, 400)
    assert error["error_message"] == "did or passcode invalid!"
    assert roles(cloud, spare.did) == {}
    unknown = {"devices": [{"did": "x" * 22, "passcode": "ABCDEFGHIJ"}]}
    assert_error(client.post("/app/bindings", headers=demo, json=unknown), 9016, 400)


def test_legacy_bind_lists_owned_devices_as_failed(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                   spare: Device, demo_dids: dict[str, str]) -> None:
    cloud.bindings.bind(uid_of(cloud, "demo@heatzy.test"), spare.did, T0, sharing=True, set_owner=True)
    bloom = cloud.devices.get(demo_dids["Bloom"])
    assert bloom is not None
    body = {"devices": [{"did": spare.did, "passcode": spare.passcode}, {"did": bloom.did, "passcode": bloom.passcode}]}
    response = client.post("/app/bindings", headers=friend_headers(client), json=body)
    assert response.json() == {"success": [bloom.did], "failed": [spare.did]}
    assert roles(cloud, bloom.did)[uid_of(cloud, "friend@heatzy.test")] == "normal"


def test_legacy_bind_forms(client: TestClient, demo: dict[str, str]) -> None:
    assert_error(client.post("/app/bindings", headers=demo, json={}), 9015, 400)
    assert_error(client.post("/app/bindings", headers=demo, json={"devices": []}), 9015, 400)
    assert_error(client.post("/app/bindings", headers=demo, json={"devices": ["abc"]}), 9015, 400)
    assert_error(client.post("/app/bindings", headers=demo, json={"devices": [{"did": "abc"}]}), 9015, 400)


def test_a_mac_does_not_bind_a_device_another_user_is_bound_to(client: TestClient, cloud: Cloud,
                                                               demo: dict[str, str], demo_dids: dict[str, str]) -> None:
    """MACs are seeded and printed on the box: knowing one must not give control of a bound heater."""
    device = cloud.devices.require(demo_dids["Pilote2"])
    friend = friend_headers(client)
    mac_form = f"product_key={device.product_key}&mac={device.mac}"
    body = assert_error(client.post("/app/bind_latest", headers=friend, json={"qr_content": mac_form}), 9016, 400)
    assert "did and passcode" in body["detail_message"]
    assert_error(client.post(f"/app/control/{device.did}", headers=friend, json={"attrs": {"mode": "eco"}}), 9017, 401)
    assert uid_of(cloud, "friend@heatzy.test") not in roles(cloud, device.did)
    # the user bound to it may scan it again; the did + passcode form still binds a second user
    assert client.post("/app/bind_latest", headers=demo, json={"qr_content": mac_form}).status_code == 201
    passcode_form = f"product_key={device.product_key}&did={device.did}&passcode={device.passcode}"
    assert client.post("/app/bind_latest", headers=friend, json={"qr_content": passcode_form}).status_code == 201
    assert roles(cloud, device.did)[uid_of(cloud, "friend@heatzy.test")] == "normal"
