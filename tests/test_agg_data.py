"""agg_data: sum/avg/max/min of numeric data points per hour/day/week/month over the history."""

from __future__ import annotations

from typing import Any

import pytest
from clocked import T0, cloud_at
from conftest import assert_error
from starlette.testclient import TestClient

from emulator.cloud.cloud import Cloud

MS = 1000


@pytest.fixture
def cloud() -> Cloud:
    return cloud_at(T0)


@pytest.fixture
def pro(cloud: Cloud, demo_dids: dict[str, str]) -> tuple[str, int]:
    """The Pro's did and first cur_temp; then reports at T0+1200 (05:03:09, 200), +2000 (210), +4000 (humidity
    only: cur_temp stays 210) and the next day (180)."""
    did = demo_dids["Pilote_Pro"]
    device = cloud.devices.require(did)
    first = device.attrs["cur_temp"]
    for at, changes in ((1200, {"cur_temp": 200}), (2000, {"cur_temp": 210}), (4000, {"cur_humi": 50}),
                        (86400, {"cur_temp": 180})):
        cloud.clock.freeze(T0 + at)
        cloud.apply(device, changes, source="device")
    cloud.clock.freeze(T0 + 90000)
    return did, first


def agg(client: TestClient, headers: dict[str, str], did: str, **query: Any) -> Any:
    params = {"start_ts": T0 * MS, "attrs": "cur_temp", "aggregator": "avg", "unit": "HOURS", **query}
    response = client.get(f"/app/devdata/{did}/agg_data", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_hourly_average_with_the_documented_shape(client: TestClient, demo: dict[str, str],
                                                  pro: tuple[str, int], cloud: Cloud) -> None:
    did, first = pro
    body = agg(client, demo, did)
    assert body["query"] == {"aggregator": "avg", "end_ts": None, "start_ts": T0 * MS, "attrs": "cur_temp",
                             "unit": "HOURS", "did": did}
    uid = next(b.uid for b in cloud.bindings.of_device(did))
    assert body["data"] == [
        {"datatime": "2024-09-25T04:00:00Z", "uid": uid, "product_key": "a77a929fcf0d4631bc4f669080376891",
         "attrs": {"cur_temp": str(first)}},
        {"datatime": "2024-09-25T05:00:00Z", "uid": uid, "product_key": "a77a929fcf0d4631bc4f669080376891",
         "attrs": {"cur_temp": "206.67"}},  # 200, 210 and 210 again (the humidity report)
        {"datatime": "2024-09-26T04:00:00Z", "uid": uid, "product_key": "a77a929fcf0d4631bc4f669080376891",
         "attrs": {"cur_temp": "180"}},
    ]


@pytest.mark.parametrize("aggregator, unit, expected", [
    ("sum", "DAYS", [("2024-09-25T00:00:00Z", lambda f: f + 620), ("2024-09-26T00:00:00Z", lambda f: 180)]),
    ("max", "WEEKS", [("2024-09-23T00:00:00Z", lambda f: max(f, 210))]),
    ("min", "months", [("2024-09-01T00:00:00Z", lambda f: min(f, 180))]),
])
def test_other_aggregators_and_periods(client: TestClient, demo: dict[str, str], pro: tuple[str, int],
                                       aggregator: str, unit: str, expected: list[Any]) -> None:
    did, first = pro
    body = agg(client, demo, did, aggregator=aggregator, unit=unit)
    assert [(d["datatime"], d["attrs"]["cur_temp"]) for d in body["data"]] == [
        (datatime, str(value(first))) for datatime, value in expected]
    assert body["query"]["unit"] == unit.upper()


def test_values_before_the_range_carry_into_it(client: TestClient, demo: dict[str, str],
                                               pro: tuple[str, int]) -> None:
    did, _ = pro
    body = agg(client, demo, did, start_ts=(T0 + 3000) * MS, end_ts=(T0 + 5000) * MS, attrs="cur_temp, cur_humi",
               aggregator="max")
    assert body["query"]["end_ts"] == (T0 + 5000) * MS
    assert [(d["datatime"], d["attrs"]) for d in body["data"]] == [
        ("2024-09-25T05:00:00Z", {"cur_temp": "210", "cur_humi": "50"})]


def test_an_empty_range_has_no_data(client: TestClient, demo: dict[str, str], pro: tuple[str, int]) -> None:
    did, _ = pro
    assert agg(client, demo, did, start_ts=(T0 + 5000) * MS, end_ts=(T0 + 6000) * MS)["data"] == []


@pytest.mark.parametrize("query", [
    {"start_ts": None}, {"start_ts": "soon"}, {"end_ts": (T0 - 1) * MS}, {"attrs": None}, {"attrs": " , "},
    {"attrs": "mode"}, {"attrs": "cur_temp,nothing"}, {"aggregator": "median"}, {"aggregator": None},
    {"unit": "YEARS"}, {"unit": None},
])
def test_bad_queries_are_9015(client: TestClient, demo: dict[str, str], demo_dids: dict[str, str],
                              query: dict[str, Any]) -> None:
    params = {"start_ts": T0 * MS, "attrs": "cur_temp", "aggregator": "avg", "unit": "HOURS", **query}
    params = {k: v for k, v in params.items() if v is not None}
    response = client.get(f"/app/devdata/{demo_dids['Pilote_Pro']}/agg_data", headers=demo, params=params)
    assert_error(response, 9015, 400)


def test_only_the_users_devices(client: TestClient, cloud: Cloud, demo: dict[str, str]) -> None:
    spare = cloud.devices.by_mac("51d16c22a5f74280bc3cfe9ebcdc6402", "a0b1c2d3e4f5")
    assert spare is not None
    params = {"start_ts": 0, "attrs": "derog_time", "aggregator": "avg", "unit": "HOURS"}
    assert_error(client.get(f"/app/devdata/{spare.did}/agg_data", headers=demo, params=params), 9017, 401)
    assert_error(client.get("/app/devdata/nope/agg_data", headers=demo, params=params), 9014, 404)
