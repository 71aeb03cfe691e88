"""The older general scheduler: task lists, retries (all / failed) and the run logs."""

from __future__ import annotations

from typing import Any

import pytest
from clocked import FIVE, PILOTE2_PK, T0, cloud_at
from conftest import assert_error, login, user_headers
from starlette.testclient import TestClient

from emulator.gizwits.cloud.automation.task_schedulers import RETRY_DELAY
from emulator.gizwits.cloud.cloud import Cloud


@pytest.fixture
def cloud() -> Cloud:
    return cloud_at(T0)


def control(did: str, **attrs: Any) -> dict[str, Any]:
    return {"did": did, "attrs": attrs or {"mode": "eco"}}


def create(client: TestClient, headers: dict[str, str], task: list[dict[str, Any]], **body: Any) -> str:
    form = {"date": "2024-09-25", "time": "05:00", "repeat": "none", "task": task, **body}
    response = client.post("/app/scheduler", headers=headers, json=form)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def logs(client: TestClient, headers: dict[str, str], task_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/app/scheduler/{task_id}/logs", headers=headers)
    assert response.status_code == 200
    return response.json()


def test_create_and_list_in_the_documented_shape(client: TestClient, demo: dict[str, str],
                                                 demo_dids: dict[str, str]) -> None:
    pilote = demo_dids["Pilote2"]
    task_id = create(client, demo, [{"did": pilote, "product_key": PILOTE2_PK, "attrs": {"mode": "eco"}}],
                     retry_count=3, retry_task="all")
    assert client.get("/app/scheduler", headers=demo).json() == [{
        "id": task_id, "created_at": "2024-09-25T04:43:09", "date": "2024-09-25", "time": "05:00", "repeat": "none",
        "task": [{"did": pilote, "product_key": PILOTE2_PK, "attrs": {"mode": "eco"}}], "retry_count": 3,
        "retry_task": "all",
    }]
    assert logs(client, demo, task_id) == []


def test_every_form_error_stores_nothing(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                         demo_dids: dict[str, str]) -> None:
    pilote = demo_dids["Pilote2"]
    spare = cloud.devices.by_mac(PILOTE2_PK, "a0b1c2d3e4f5")
    assert spare is not None
    base = {"date": "2024-09-25", "time": "05:00", "repeat": "none", "task": [control(pilote)]}
    cases: list[tuple[dict[str, Any], int, int]] = [
        ({"task": None}, 9015, 400),
        ({"task": []}, 9015, 400),
        ({"task": ["x"]}, 9015, 400),
        ({"task": [{"did": pilote}]}, 9015, 400),
        ({"task": [{"did": pilote, "attrs": {}}]}, 9015, 400),
        ({"task": [control("nope")]}, 9014, 404),
        ({"task": [control(spare.did)]}, 9017, 401),
        ({"task": [{**control(pilote), "product_key": "a77a929fcf0d4631bc4f669080376891"}]}, 9002, 400),
        ({"task": [control(pilote, mode="hot")]}, 9025, 400),
        ({"retry_count": 61}, 9015, 400),
        ({"retry_count": "3"}, 9015, 400),
        ({"retry_task": "some"}, 9015, 400),
        ({"repeat": "day", "days": [1]}, 9015, 400),
        ({"time": "5h"}, 9015, 400),
        ({"date": ""}, 9015, 400),
    ]
    for changes, code, status in cases:
        assert_error(client.post("/app/scheduler", headers=demo, json={**base, **changes}), code, status)
    assert client.get("/app/scheduler", headers=demo).json() == []


def test_delete_and_unknown_ids(client: TestClient, demo: dict[str, str], demo_dids: dict[str, str]) -> None:
    task_id = create(client, demo, [control(demo_dids["Pilote2"])])
    friend = user_headers(login(client, "friend@heatzy.test", "heatzy-friend")["token"])
    assert_error(client.get(f"/app/scheduler/{task_id}/logs", headers=friend), 9030, 404)
    assert_error(client.delete(f"/app/scheduler/{task_id}", headers=friend), 9030, 404)
    response = client.delete(f"/app/scheduler/{task_id}", headers=demo)
    assert (response.status_code, response.json()) == (200, {})
    assert client.get("/app/scheduler", headers=demo).json() == []
    assert_error(client.get(f"/app/scheduler/{task_id}/logs", headers=demo), 9030, 404)


def test_a_run_sends_every_control_and_logs_success(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                    demo_dids: dict[str, str]) -> None:
    pilote, soc = demo_dids["Pilote2"], demo_dids["Pilote_Soc"]
    task_id = create(client, demo, [control(pilote), control(soc, mode="stop")])
    cloud.advance(FIVE - T0)
    assert (cloud.devices.require(pilote).attrs["mode"], cloud.devices.require(soc).attrs["mode"]) == ("eco", "stop")
    assert logs(client, demo, task_id) == [
        {"datetime": "2024-09-25T05:00:00", "status": "succeed", "detail": {pilote: True, soc: True}},
    ]
    assert cloud.history.of(soc)[-1].source == "scheduler"


def test_retry_failed_resends_only_what_was_not_delivered(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                          demo_dids: dict[str, str]) -> None:
    pilote, glow = demo_dids["Pilote2"], demo_dids["Glow_Simple"]
    glow_device = cloud.devices.require(glow)
    cloud.set_online(glow_device, False)
    task_id = create(client, demo, [control(pilote), control(glow, mode="fro")], retry_count=2, retry_task="failed")
    cloud.advance(FIVE - T0)
    cloud.press(cloud.devices.require(pilote), {"mode": "cft"})
    cloud.set_online(glow_device, True)
    cloud.advance(RETRY_DELAY)
    assert glow_device.attrs["mode"] == "fro"
    assert cloud.devices.require(pilote).attrs["mode"] == "cft"  # not sent again
    assert logs(client, demo, task_id) == [
        {"datetime": "2024-09-25T05:01:00", "status": "succeed", "detail": {glow: True}},
        {"datetime": "2024-09-25T05:00:00", "status": "failed", "detail": {pilote: True, glow: False}},
    ]


def test_retry_all_resends_everything_until_the_retries_run_out(client: TestClient, cloud: Cloud,
                                                                demo: dict[str, str],
                                                                demo_dids: dict[str, str]) -> None:
    pilote, glow = demo_dids["Pilote2"], demo_dids["Glow_Simple"]
    cloud.set_online(cloud.devices.require(glow), False)
    task_id = create(client, demo, [control(pilote), control(glow, mode="fro")], retry_count=2)
    cloud.advance(FIVE - T0 + 10 * RETRY_DELAY)
    entries = logs(client, demo, task_id)
    assert [(e["datetime"], e["status"], e["detail"]) for e in entries] == [
        ("2024-09-25T05:02:00", "failed", {pilote: True, glow: False}),
        ("2024-09-25T05:01:00", "failed", {pilote: True, glow: False}),
        ("2024-09-25T05:00:00", "failed", {pilote: True, glow: False}),
    ]
    assert len([r for r in cloud.history.of(pilote) if r.source == "scheduler"]) == 3


def test_a_weekly_task_runs_every_week(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                       demo_dids: dict[str, str]) -> None:
    task_id = create(client, demo, [control(demo_dids["Pilote2"])], repeat="wed,thu", date="")
    cloud.advance(FIVE - T0 + 7 * 86400)
    fresh = user_headers(login(client)["token"])  # the first token has expired after 7 days
    assert [e["datetime"] for e in logs(client, fresh, task_id)] == [
        "2024-10-02T05:00:00", "2024-09-26T05:00:00", "2024-09-25T05:00:00",
    ]


def test_a_deleted_task_stops_running(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                      demo_dids: dict[str, str]) -> None:
    pilote = demo_dids["Pilote2"]
    task_id = create(client, demo, [control(pilote)])
    client.delete(f"/app/scheduler/{task_id}", headers=demo)
    cloud.advance(FIVE - T0)
    assert cloud.devices.require(pilote).attrs["mode"] == "cft"
