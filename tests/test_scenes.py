"""Scenes: CRUD with the documented task shape, errors 9220/9221, and runs with their status."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from clocked import PILOTE2_PK, T0, cloud_at
from conftest import assert_error, login, user_headers
from starlette.testclient import TestClient

from emulator.gizwits.cloud.cloud import Cloud


@pytest.fixture
def cloud() -> Cloud:
    return cloud_at(T0)


def create(client: TestClient, headers: dict[str, str], tasks: list[dict[str, Any]], **body: Any) -> str:
    response = client.post("/app/scene", headers=headers, json={"scene_name": "Nuit", "tasks": tasks, **body})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_no_scenes_at_first(client: TestClient, demo: dict[str, str]) -> None:
    assert client.get("/app/scene", headers=demo).json() == []


def test_create_and_list_with_the_documented_task_shape(client: TestClient, demo: dict[str, str],
                                                        demo_dids: dict[str, str]) -> None:
    pilote = demo_dids["Pilote2"]
    group_id = client.post("/app/group", headers=demo, json={"group_name": "Étage"}).json()["id"]
    scene_id = create(client, demo, remark="remarque", tasks=[
        {"task_type": "device", "did": pilote, "attrs": {"mode": 2}, "remark": "<b>salon</b>"},
        {"task_type": "delay", "time": 60},
        {"task_type": "group", "group_id": group_id, "raw": base64.b64encode(b"\x01\x02\x03").decode()},
    ])
    assert len(scene_id) == 24
    (scene,) = client.get("/app/scene", headers=demo).json()
    assert list(scene) == ["remark", "tasks", "created_at", "updated_at", "scene_name", "id"]
    assert (scene["remark"], scene["scene_name"], scene["id"]) == ("remarque", "Nuit", scene_id)
    assert scene["created_at"] == scene["updated_at"] == "2024-09-25T04:43:09Z"
    device_task, delay_task, group_task = scene["tasks"]
    assert device_task == {
        "task_type": "device", "did": pilote, "product_key": PILOTE2_PK, "group_name": "", "raw": "",
        "attrs": {"mode": 2}, "dev_remark": "", "time": 0, "group_id": "", "verbose_name": "Pilote2",
        "dev_alias": "Salon", "remark": "&lt;b&gt;salon&lt;/b&gt;",
    }
    assert list(device_task) == ["task_type", "did", "product_key", "group_name", "raw", "attrs", "dev_remark",
                                 "time", "group_id", "verbose_name", "dev_alias", "remark"]
    assert delay_task["time"] == 60 and delay_task["did"] == "" and delay_task["product_key"] == ""
    assert (group_task["group_id"], group_task["group_name"], group_task["raw"]) == (group_id, "Étage", "AQID")


def test_update_changes_what_it_is_given(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                         demo_dids: dict[str, str]) -> None:
    scene_id = create(client, demo, [{"task_type": "delay", "time": 5}])
    cloud.clock.advance(10)
    response = client.put(f"/app/scene/{scene_id}", headers=demo, json={"scene_name": "Matin"})
    assert (response.status_code, response.json()) == (200, {})
    (scene,) = client.get("/app/scene", headers=demo).json()
    assert (scene["scene_name"], len(scene["tasks"]), scene["updated_at"]) == ("Matin", 1, "2024-09-25T04:43:19Z")
    client.put(f"/app/scene/{scene_id}", headers=demo,
               json={"tasks": [{"task_type": "device", "did": demo_dids["Pilote2"], "attrs": {"mode": "eco"}}]})
    (scene,) = client.get("/app/scene", headers=demo).json()
    assert [t["task_type"] for t in scene["tasks"]] == ["device"]
    assert_error(client.put(f"/app/scene/{scene_id}", headers=demo, json={}), 9015, 400)


def test_delete(client: TestClient, demo: dict[str, str]) -> None:
    scene_id = create(client, demo, [])
    response = client.delete(f"/app/scene/{scene_id}", headers=demo)
    assert (response.status_code, response.json()) == (200, {})
    assert client.get("/app/scene", headers=demo).json() == []
    assert_error(client.delete(f"/app/scene/{scene_id}", headers=demo), 9220, 404)


def test_unknown_and_foreign_scenes(client: TestClient, demo: dict[str, str]) -> None:
    scene_id = create(client, demo, [])
    friend = user_headers(login(client, "friend@heatzy.test", "heatzy-friend")["token"])
    for method, path, body in (("PUT", "", {"scene_name": "x"}), ("DELETE", "", None), ("GET", "/task", None),
                               ("POST", "/task", None)):
        assert_error(client.request(method, f"/app/scene/{scene_id}{path}", headers=friend, json=body), 9221, 400)
        assert_error(client.request(method, f"/app/scene/nope{path}", headers=demo, json=body), 9220, 404)
    assert len(client.get("/app/scene", headers=demo).json()) == 1


def test_every_form_error_stores_nothing(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                         demo_dids: dict[str, str]) -> None:
    pilote = demo_dids["Pilote2"]
    spare = cloud.devices.by_mac(PILOTE2_PK, "a0b1c2d3e4f5")
    assert spare is not None
    single = client.post("/app/group", headers=demo, json={"group_name": "g", "product_key": PILOTE2_PK}).json()["id"]
    cases: list[tuple[dict[str, Any], int, int]] = [
        ({"tasks": [{"task_type": "device", "did": pilote, "attrs": {"mode": 1}}]}, 9015, 400),  # no scene_name
        ({"scene_name": "x"}, 9015, 400),
        ({"scene_name": "x", "tasks": {}}, 9015, 400),
        ({"scene_name": "x", "tasks": [{"task_type": "sleep"}]}, 9015, 400),
        ({"scene_name": "x", "tasks": [{"task_type": "delay"}]}, 9015, 400),
        ({"scene_name": "x", "tasks": [{"task_type": "delay", "time": 3601}]}, 9015, 400),
        ({"scene_name": "x", "tasks": [{"task_type": "device", "did": pilote}]}, 9015, 400),
        ({"scene_name": "x", "tasks": [{"task_type": "device", "did": pilote, "raw": "%%%"}]}, 9015, 400),
        ({"scene_name": "x", "tasks": [{"task_type": "device", "did": pilote, "attrs": {"mode": 9}}]}, 9025, 400),
        ({"scene_name": "x", "tasks": [{"task_type": "device", "did": "nope", "attrs": {"mode": 1}}]}, 9014, 404),
        ({"scene_name": "x", "tasks": [{"task_type": "device", "did": spare.did, "attrs": {"mode": 1}}]}, 9017, 401),
        ({"scene_name": "x", "tasks": [{"task_type": "group", "group_id": "nope", "attrs": {"mode": 1}}]}, 9015, 400),
        ({"scene_name": "x", "tasks": [{"task_type": "group", "group_id": single, "attrs": {"nope": 1}}]}, 9025, 400),
    ]
    for body, code, status in cases:
        assert_error(client.post("/app/scene", headers=demo, json=body), code, status)
    assert client.get("/app/scene", headers=demo).json() == []


def test_a_scene_never_run_has_status_3(client: TestClient, demo: dict[str, str]) -> None:
    scene_id = create(client, demo, [])
    assert client.get(f"/app/scene/{scene_id}/task", headers=demo).json() == {"status": 3}


def test_a_failed_task_marks_the_run_failed_but_the_others_still_run(client: TestClient, cloud: Cloud,
                                                                     demo: dict[str, str],
                                                                     demo_dids: dict[str, str]) -> None:
    glow, pilote = demo_dids["Glow_Simple"], demo_dids["Pilote2"]
    scene_id = create(client, demo, [{"task_type": "device", "did": glow, "attrs": {"mode": "fro"}},
                                     {"task_type": "device", "did": pilote, "attrs": {"mode": "fro"}}])
    cloud.set_online(cloud.devices.require(glow), False)
    assert client.post(f"/app/scene/{scene_id}/task", headers=demo).json() == {}
    assert client.get(f"/app/scene/{scene_id}/task", headers=demo).json() == {"status": 2}
    assert cloud.devices.require(pilote).attrs["mode"] == "fro"
    assert cloud.history.of(pilote)[-1].source == "scene"


def test_running_again_replaces_a_run_in_progress(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                  demo_dids: dict[str, str]) -> None:
    pilote = demo_dids["Pilote2"]
    scene_id = create(client, demo, [{"task_type": "delay", "time": 60},
                                     {"task_type": "device", "did": pilote, "attrs": {"derog_time": 1}}])
    client.post(f"/app/scene/{scene_id}/task", headers=demo)
    cloud.advance(40)
    client.post(f"/app/scene/{scene_id}/task", headers=demo)
    cloud.advance(30)  # the first run would have ended at 60
    assert client.get(f"/app/scene/{scene_id}/task", headers=demo).json() == {"status": 0}
    assert cloud.devices.require(pilote).attrs["derog_time"] == 0
    cloud.advance(30)
    assert client.get(f"/app/scene/{scene_id}/task", headers=demo).json() == {"status": 1}
    assert [r.at for r in cloud.history.of(pilote) if r.source == "scene"] == [T0 + 100]


def test_deleting_a_scene_stops_its_run(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                        demo_dids: dict[str, str]) -> None:
    pilote = demo_dids["Pilote2"]
    scene_id = create(client, demo, [{"task_type": "delay", "time": 60},
                                     {"task_type": "device", "did": pilote, "attrs": {"mode": "eco"}}])
    client.post(f"/app/scene/{scene_id}/task", headers=demo)
    client.delete(f"/app/scene/{scene_id}", headers=demo)
    cloud.advance(120)
    assert cloud.devices.require(pilote).attrs["mode"] == "cft"


def test_a_group_task_controls_the_group(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                         demo_dids: dict[str, str]) -> None:
    pilote, soc = demo_dids["Pilote2"], demo_dids["Pilote_Soc"]
    group_id = client.post("/app/group", headers=demo, json={"group_name": "Étage"}).json()["id"]
    client.post(f"/app/group/{group_id}/devices", headers=demo, json={"dids": [pilote, soc]})
    scene_id = create(client, demo, [{"task_type": "group", "group_id": group_id, "attrs": {"mode": "stop"}}])
    client.post(f"/app/scene/{scene_id}/task", headers=demo)
    assert client.get(f"/app/scene/{scene_id}/task", headers=demo).json() == {"status": 1}
    assert {cloud.devices.require(d).attrs["mode"] for d in (pilote, soc)} == {"stop"}
    client.delete(f"/app/group/{group_id}", headers=demo)
    client.post(f"/app/scene/{scene_id}/task", headers=demo)
    assert client.get(f"/app/scene/{scene_id}/task", headers=demo).json() == {"status": 2}


def test_a_raw_task_is_sent_as_bytes(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                     demo_dids: dict[str, str]) -> None:
    v1 = demo_dids["Heatzy"]
    raw = base64.b64encode(bytes([1, 1, 2])).decode()  # the v1 Pilote's "frost" command
    scene_id = create(client, demo, [{"task_type": "device", "did": v1, "raw": raw}])
    client.post(f"/app/scene/{scene_id}/task", headers=demo)
    assert cloud.history.of(v1)[-1].payload == bytes.fromhex("010102")
