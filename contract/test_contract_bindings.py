"""Contract: the binding list and its paging, editing a binding, unbinding and binding by MAC."""

from __future__ import annotations

import hashlib

import pytest

from .conftest import Snapshot
from .target import PRODUCTS, Api, Target


@pytest.mark.cloud_validated(None)
@pytest.mark.parametrize("device", PRODUCTS, indirect=True)
def test_list_bindings(api: Api, token: str, device: tuple[str, str], snapshot: Snapshot) -> None:
    _, did = device
    response = api.request("GET", "/app/bindings", token=token, params={"limit": 100, "skip": 0})
    assert response.status_code == 200
    mine = [item for item in response.json()["devices"] if item["did"] == did]
    snapshot.match("binding", response, body={"devices": mine})  # the account may hold other devices
    assert len(mine) == 1


@pytest.mark.cloud_validated(None)
def test_bindings_paging(api: Api, token: str) -> None:
    everything = api.request("GET", "/app/bindings", token=token, params={"limit": 100}).json()["devices"]
    dids = [item["did"] for item in everything]
    pages = [
        api.request("GET", "/app/bindings", token=token, params={"limit": 1, "skip": skip}).json()["devices"]
        for skip in range(len(dids) + 1)
    ]
    assert [item["did"] for page in pages for item in page] == dids
    assert all(len(page) == 1 for page in pages[:-1]) and pages[-1] == []


@pytest.mark.cloud_validated(None)
def test_bindings_refuse_a_negative_limit(api: Api, token: str) -> None:
    response = api.request("GET", "/app/bindings", token=token, params={"limit": -1})
    assert response.status_code == 400 and response.json()["error_code"] == 9015


@pytest.mark.cloud_validated(None)
@pytest.mark.parametrize("device", ["Pilote2", "Heatzy"], indirect=True)
def test_binding_alias_change_and_restore(api: Api, token: str, device: tuple[str, str],
                                          snapshot: Snapshot) -> None:
    _, did = device
    listing = api.request("GET", "/app/bindings", token=token, params={"limit": 100}).json()["devices"]
    before = next(item for item in listing if item["did"] == did)
    try:
        response = api.request("PUT", f"/app/bindings/{did}", token=token,
                               json={"dev_alias": "contract-suite", "remark": "contract-suite"})
        snapshot.match("update", response)
        assert response.json()["dev_alias"] == "contract-suite"
    finally:
        restored = api.request("PUT", f"/app/bindings/{did}", token=token,
                               json={"dev_alias": before["dev_alias"], "remark": before["remark"]})
        assert restored.status_code == 200


@pytest.mark.cloud_validated(None)
def test_update_binding_of_an_unknown_device(api: Api, token: str, snapshot: Snapshot) -> None:
    response = api.request("PUT", "/app/bindings/NoSuchDevice0000000000", token=token, json={"dev_alias": "x"})
    snapshot.match("update", response)
    assert response.json()["error_code"] == 9014


@pytest.mark.cloud_validated(None)
@pytest.mark.emulator_only("binding again needs the product secret, which only the emulator publishes")
def test_unbind_and_bind_again(api: Api, token: str, target: Target, devices: dict[str, str],
                               snapshot: Snapshot) -> None:
    cloud = target.cloud
    assert cloud is not None
    did = devices["Pilote2"]
    device = cloud.devices.get(did)
    assert device is not None
    response = api.request("DELETE", "/app/bindings", token=token, json={"devices": [{"did": did}]})
    snapshot.match("unbind", response)
    assert response.json() == {"failed": [], "success": [did]}
    assert api.request("GET", f"/app/devices/{did}", token=token).json()["error_code"] == 9017

    stamp = str(int(cloud.now()))
    signature = hashlib.md5((device.product.secret + stamp).encode()).hexdigest()
    bound = api.request("POST", "/app/bind_mac", token=token,
                        headers={"X-Gizwits-Timestamp": stamp, "X-Gizwits-Signature": signature},
                        json={"product_key": device.product_key, "mac": device.mac, "dev_alias": "again"})
    snapshot.match("bind", bound)
    assert bound.status_code == 201 and bound.json()["did"] == did
