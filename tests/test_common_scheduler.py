"""Common scheduler: tasks aimed at a device, a group or a scene, their CRUD, errors and firing."""

from __future__ import annotations

from typing import Any

import pytest
from clocked import FIVE, PILOTE2_PK, T0, cloud_at
from conftest import assert_error, login, user_headers
from starlette.testclient import TestClient

from emulator.gizwits.cloud.cloud import Cloud


@pytest.fixture
def cloud() -> Cloud:
    return cloud_at(T0)


def create(client: TestClient, headers: dict[str, str], **body: Any) -> str:
    form = {"date": "2024-09-25", "time": "05:00", "repeat": "none", **body}
    response = client.post("/app/common_scheduler", headers=headers, json=form)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_a_device_task_is_listed_in_the_device_task_shape(client: TestClient, demo: dict[str, str],
                                                          demo_dids: dict[str, str]) -> None:
    pilote = demo_dids["Pilote2"]
    task_id = create(client, demo, did=pilote, attrs={"mode": "eco"}, remark="matin")
    response = client.get("/app/common_scheduler", headers=demo)
    assert response.status_code == 200
    assert response.json() == [{
        "remark": "matin", "repeat": "none", "did": pilote, "created_at": "2024-09-25T04:43:09", "enabled": True,
        "days": [], "product_key": PILOTE2_PK, "raw": "", "attrs": {"mode": "eco"}, "time": "05:00",
        "date": "2024-09-25", "scene_id": "", "group_id": "", "id": task_id,
    }]


def test_group_and_scene_targets(client: TestClient, demo: dict[str, str], demo_dids: dict[str, str]) -> None:
    group_id = client.post("/app/group", headers=demo, json={"group_name": "g", "product_key": PILOTE2_PK}).json()["id"]
    scene_id = client.post("/app/scene", headers=demo, json={"scene_name": "s", "tasks": []}).json()["id"]
    create(client, demo, group_id=group_id, raw="0102")
    create(client, demo, scene_id=scene_id, attrs={"ignored": 1})
    create(client, demo, did=demo_dids["Pilote2"], scene_id=scene_id, attrs={"mode": 1})  # did comes first
    by_group = client.get(f"/app/common_scheduler?group_id={group_id}", headers=demo).json()
    assert [(t["group_id"], t["product_key"], t["raw"], t["did"]) for t in by_group] == [(group_id, PILOTE2_PK,
                                                                                          "0102", "")]
    by_scene = client.get(f"/app/common_scheduler?scene_id={scene_id}", headers=demo).json()
    assert [(t["scene_id"], t["attrs"], t["raw"], t["product_key"]) for t in by_scene] == [(scene_id, {}, "", "")]
    by_did = client.get(f"/app/common_scheduler?did={demo_dids['Pilote2']}", headers=demo).json()
    assert [t["scene_id"] for t in by_did] == [""]
    assert len(client.get("/app/common_scheduler?limit=2&skip=1", headers=demo).json()) == 2


