"""Device groups: CRUD, membership with failure details, and group control (Heatzy zones)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from clocked import T0, cloud_at
from conftest import APP_HEADERS, assert_error, login, user_headers
from starlette.testclient import TestClient

from emulator.gizwits.cloud.cloud import Cloud


@pytest.fixture
def cloud() -> Cloud:
    return cloud_at(T0)


@pytest.fixture
def friend(client: TestClient) -> dict[str, str]:
    return user_headers(login(client, "friend@heatzy.test", "heatzy-friend")["token"])


def create(client: TestClient, headers: dict[str, str], **body: Any) -> str:
    response = client.post("/app/group", headers=headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_a_new_account_has_no_groups(client: TestClient, demo: dict[str, str]) -> None:
    response = client.get("/app/group", headers=demo)
    assert response.status_code == 200
    assert response.json() == []


def test_create_then_list_gives_the_heatzy_shape(client: TestClient, demo: dict[str, str]) -> None:
    response = client.post("/app/group", headers=demo, json={"product_key": "", "group_name": "Salon"})
    assert response.status_code == 201
    assert list(response.json()) == ["id"]
    group_id = response.json()["id"]
    assert re.fullmatch(r"[0-9a-f]{24}", group_id)
    listed = client.get("/app/group", headers=demo).json()
    assert listed == [{
        "remark": "", "gw_did": None, "multicast_id": "", "updated_at": "2024-09-25T04:43:09Z",
        "created_at": "2024-09-25T04:43:09Z", "verbose_name": "", "id": group_id, "product_key": "",
        "group_name": "Salon",
    }]
    assert list(listed[0]) == ["remark", "gw_did", "multicast_id", "updated_at", "created_at", "verbose_name",
                               "id", "product_key", "group_name"]


def test_a_single_product_group_names_its_product(client: TestClient, demo: dict[str, str]) -> None:
    create(client, demo, group_name="Pros", product_key="a77a929fcf0d4631bc4f669080376891", remark="r",
           multicast_id="12", gw_did="gw")
    (group,) = client.get("/app/group", headers=demo).json()
    assert group["verbose_name"] == "Pilote_Pro"
    assert (group["remark"], group["multicast_id"], group["gw_did"]) == ("r", "12", "gw")


@pytest.mark.parametrize("body, code", [
    ({}, 9015),
    ({"group_name": ""}, 9015),
    ({"group_name": 3}, 9015),
    ({"group_name": "x", "multicast_id": "65535"}, 9015),
    ({"group_name": "x", "multicast_id": "abc"}, 9015),
    ({"group_name": "x", "product_key": "nope"}, 9002),
])
def test_create_refuses_a_bad_form(client: TestClient, demo: dict[str, str], body: dict[str, Any], code: int) -> None:
    assert_error(client.post("/app/group", headers=demo, json=body), code, 400)
    assert client.get("/app/group", headers=demo).json() == []


def test_groups_need_a_valid_token(client: TestClient) -> None:
    assert_error(client.get("/app/group", headers=APP_HEADERS), 9004, 400)
    assert_error(client.get("/app/group", headers={"X-Gizwits-Application-Id": "nope"}), 9003, 400)


def test_rename_answers_null_and_touches_updated_at(client: TestClient, cloud: Cloud, demo: dict[str, str]) -> None:
    group_id = create(client, demo, group_name="Salon")
    cloud.clock.advance(60)
    response = client.put(f"/app/group/{group_id}", headers=demo, json={"group_name": "Séjour"})
    assert response.status_code == 200
    assert response.json() is None
    (group,) = client.get("/app/group", headers=demo).json()
    assert group["group_name"] == "Séjour"
    assert group["updated_at"] == "2024-09-25T04:44:09Z"
    assert group["created_at"] == "2024-09-25T04:43:09Z"


def test_rename_needs_a_name(client: TestClient, demo: dict[str, str]) -> None:
    group_id = create(client, demo, group_name="Salon")
    assert_error(client.put(f"/app/group/{group_id}", headers=demo, json={}), 9015, 400)


def test_delete_answers_null(client: TestClient, demo: dict[str, str]) -> None:
    group_id = create(client, demo, group_name="Salon")
    response = client.delete(f"/app/group/{group_id}", headers=demo)
    assert response.status_code == 200
    assert response.json() is None
    assert client.get("/app/group", headers=demo).json() == []


def test_another_users_group_is_unknown(client: TestClient, demo: dict[str, str], friend: dict[str, str]) -> None:
    group_id = create(client, demo, group_name="Salon")
    assert_error(client.put(f"/app/group/{group_id}", headers=friend, json={"group_name": "x"}), 9015, 400)
    assert_error(client.delete(f"/app/group/{group_id}", headers=friend), 9015, 400)
    assert_error(client.get(f"/app/group/{group_id}/devices", headers=friend), 9015, 400)
    assert_error(client.post(f"/app/group/{group_id}/control", headers=friend, json={"attrs": {"mode": 1}}),
                 9015, 400)
    assert_error(client.delete("/app/group/000000000000000000000000", headers=demo), 9015, 400)
    assert [g["group_name"] for g in client.get("/app/group", headers=demo).json()] == ["Salon"]


def test_add_devices_lists_the_heatzy_device_entries(client: TestClient, demo: dict[str, str],
                                                     demo_dids: dict[str, str]) -> None:
    group_id = create(client, demo, group_name="Salon")
    dids = [demo_dids["Pilote_Pro"], demo_dids["Pilote2"]]
    response = client.post(f"/app/group/{group_id}/devices", headers=demo, json={"dids": dids})
    assert response.status_code == 200
    assert response.json() == {"failed": [], "success": dids}
    listed = client.get(f"/app/group/{group_id}/devices", headers=demo).json()
    assert listed == [
        {"did": dids[0], "verbose_name": "Pilote_Pro", "type": "normal", "dev_alias": "Séjour",
         "product_key": "a77a929fcf0d4631bc4f669080376891"},
        {"did": dids[1], "verbose_name": "Pilote2", "type": "normal", "dev_alias": "Salon",
         "product_key": "51d16c22a5f74280bc3cfe9ebcdc6402"},
    ]
    assert list(listed[0]) == ["did", "verbose_name", "type", "dev_alias", "product_key"]


def test_add_devices_reports_each_failure_with_show_detail(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                           demo_dids: dict[str, str]) -> None:
    group_id = create(client, demo, group_name="Pros", product_key="a77a929fcf0d4631bc4f669080376891")
    spare = cloud.devices.by_mac("51d16c22a5f74280bc3cfe9ebcdc6402", "a0b1c2d3e4f5")
    assert spare is not None
    dids = [demo_dids["Pilote_Pro"], "unknownDid", spare.did, demo_dids["Pilote2"]]
    response = client.post(f"/app/group/{group_id}/devices?show_detail=1", headers=demo, json={"dids": dids})
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["failed", "detail", "success"]
    assert body["success"] == [demo_dids["Pilote_Pro"]]
    assert body["failed"] == ["unknownDid", spare.did, demo_dids["Pilote2"]]
    assert [(d["did"], d["error_code"], d["error_message"]) for d in body["detail"]] == [
        ("unknownDid", 9014, "device not found!"),
        (spare.did, 9017, "device not bound!"),
        (demo_dids["Pilote2"], 9002, "product_key invalid"),
    ]
    assert all(set(d) == {"did", "error_message", "error_code", "detail_msg"} for d in body["detail"])


def test_without_show_detail_there_is_no_detail(client: TestClient, demo: dict[str, str]) -> None:
    group_id = create(client, demo, group_name="Salon")
    body = client.post(f"/app/group/{group_id}/devices", headers=demo, json={"dids": ["nope"]}).json()
    assert body == {"failed": ["nope"], "success": []}


@pytest.mark.parametrize("body", [{}, {"dids": "abc"}, {"dids": [1]}])
def test_add_devices_needs_a_list_of_dids(client: TestClient, demo: dict[str, str], body: dict[str, Any]) -> None:
    group_id = create(client, demo, group_name="Salon")
    assert_error(client.post(f"/app/group/{group_id}/devices", headers=demo, json=body), 9015, 400)
    assert_error(client.post(f"/app/group/{group_id}/devices?show_detail=2", headers=demo, json={"dids": []}),
                 9015, 400)


def test_remove_devices(client: TestClient, demo: dict[str, str], demo_dids: dict[str, str]) -> None:
    group_id = create(client, demo, group_name="Salon")
    pro, pilote = demo_dids["Pilote_Pro"], demo_dids["Pilote2"]
    client.post(f"/app/group/{group_id}/devices", headers=demo, json={"dids": [pro, pilote]})
    response = client.request("DELETE", f"/app/group/{group_id}/devices", headers=demo,
                              json={"dids": [pro, "nope"]})
    assert response.status_code == 200
    assert response.json() == {"failed": ["nope"], "success": [pro]}
    assert [d["did"] for d in client.get(f"/app/group/{group_id}/devices", headers=demo).json()] == [pilote]


def test_unbinding_a_device_takes_it_out_of_the_users_groups(client: TestClient, demo: dict[str, str],
                                                             demo_dids: dict[str, str]) -> None:
    group_id = create(client, demo, group_name="Salon")
    pilote = demo_dids["Pilote2"]
    client.post(f"/app/group/{group_id}/devices", headers=demo, json={"dids": [pilote]})
    client.request("DELETE", "/app/bindings", headers=demo, json={"devices": [{"did": pilote}]})
    assert client.get(f"/app/group/{group_id}/devices", headers=demo).json() == []


def test_control_a_mixed_group_answers_per_device(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                  demo_dids: dict[str, str]) -> None:
    group_id = create(client, demo, group_name="Maison")
    pilote, soc, v1, glow = (demo_dids[n] for n in ("Pilote2", "Pilote_Soc", "Heatzy", "Glow_Simple"))
    client.post(f"/app/group/{group_id}/devices", headers=demo, json={"dids": [pilote, soc, v1, glow]})
    cloud.set_online(cloud.devices.require(glow), False)
    response = client.post(f"/app/group/{group_id}/control", headers=demo, json={"attrs": {"mode": "fro"}})
    assert response.status_code == 200
    assert response.json() == [
        {"did": pilote, "result": True},
        {"did": soc, "result": True},
        {"did": v1, "result": False},  # its mode is 舒适/经济/解冻/停止: it refuses "fro"
        {"did": glow, "result": False},  # offline
    ]
    assert cloud.devices.require(pilote).attrs["mode"] == "fro"
    assert cloud.devices.require(soc).attrs["mode"] == "fro"
    assert cloud.devices.require(v1).attrs["mode"] == "舒适"


def test_control_a_single_product_group_checks_the_command_first(client: TestClient, cloud: Cloud,
                                                                demo: dict[str, str],
                                                                demo_dids: dict[str, str]) -> None:
    group_id = create(client, demo, group_name="Salon", product_key="51d16c22a5f74280bc3cfe9ebcdc6402")
    pilote = demo_dids["Pilote2"]
    client.post(f"/app/group/{group_id}/devices", headers=demo, json={"dids": [pilote]})
    assert_error(client.post(f"/app/group/{group_id}/control", headers=demo, json={"attrs": {"mode": "hot"}}),
                 9025, 400)
    assert cloud.devices.require(pilote).attrs["mode"] == "cft"
    response = client.post(f"/app/group/{group_id}/control", headers=demo, json={"attrs": {"mode": 1}})
    assert response.json() == [{"did": pilote, "result": True}]
    assert cloud.devices.require(pilote).attrs["mode"] == "eco"


@pytest.mark.parametrize("body", [{}, {"attrs": {}}, {"attrs": {"mode": 1}, "raw": [1]}, {"raw": [300]}])
def test_control_needs_one_command(client: TestClient, demo: dict[str, str], body: dict[str, Any]) -> None:
    group_id = create(client, demo, group_name="Salon")
    assert_error(client.post(f"/app/group/{group_id}/control", headers=demo, json=body), 9015, 400)


def test_controlling_an_empty_group_answers_an_empty_list(client: TestClient, demo: dict[str, str]) -> None:
    group_id = create(client, demo, group_name="Salon")
    response = client.post(f"/app/group/{group_id}/control", headers=demo, json={"attrs": {"mode": 1}})
    assert (response.status_code, response.json()) == (200, [])


def test_group_control_is_published_as_the_app(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                               demo_dids: dict[str, str]) -> None:
    group_id = create(client, demo, group_name="Salon")
    pilote = demo_dids["Pilote2"]
    client.post(f"/app/group/{group_id}/devices", headers=demo, json={"dids": [pilote]})
    client.post(f"/app/group/{group_id}/control", headers=demo, json={"attrs": {"mode": "eco"}})
    last = cloud.history.of(pilote)[-1]
    assert (last.source, last.attrs) == ("app", {"mode": "eco"})
