"""Contract: device details, latest data (devdata) and data point definitions, per product."""

from __future__ import annotations

import pytest

from .conftest import Snapshot
from .target import PRODUCTS, Api


@pytest.mark.cloud_validated(None)
@pytest.mark.parametrize("device", PRODUCTS, indirect=True)
def test_device_details(api: Api, token: str, device: tuple[str, str], snapshot: Snapshot) -> None:
    product, did = device
    response = api.request("GET", f"/app/devices/{did}", token=token)
    snapshot.match("details", response)
    assert response.status_code == 200
    assert response.json()["did"] == did and response.json()["product_name"] == product


@pytest.mark.cloud_validated(None)
@pytest.mark.parametrize("device", PRODUCTS, indirect=True)
def test_devdata(api: Api, token: str, device: tuple[str, str], snapshot: Snapshot) -> None:
    _, did = device
    response = api.request("GET", f"/app/devdata/{did}/latest", token=token)
    snapshot.match("devdata", response)
    assert response.status_code == 200 and response.json()["did"] == did


@pytest.mark.cloud_validated(None)
@pytest.mark.parametrize("device", PRODUCTS, indirect=True)
def test_datapoint(api: Api, token: str, device: tuple[str, str], snapshot: Snapshot) -> None:
    _, did = device
    product_key = api.request("GET", f"/app/devices/{did}", token=token).json()["product_key"]
    response = api.request("GET", "/app/datapoint", params={"product_key": product_key})
    snapshot.match("datapoint", response)
    names = {attr["name"] for attr in response.json()["entities"][0]["attrs"]}
    latest = api.request("GET", f"/app/devdata/{did}/latest", token=token).json()["attr"]
    assert set(latest) == names, "devdata reports exactly the product's data points"


@pytest.mark.cloud_validated(None)
def test_device_details_of_an_unknown_device(api: Api, token: str, snapshot: Snapshot) -> None:
    response = api.request("GET", "/app/devices/NoSuchDevice0000000000", token=token)
    snapshot.match("details", response)
    assert response.json()["error_code"] == 9014


@pytest.mark.cloud_validated(None)
def test_datapoint_of_an_unknown_product(api: Api) -> None:
    response = api.request("GET", "/app/datapoint", params={"product_key": "0" * 32})
    assert response.status_code == 400 and response.json()["error_code"] == 9002