def test_every_form_error_stores_nothing(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                         demo_dids: dict[str, str]) -> None:
    pilote = demo_dids["Pilote2"]
    spare = cloud.devices.by_mac(PILOTE2_PK, "a0b1c2d3e4f5")
    assert spare is not None
    scene_id = client.post("/app/scene", headers=demo, json={"scene_name": "s", "tasks": []}).json()["id"]
    friend = user_headers(login(client, "friend@heatzy.test", "heatzy-friend")["token"])
    base = {"date": "2024-09-25", "time": "05:00", "repeat": "none"}
    cases: list[tuple[dict[str, str], dict[str, Any], int, int]] = [
        (demo, {"attrs": {"mode": 1}}, 9015, 400),
        (demo, {"did": 5, "attrs": {"mode": 1}}, 9015, 400),
        (demo, {"did": pilote}, 9015, 400),
        (demo, {"did": pilote, "attrs": {"mode": "hot"}}, 9025, 400),
        (demo, {"did": pilote, "raw": "xyz"}, 9015, 400),
        (demo, {"did": "nope", "attrs": {"mode": 1}}, 9014, 404),
        (demo, {"did": spare.did, "attrs": {"mode": 1}}, 9017, 401),
        (demo, {"group_id": "nope", "attrs": {"mode": 1}}, 9015, 400),
        (demo, {"scene_id": "nope"}, 9220, 404),
        (friend, {"scene_id": scene_id}, 9221, 400),
        (demo, {"did": pilote, "attrs": {"mode": 1}, "time": "25:00"}, 9015, 400),
        (demo, {"did": pilote, "attrs": {"mode": 1}, "date": ""}, 9015, 400),
        (demo, {"did": pilote, "attrs": {"mode": 1}, "repeat": "sometimes"}, 9015, 400),
    ]
    for headers, body, code, status in cases:
        assert_error(client.post("/app/common_scheduler", headers=headers, json={**base, **body}), code, status)
    assert client.get("/app/common_scheduler", headers=demo).json() == []


def test_update_changes_the_given_fields_and_can_retarget(client: TestClient, demo: dict[str, str],
                                                          demo_dids: dict[str, str]) -> None:
    task_id = create(client, demo, did=demo_dids["Pilote2"], attrs={"mode": "eco"})
    response = client.put(f"/app/common_scheduler/{task_id}", headers=demo, json={"time": "06:30", "enabled": False})
    assert (response.status_code, response.json()) == (200, {"id": task_id})
    (task,) = client.get("/app/common_scheduler", headers=demo).json()
    assert (task["time"], task["enabled"], task["attrs"]) == ("06:30", False, {"mode": "eco"})
    scene_id = client.post("/app/scene", headers=demo, json={"scene_name": "s", "tasks": []}).json()["id"]
    client.put(f"/app/common_scheduler/{task_id}", headers=demo, json={"scene_id": scene_id})
    (task,) = client.get("/app/common_scheduler", headers=demo).json()
    assert (task["did"], task["scene_id"], task["attrs"], task["product_key"]) == ("", scene_id, {}, "")
    assert_error(client.put(f"/app/common_scheduler/{task_id}", headers=demo, json={"did": demo_dids["Pilote2"]}),
                 9015, 400)  # a device target needs a command again


def test_unknown_tasks_are_9030(client: TestClient, demo: dict[str, str], demo_dids: dict[str, str]) -> None:
    task_id = create(client, demo, did=demo_dids["Pilote2"], attrs={"mode": "eco"})
    friend = user_headers(login(client, "friend@heatzy.test", "heatzy-friend")["token"])
    assert_error(client.put(f"/app/common_scheduler/{task_id}", headers=friend, json={"time": "06:00"}), 9030, 404)
    assert_error(client.delete(f"/app/common_scheduler/{task_id}", headers=friend), 9030, 404)
    response = client.delete(f"/app/common_scheduler/{task_id}", headers=demo)
    assert (response.status_code, response.json()) == (200, {})
    assert_error(client.delete(f"/app/common_scheduler/{task_id}", headers=demo), 9030, 404)


def test_a_one_time_device_task_fires_once_at_its_utc_time(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                           demo_dids: dict[str, str]) -> None:
    pilote = demo_dids["Pilote2"]
    create(client, demo, did=pilote, attrs={"mode": "eco"})
    cloud.advance(FIVE - T0 - 1)
    assert cloud.devices.require(pilote).attrs["mode"] == "cft"
    cloud.advance(1)
    assert cloud.devices.require(pilote).attrs["mode"] == "eco"
    record = cloud.history.of(pilote)[-1]
    assert (record.source, record.at) == ("scheduler", FIVE)
    assert cloud.events.pending("common_scheduler.fire") == []


