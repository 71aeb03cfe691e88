"""``/app/devices/{did}/scheduler``: tasks are stored, listed, updated and deleted."""

from __future__ import annotations

from conftest import assert_error, login, user_headers

TASK = {"attrs": {"mode": 1}, "raw": "", "date": "2020-03-30", "time": "10:30", "repeat": "mon"}
TASK_KEYS = ["remark", "repeat", "did", "created_at", "enabled", "days", "product_key", "raw", "attrs", "time",
             "date", "scene_id", "group_id", "id"]


def url(did: str, task_id: str | None = None) -> str:
    return f"/app/devices/{did}/scheduler" + (f"/{task_id}" if task_id else "")


def test_create_returns_201_and_an_id_then_the_task_is_listed(client, demo, demo_dids, cloud) -> None:
    cloud.clock.freeze(1_585_537_836)
    did = demo_dids["Heatzy"]
    response = client.post(url(did), headers=demo, json=TASK)
    assert response.status_code == 201
    task_id = response.json()["id"]
    assert list(response.json()) == ["id"] and len(task_id) == 24
    listed = client.get(url(did), headers=demo).json()
    assert len(listed) == 1
    item = listed[0]
    assert list(item) == TASK_KEYS
    assert item["id"] == task_id and item["created_at"] == "2020-03-30T03:10:36"
    assert (item["attrs"], item["time"], item["repeat"], item["enabled"]) == ({"mode": 1}, "10:30", "mon", True)
    assert item["product_key"] == "9420ae048da545c88fc6274d204dd25f"


def test_list_pages_with_limit_and_skip(client, demo, demo_dids) -> None:
    did = demo_dids["Heatzy"]
    ids = [client.post(url(did), headers=demo, json={**TASK, "time": f"0{h}:00"}).json()["id"] for h in range(5)]
    page = client.get(url(did) + "?limit=2&skip=1", headers=demo).json()
    assert [t["id"] for t in page] == ids[1:3]


def test_update_changes_the_given_fields(client, demo, demo_dids) -> None:
    did = demo_dids["Heatzy"]
    task_id = client.post(url(did), headers=demo, json=TASK).json()["id"]
    response = client.put(url(did, task_id), headers=demo, json={"time": "23:00", "enabled": False})
    assert response.status_code == 200 and response.json() == {"id": task_id}
    item = client.get(url(did), headers=demo).json()[0]
    assert (item["time"], item["enabled"], item["repeat"]) == ("23:00", False, "mon")


def test_delete_removes_the_task(client, demo, demo_dids) -> None:
    did = demo_dids["Heatzy"]
    task_id = client.post(url(did), headers=demo, json=TASK).json()["id"]
    assert client.delete(url(did, task_id), headers=demo).status_code == 200
    assert client.get(url(did), headers=demo).json() == []
    assert_error(client.delete(url(did, task_id), headers=demo), 9030, 404)
    assert_error(client.put(url(did, task_id), headers=demo, json={"time": "01:00"}), 9030, 404)


def test_repeat_forms(client, demo, demo_dids) -> None:
    did = demo_dids["Pilote2"]
    for form in ({"repeat": "mon,tue,sun"}, {"repeat": "day", "days": [1, 15]},
                 {"repeat": "none", "date": "2030-01-01"}):
        response = client.post(url(did), headers=demo, json={"attrs": {"mode": "eco"}, "time": "06:30", **form})
        assert response.status_code == 201, (form, response.text)


def test_invalid_forms_are_9015_and_store_nothing(client, demo, demo_dids) -> None:
    did = demo_dids["Heatzy"]
    bad = [
        {**TASK, "time": "25:00"}, {**TASK, "time": "6:30"}, {**TASK, "repeat": "monday"},
        {**TASK, "repeat": "mon,mon"}, {**TASK, "repeat": "none", "date": ""}, {**TASK, "repeat": "day"},
        {**TASK, "repeat": "day", "days": [0]}, {**TASK, "date": "2020-13-01"}, {**TASK, "enabled": "yes"},
        {**TASK, "attrs": {}, "raw": ""}, {**TASK, "raw": "xyz"}, {"time": "10:00"},
        {**TASK, "start_date": "2020-05-01", "end_date": "2020-04-01"},
    ]
    for form in bad:
        assert_error(client.post(url(did), headers=demo, json=form), 9015, 400)
    assert client.get(url(did), headers=demo).json() == []


def test_invalid_attrs_are_9025(client, demo, demo_dids) -> None:
    body = assert_error(client.post(url(demo_dids["Heatzy"]), headers=demo, json={**TASK, "attrs": {"mode": 7}}),
                        9025, 400)
    assert body["detail_message"].startswith("mode")


def test_only_a_bound_user_sees_and_edits_tasks(client, demo, demo_dids) -> None:
    did = demo_dids["Heatzy"]
    task_id = client.post(url(did), headers=demo, json=TASK).json()["id"]
    other = user_headers(login(client, "friend@heatzy.test", "heatzy-friend")["token"])
    assert_error(client.get(url(did), headers=other), 9017, 401)
    assert_error(client.delete(url(did, task_id), headers=other), 9017, 401)
    assert_error(client.get(url("unknown"), headers=demo), 9014, 404)
