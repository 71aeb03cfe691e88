"""Isolation: one user can never read, control, schedule or unbind another user's devices, and a
token only works with the application it was issued for.

Sharing (which lets an owner give a guest access) is built elsewhere; these tests cover
plain bindings. One documented exception: ``GET /app/devdata/{did}/latest`` is
documented with the application id alone, so a request *without* a user token reads
any device by did; with a token, the device must be bound to that user.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import APP_HEADERS, assert_error, login, user_headers
from starlette.testclient import TestClient

from emulator.app import create_app
from emulator.cloud.cloud import Cloud
from emulator.config import HEATZY_APP_ID, EmulatorConfig

FRIEND = ("friend@heatzy.test", "heatzy-friend")
OTHER_APP = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def friend(client: TestClient) -> dict[str, str]:
    return user_headers(login(client, *FRIEND)["token"])


@pytest.fixture
def task(client: TestClient, demo: dict[str, str], demo_dids: dict[str, str]) -> str:
    response = client.post(f"/app/devices/{demo_dids['Heatzy']}/scheduler", headers=demo,
                           json={"time": "05:30", "repeat": "mon", "attrs": {"mode": 1}})
    assert response.status_code == 201
    return str(response.json()["id"])


def state(cloud: Cloud) -> dict[str, Any]:
    return cloud.snapshot()["stores"]


@pytest.mark.parametrize(("method", "template", "body"), [
    ("GET", "/app/devices/{did}", None),
    ("GET", "/app/devdata/{did}/latest", None),
    ("POST", "/app/control/{did}", {"attrs": {"mode": 1}}),
    ("POST", "/app/control/{did}", {"raw": [1, 1, 2]}),
    ("PUT", "/app/bindings/{did}", {"dev_alias": "mine now"}),
    ("GET", "/app/devices/{did}/scheduler", None),
    ("POST", "/app/devices/{did}/scheduler", {"time": "01:00", "repeat": "day", "days": [1], "attrs": {"mode": 1}}),
])
@pytest.mark.parametrize("product", ["Heatzy", "Pilote2", "Bloom"])
def test_another_user_cannot_use_my_device(client: TestClient, cloud: Cloud, friend: dict[str, str],
                                           demo_dids: dict[str, str], method: str, template: str,
                                           body: Any, product: str) -> None:
    before = state(cloud)
    response = client.request(method, template.format(did=demo_dids[product]), headers=friend, json=body)
    assert_error(response, 9017, 401)
    assert state(cloud) == before


def test_another_user_cannot_touch_my_scheduler_task(client: TestClient, cloud: Cloud, friend: dict[str, str],
                                                     demo_dids: dict[str, str], task: str) -> None:
    did = demo_dids["Heatzy"]
    before = state(cloud)
    for method in ("PUT", "DELETE"):
        response = client.request(method, f"/app/devices/{did}/scheduler/{task}", headers=friend,
                                  json={"time": "02:00"} if method == "PUT" else None)
        assert_error(response, 9017, 401)
    assert state(cloud) == before


def test_a_second_user_of_the_same_device_does_not_see_my_tasks(client: TestClient, cloud: Cloud,
                                                                friend: dict[str, str], demo_dids: dict[str, str],
                                                                task: str) -> None:
    did = demo_dids["Heatzy"]
    friend_user = cloud.users.find(HEATZY_APP_ID, email=FRIEND[0])
    assert friend_user is not None
    device = cloud.devices.get(did)
    assert device is not None
    cloud.bind(friend_user, device)  # the friend binds the same device (as bind_mac would, role normal)
    assert client.get(f"/app/devices/{did}/scheduler", headers=friend).json() == []
    before = state(cloud)
    assert_error(client.put(f"/app/devices/{did}/scheduler/{task}", headers=friend, json={"time": "02:00"}), 9030, 404)
    assert_error(client.delete(f"/app/devices/{did}/scheduler/{task}", headers=friend), 9030, 404)
    assert state(cloud) == before


def test_another_user_cannot_unbind_my_device(client: TestClient, cloud: Cloud, friend: dict[str, str],
                                              demo: dict[str, str], demo_dids: dict[str, str]) -> None:
    did = demo_dids["Pilote2"]
    before = state(cloud)
    response = client.request("DELETE", "/app/bindings", headers=friend, json={"devices": [{"did": did}]})
    assert response.status_code == 200 and response.json() == {"failed": [did], "success": []}
    assert state(cloud) == before
    assert did in {d["did"] for d in client.get("/app/bindings", headers=demo).json()["devices"]}


def test_another_user_does_not_list_my_devices(client: TestClient, friend: dict[str, str]) -> None:
    assert client.get("/app/bindings", headers=friend).json() == {"devices": []}


def test_devdata_without_a_token_is_readable_by_did_as_documented(client: TestClient,
                                                                   demo_dids: dict[str, str]) -> None:
    response = client.get(f"/app/devdata/{demo_dids['Pilote2']}/latest", headers=APP_HEADERS)
    assert response.status_code == 200


@pytest.fixture
def two_apps() -> TestClient:
    cloud = Cloud(EmulatorConfig(seed=1, apps={OTHER_APP: "other-secret"}))
    return TestClient(create_app(cloud=cloud), raise_server_exceptions=False)


def test_a_token_only_works_with_its_own_app(two_apps: TestClient) -> None:
    token = login(two_apps)["token"]
    other = {"X-Gizwits-Application-Id": OTHER_APP, "X-Gizwits-User-token": token}
    assert_error(two_apps.get("/app/users", headers=other), 9004, 400)
    assert two_apps.get("/app/users", headers=user_headers(token)).status_code == 200


def test_users_of_one_app_do_not_exist_in_another(two_apps: TestClient) -> None:
    response = two_apps.post("/app/login", headers={"X-Gizwits-Application-Id": OTHER_APP},
                             json={"username": "demo@heatzy.test", "password": "heatzy-demo"})
    assert_error(response, 9020, 400)


def test_the_same_email_can_register_in_another_app(two_apps: TestClient) -> None:
    response = two_apps.post("/app/users", headers={"X-Gizwits-Application-Id": OTHER_APP},
                             json={"email": "demo@heatzy.test", "password": "elsewhere"})
    assert response.status_code == 201
    theirs = response.json()["token"]
    mine = login(two_apps)["token"]
    assert theirs != mine
    other = {"X-Gizwits-Application-Id": OTHER_APP, "X-Gizwits-User-token": theirs}
    assert two_apps.get("/app/bindings", headers=other).json() == {"devices": []}
