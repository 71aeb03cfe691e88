"""Contract: a device scheduler task's life (create, list, update, delete) and its errors.

Task times are UTC. The suite deletes every task it creates, even when a step fails.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import Snapshot
from .target import Api


@pytest.fixture
def task_device(devices: dict[str, str]) -> str:
    """The Heatzy (its program lives in the scheduler) on the emulator; the test device on the cloud."""
    return devices.get("Heatzy") or next(iter(devices.values()))


@pytest.fixture
def created(api: Api, token: str, task_device: str) -> Iterator[list[str]]:
    ids: list[str] = []
    yield ids
    for task_id in ids:
        api.request("DELETE", f"/app/devices/{task_device}/scheduler/{task_id}", token=token)


@pytest.mark.cloud_validated(None)
def test_scheduler_lifecycle(api: Api, token: str, task_device: str, created: list[str],
                             snapshot: Snapshot) -> None:
    base = f"/app/devices/{task_device}/scheduler"
    assert api.request("GET", base, token=token).status_code == 200
    # The guide's example form (mode by index: eco on every family).
    form = {"attrs": {"mode": 1}, "raw": "", "date": "", "time": "05:30", "repeat": "mon,thu",
            "remark": "contract-suite"}
    response = api.request("POST", base, token=token, json=form)
    snapshot.match("create", response)
    assert response.status_code == 201
    task_id = response.json()["id"]
    created.append(task_id)

    listing = api.request("GET", base, token=token)
    mine = [task for task in listing.json() if task["id"] == task_id]
    snapshot.match("list", listing, body=mine)  # the account may hold tasks of its own
    assert len(mine) == 1 and mine[0]["time"] == "05:30" and mine[0]["repeat"] == "mon,thu"

    updated = api.request("PUT", f"{base}/{task_id}", token=token, json={**form, "time": "06:45", "enabled": False})
    snapshot.match("update", updated)
    assert updated.status_code == 200
    task = next(task for task in api.request("GET", base, token=token).json() if task["id"] == task_id)
    assert (task["time"], task["enabled"]) == ("06:45", False)

    deleted = api.request("DELETE", f"{base}/{task_id}", token=token)
    snapshot.match("delete", deleted)
    assert deleted.status_code == 200
    created.remove(task_id)
    assert task_id not in {task["id"] for task in api.request("GET", base, token=token).json()}


@pytest.mark.cloud_validated(None)
def test_scheduler_task_without_time(api: Api, token: str, task_device: str, snapshot: Snapshot) -> None:
    response = api.request("POST", f"/app/devices/{task_device}/scheduler", token=token,
                           json={"repeat": "mon", "attrs": {"mode": 1}})
    snapshot.match("create", response)
    assert response.json()["error_code"] == 9015


@pytest.mark.cloud_validated(None)
def test_unknown_scheduler_task(api: Api, token: str, task_device: str, snapshot: Snapshot) -> None:
    response = api.request("PUT", f"/app/devices/{task_device}/scheduler/{'0' * 24}", token=token,
                           json={"time": "01:00", "repeat": "day", "days": [1], "attrs": {"mode": 1}})
    snapshot.match("update", response)
    assert response.json()["error_code"] == 9030
