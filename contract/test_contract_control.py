"""Contract: controlling each family and reading the state back; how bad commands are refused.

Every write is put back: the original values are read first and written again at the end.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Snapshot
from .target import Api, Target

#: The 1st generation reports its mode in Chinese and is driven with raw [1, 1, index].
V1_MODES = ["舒适", "经济", "解冻", "停止"]

#: Per product: data points to change (besides the mode) and a value to write for each.
FAMILY_POINTS: dict[str, dict[str, Any]] = {
    "Pilote2": {"lock_switch": 1},
    "Pilote_Soc": {"lock_switch": 1},
    "Pilote_Soc_C3": {"lock_switch": 1},
    "Pilote_Pro": {"cft_temp": 205, "eco_temp": 170},
    "Glow_Simple": {"cft_tempL": 200, "LOCK_C": 1},
    "onyx": {"cft_tempL": 200, "LOCK_C": 1},
    "INEA": {"cft_tempL": 200, "LOCK_C": 1},
    "Bloom": {"cft_temp": 21, "eco_temp": 17},
}


def latest(api: Api, token: str, did: str) -> dict[str, Any]:
    return dict(api.request("GET", f"/app/devdata/{did}/latest", token=token).json()["attr"])


def other_value(current: Any, choices: list[Any]) -> Any:
    return next(choice for choice in choices if choice != current)


@pytest.mark.cloud_validated(None)
@pytest.mark.parametrize("device", ["Heatzy"], indirect=True)
def test_control_first_generation_with_raw(api: Api, token: str, target: Target, device: tuple[str, str],
                                           snapshot: Snapshot) -> None:
    _, did = device
    original = latest(api, token, did)["mode"]
    wanted = other_value(original, V1_MODES)
    try:
        response = api.request("POST", f"/app/control/{did}", token=token,
                               json={"raw": [1, 1, V1_MODES.index(wanted)]})
        snapshot.match("control", response)
        assert response.status_code == 200
        state = target.eventually(lambda: latest(api, token, did), lambda attr: attr["mode"] == wanted)
        assert state["mode"] == wanted
    finally:
        api.request("POST", f"/app/control/{did}", token=token, json={"raw": [1, 1, V1_MODES.index(original)]})


@pytest.mark.cloud_validated(None)
@pytest.mark.parametrize("device", sorted(FAMILY_POINTS), indirect=True)
def test_control_with_attrs_and_read_back(api: Api, token: str, target: Target, device: tuple[str, str],
                                          snapshot: Snapshot) -> None:
    product, did = device
    before = latest(api, token, did)
    writes = {"mode": other_value(before["mode"], ["eco", "fro", "cft"])}
    writes.update({name: value if before[name] != value else value - 1
                   for name, value in FAMILY_POINTS[product].items()})
    try:
        response = api.request("POST", f"/app/control/{did}", token=token, json={"attrs": writes})
        snapshot.match("control", response)
        assert response.status_code == 200
        state = target.eventually(lambda: latest(api, token, did),
                                  lambda attr: all(attr[k] == v for k, v in writes.items()))
        assert {k: state[k] for k in writes} == writes
        snapshot.match("devdata", api.request("GET", f"/app/devdata/{did}/latest", token=token))
    finally:
        api.request("POST", f"/app/control/{did}", token=token, json={"attrs": {k: before[k] for k in writes}})


@pytest.mark.cloud_validated(None)
@pytest.mark.parametrize("device", ["Pilote2"], indirect=True)
def test_control_takes_a_mode_by_index(api: Api, token: str, target: Target, device: tuple[str, str]) -> None:
    _, did = device
    original = latest(api, token, did)["mode"]
    modes = ["cft", "eco", "fro", "stop"]
    wanted = other_value(original, modes)
    try:
        assert api.request("POST", f"/app/control/{did}", token=token,
                           json={"attrs": {"mode": modes.index(wanted)}}).status_code == 200
        assert target.eventually(lambda: latest(api, token, did), lambda a: a["mode"] == wanted)["mode"] == wanted
    finally:
        api.request("POST", f"/app/control/{did}", token=token, json={"attrs": {"mode": original}})


@pytest.mark.cloud_validated(None)
def test_control_with_an_invalid_attr(api: Api, token: str, devices: dict[str, str], snapshot: Snapshot) -> None:
    did = next(iter(devices.values()))
    response = api.request("POST", f"/app/control/{did}", token=token, json={"attrs": {"no_such_point": 1}})
    snapshot.match("control", response)
    assert response.json()["error_code"] == 9025


@pytest.mark.cloud_validated(None)
def test_control_without_attrs_or_raw(api: Api, token: str, devices: dict[str, str], snapshot: Snapshot) -> None:
    did = next(iter(devices.values()))
    response = api.request("POST", f"/app/control/{did}", token=token, json={})
    snapshot.match("control", response)
    assert response.json()["error_code"] == 9015


@pytest.mark.cloud_validated(None)
def test_control_of_an_unknown_device(api: Api, token: str, snapshot: Snapshot) -> None:
    response = api.request("POST", "/app/control/NoSuchDevice0000000000", token=token, json={"attrs": {"mode": 1}})
    snapshot.match("control", response)
    assert response.json()["error_code"] == 9014