def test_a_weekly_group_task_fires_every_week(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                              demo_dids: dict[str, str]) -> None:
    pilote, soc = demo_dids["Pilote2"], demo_dids["Pilote_Soc"]
    group_id = client.post("/app/group", headers=demo, json={"group_name": "g"}).json()["id"]
    client.post(f"/app/group/{group_id}/devices", headers=demo, json={"dids": [pilote, soc]})
    create(client, demo, group_id=group_id, attrs={"derog_time": 1}, repeat="wed", date="")
    cloud.advance(FIVE - T0)
    assert cloud.devices.require(pilote).attrs["derog_time"] == 1
    cloud.press(cloud.devices.require(soc), {"derog_time": 0})
    cloud.advance(7 * 86400)
    fired = [r.at for r in cloud.history.of(soc) if r.source == "scheduler"]
    assert fired == [FIVE, FIVE + 7 * 86400]


def test_a_scene_task_runs_the_scene(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                     demo_dids: dict[str, str]) -> None:
    pilote = demo_dids["Pilote2"]
    scene_id = client.post("/app/scene", headers=demo, json={"scene_name": "s", "tasks": [
        {"task_type": "device", "did": pilote, "attrs": {"mode": "fro"}}]}).json()["id"]
    create(client, demo, scene_id=scene_id)
    cloud.advance(FIVE - T0)
    assert cloud.devices.require(pilote).attrs["mode"] == "fro"
    assert client.get(f"/app/scene/{scene_id}/task", headers=demo).json() == {"status": 1}


def test_disabled_deleted_or_orphaned_tasks_do_not_fire(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                        demo_dids: dict[str, str]) -> None:
    pilote, soc = demo_dids["Pilote2"], demo_dids["Pilote_Soc"]
    create(client, demo, did=pilote, attrs={"mode": "stop"}, enabled=False)
    gone = create(client, demo, did=pilote, attrs={"mode": "stop"})
    client.delete(f"/app/common_scheduler/{gone}", headers=demo)
    create(client, demo, did=soc, attrs={"mode": "stop"})
    client.request("DELETE", "/app/bindings", headers=demo, json={"devices": [{"did": soc}]})
    group_id = client.post("/app/group", headers=demo, json={"group_name": "g"}).json()["id"]
    create(client, demo, group_id=group_id, attrs={"mode": "stop"})
    client.delete(f"/app/group/{group_id}", headers=demo)
    assert client.get("/app/common_scheduler", headers=demo).json()[0]["enabled"] is False
    assert len(client.get("/app/common_scheduler", headers=demo).json()) == 1
    cloud.advance(FIVE - T0 + 60)
    assert cloud.devices.require(pilote).attrs["mode"] == "cft"
    assert cloud.devices.require(soc).attrs["mode"] == "eco"


def test_a_planned_firing_survives_a_snapshot(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                              demo_dids: dict[str, str]) -> None:
    pilote = demo_dids["Pilote2"]
    create(client, demo, did=pilote, attrs={"mode": "eco"})
    saved = cloud.snapshot()
    cloud.reset()
    cloud.restore(saved)
    cloud.advance(FIVE - T0)
    assert cloud.devices.require(pilote).attrs["mode"] == "eco"


def test_device_scheduler_forms_are_checked_as_before(client: TestClient, demo: dict[str, str],
                                                      demo_dids: dict[str, str]) -> None:
    """The device scheduler shares the timing and command checks."""
    path = f"/app/devices/{demo_dids['Pilote2']}/scheduler"
    created = client.post(path, headers=demo, json={"time": "05:00", "repeat": "mon", "raw": [1, 2]})
    assert created.status_code == 201
    assert client.get(path, headers=demo).json()[0]["raw"] == "0102"
    assert_error(client.post(path, headers=demo, json={"time": "05:00", "repeat": "mon"}), 9015, 400)
    assert_error(client.post(path, headers=demo, json={"time": "05:00", "repeat": "mon", "attrs": {"x": 1}}),
                 9025, 400)
