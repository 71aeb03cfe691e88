"""Device scheduler tasks (``/app/devices/{did}/scheduler``) fire at their UTC time, on their days only."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import login, user_headers
from simulated import FeedLog, demo_at, paris
from starlette.testclient import TestClient

from emulator.gizwits.cloud.cloud import Cloud


def utc(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()  # type: ignore[misc]


sim, http = demo_at(utc(2024, 1, 8))


def device_of(cloud: Cloud, product: str) -> str:
    return next(d.did for d in cloud.devices if d.product.name == product)


def add_task(http: TestClient, did: str, **form: object) -> str:
    response = http.post(f"/app/devices/{did}/scheduler", headers=user_headers(login(http)["token"]), json=form)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def firings(log: FeedLog) -> list[tuple[float, dict[str, object]]]:
    return [(c.at, dict(c.attrs)) for c in log.changes if c.source == "scheduler"]


def test_pilote_v1_follows_its_cloud_program_on_its_days_only(sim: Cloud, http: TestClient) -> None:
    v1 = device_of(sim, "Heatzy")
    add_task(http, v1, repeat="mon,wed", time="05:30", attrs={"mode": 1})
    add_task(http, v1, repeat="tue,thu", time="05:30", attrs={"mode": 0})
    log = FeedLog(sim)
    sim.advance(14 * 86400)
    times = [at for at, _ in firings(log)]
    assert times == [utc(2024, 1, day, 5, 30) for day in (8, 9, 10, 11, 15, 16, 17, 18)]
    modes = [attrs.get("mode") for _, attrs in firings(log)]
    assert modes == ["经济", "舒适"] * 4
    assert sim.devices.get(v1).read(sim.now())["mode"] == "舒适"


def test_task_times_are_utc_not_the_devices_local_time(sim: Cloud, http: TestClient) -> None:
    """05:30 UTC is 06:30 in Paris in winter and 07:30 in summer."""
    v1 = device_of(sim, "Heatzy")
    add_task(http, v1, repeat="none", date="2024-01-09", time="05:30", attrs={"mode": 2})
    add_task(http, v1, repeat="none", date="2024-07-09", time="05:30", attrs={"mode": 1})
    sim.simulation.set_live(False)  # tasks are events of their own: device timelines can stay lazy
    log = FeedLog(sim)
    sim.advance(200 * 86400)
    assert [at for at, _ in firings(log)] == [paris(2024, 1, 9, 6, 30), paris(2024, 7, 9, 7, 30)]


def test_raw_tasks_days_of_the_month_and_date_bounds(sim: Cloud, http: TestClient) -> None:
    v1 = device_of(sim, "Heatzy")
    add_task(http, v1, repeat="day", days=[1, 15], time="12:00", raw="010102")
    add_task(http, v1, repeat="sat", time="08:00", attrs={"mode": 3}, start_date="2024-01-20",
             end_date="2024-02-03")
    sim.simulation.set_live(False)
    log = FeedLog(sim)
    sim.advance(45 * 86400)
    assert firings(log) == [
        (utc(2024, 1, 15, 12), {"mode": "解冻"}),
        (utc(2024, 1, 20, 8), {"mode": "停止"}),
        (utc(2024, 1, 27, 8), {}),
        (utc(2024, 2, 1, 12), {"mode": "解冻"}),
        (utc(2024, 2, 3, 8), {"mode": "停止"}),
        (utc(2024, 2, 15, 12), {"mode": "解冻"}),
    ]


def test_disabled_deleted_and_moved_tasks(sim: Cloud, http: TestClient) -> None:
    v1 = device_of(sim, "Heatzy")
    headers = user_headers(login(http)["token"])
    kept = add_task(http, v1, repeat="mon", time="10:00", attrs={"mode": 1})
    disabled = add_task(http, v1, repeat="tue", time="10:00", attrs={"mode": 2})
    deleted = add_task(http, v1, repeat="wed", time="10:00", attrs={"mode": 3})
    response = http.put(f"/app/devices/{v1}/scheduler/{disabled}", headers=headers, json={"enabled": False})
    assert response.status_code == 200
    assert http.delete(f"/app/devices/{v1}/scheduler/{deleted}", headers=headers).status_code == 200
    assert http.put(f"/app/devices/{v1}/scheduler/{kept}", headers=headers, json={"time": "11:15"}).status_code == 200
    log = FeedLog(sim)
    sim.advance(7 * 86400)
    assert [at for at, _ in firings(log)] == [utc(2024, 1, 8, 11, 15)]


def test_a_task_on_an_offline_device_is_skipped_and_the_next_one_runs(sim: Cloud, http: TestClient) -> None:
    pilote = device_of(sim, "Pilote_Soc")
    add_task(http, pilote, repeat="mon,tue", time="09:00", attrs={"mode": "fro"})
    sim.set_online(sim.devices.get(pilote), False, back_after=30 * 3600)
    log = FeedLog(sim)
    sim.advance(2 * 86400)
    assert [at for at, _ in firings(log)] == [utc(2024, 1, 9, 9)]
    assert sim.tasks.skipped == 1


def test_unbinding_drops_the_users_tasks(sim: Cloud, http: TestClient) -> None:
    v1 = device_of(sim, "Heatzy")
    add_task(http, v1, repeat="mon", time="10:00", attrs={"mode": 1})
    headers = user_headers(login(http)["token"])
    assert http.request("DELETE", "/app/bindings", headers=headers, json={"devices": [{"did": v1}]}).status_code == 200
    log = FeedLog(sim)
    sim.advance(7 * 86400)
    assert firings(log) == []
