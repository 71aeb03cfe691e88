"""agg_data: sum/avg/max/min of numeric data points per hour/day/week/month over the history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from clocked import T0, cloud_at
from conftest import assert_error
from starlette.testclient import TestClient

from emulator.gizwits.cloud.cloud import Cloud

MS = 1000


@pytest.fixture
def cloud() -> Cloud:
    return cloud_at(T0)


@pytest.fixture
def pro(cloud: Cloud, demo_dids: dict[str, str]) -> str:
    """The Pro's did, with 25 hours of history: its own sensor readings (every 10 minutes), and the
    room set to 20 °C at T0+1200 (05:03:09), 21 °C at +2000 and 18 °C the next day."""
    did = demo_dids["Pilote_Pro"]
    device = cloud.devices.require(did)
    for at, room in ((1200, 20.0), (2000, 21.0), (86400, 18.0)):
        cloud.advance(T0 + at - cloud.now())
        cloud.set_environment(device, room_temp=room)
    cloud.advance(T0 + 90000 - cloud.now())
    return did


def expected(cloud: Cloud, did: str, names: list[str], aggregator: str, unit: str, start: float,
             end: float | None = None) -> list[tuple[str, dict[str, str]]]:
    """What the aggregation must give, worked out from the device's history: every report is one
    sample of every data point, a point a report does not carry keeps its last value."""
    cloud.observe(cloud.devices.require(did))
    last: dict[str, Any] = {}
    periods: dict[str, dict[str, list[float]]] = {}
    for record in cloud.history.of(did):
        last.update({k: v for k, v in record.attrs.items() if k in names})
        if record.kind != "attrs" or record.at < start or (end is not None and record.at > end):
            continue
        moment = datetime.fromtimestamp(record.at, UTC)
        floor = {"HOURS": moment.replace(minute=0, second=0, microsecond=0),
                 "DAYS": moment.replace(hour=0, minute=0, second=0, microsecond=0)}.get(unit)
        if unit == "WEEKS":
            floor = (moment - timedelta(days=moment.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
        if unit == "MONTHS":
            floor = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        bucket = periods.setdefault(floor.strftime("%Y-%m-%dT%H:%M:%SZ"), {n: [] for n in names})
        for name in names:
            if name in last:
                bucket[name].append(last[name])
    combine = {"sum": sum, "avg": lambda v: sum(v) / len(v), "max": max, "min": min}[aggregator]

    def text(value: float) -> str:
        return str(int(value)) if float(value).is_integer() else str(round(value, 2))

    return [(when, {n: text(combine(v)) for n, v in values.items() if v}) for when, values in sorted(periods.items())]


def agg(client: TestClient, headers: dict[str, str], did: str, **query: Any) -> Any:
    params = {"start_ts": T0 * MS, "attrs": "cur_temp", "aggregator": "avg", "unit": "HOURS", **query}
    response = client.get(f"/app/devdata/{did}/agg_data", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_hourly_average_with_the_documented_shape(client: TestClient, demo: dict[str, str], pro: str,
                                                  cloud: Cloud) -> None:
    body = agg(client, demo, pro)
    assert body["query"] == {"aggregator": "avg", "end_ts": None, "start_ts": T0 * MS, "attrs": "cur_temp",
                             "unit": "HOURS", "did": pro}
    uid = next(b.uid for b in cloud.bindings.of_device(pro))
    assert all(set(d) == {"datatime", "uid", "product_key", "attrs"} for d in body["data"])
    assert {(d["uid"], d["product_key"]) for d in body["data"]} == {(uid, "a77a929fcf0d4631bc4f669080376891")}
    got = [(d["datatime"], d["attrs"]) for d in body["data"]]
    assert got == expected(cloud, pro, ["cur_temp"], "avg", "HOURS", T0)
    hours = dict(got)
    assert hours["2024-09-26T04:00:00Z"] != hours["2024-09-25T05:00:00Z"]  # the 180 of the next day counts
    assert len(got) >= 25, "one entry per hour with reports, from T0 to T0 + 25 h"


@pytest.mark.parametrize("aggregator, unit", [("sum", "DAYS"), ("max", "WEEKS"), ("min", "months")])
def test_other_aggregators_and_periods(client: TestClient, demo: dict[str, str], pro: str, cloud: Cloud,
                                       aggregator: str, unit: str) -> None:
    body = agg(client, demo, pro, aggregator=aggregator, unit=unit)
    assert [(d["datatime"], d["attrs"]) for d in body["data"]] == expected(
        cloud, pro, ["cur_temp"], aggregator, unit.upper(), T0)
    assert body["query"]["unit"] == unit.upper()


def test_max_sees_the_reported_peak(client: TestClient, demo: dict[str, str], pro: str) -> None:
    body = agg(client, demo, pro, aggregator="max", unit="WEEKS")
    peaks = [int(d["attrs"]["cur_temp"]) for d in body["data"]]
    assert len(peaks) == 1 and 209 <= peaks[0] <= 211, peaks  # the 21 °C room, read with ±0.1 °C noise


def test_values_before_the_range_carry_into_it(client: TestClient, demo: dict[str, str], pro: str,
                                               cloud: Cloud) -> None:
    body = agg(client, demo, pro, start_ts=(T0 + 3000) * MS, end_ts=(T0 + 5000) * MS, attrs="cur_temp, cur_humi",
               aggregator="max")
    assert body["query"]["end_ts"] == (T0 + 5000) * MS
    got = [(d["datatime"], d["attrs"]) for d in body["data"]]
    assert got == expected(cloud, pro, ["cur_temp", "cur_humi"], "max", "HOURS", T0 + 3000, T0 + 5000)
    assert got and all(set(attrs) == {"cur_temp", "cur_humi"} for _, attrs in got)


def test_a_range_without_reports_has_no_data(client: TestClient, demo: dict[str, str], pro: str) -> None:
    assert agg(client, demo, pro, start_ts=(T0 - 7200) * MS, end_ts=(T0 - 3600) * MS)["data"] == []


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
