"""Helpers for the tests that go over the whole API: one of everything a user can make."""

from __future__ import annotations

from typing import Any

from clocked import PILOTE2_PK
from starlette.testclient import TestClient

#: Timing of the scheduler tasks made here (a task that repeats; nothing fires on the frozen clock).
TIMING = {"time": "05:30", "repeat": "mon"}


def rule_form(did: str, other: str) -> dict[str, Any]:
    """A rule on the Pilote2 ``did``: when its mode is 1, set ``other`` to eco."""
    return {"product_key": PILOTE2_PK, "did": did, "input": [{"did": did, "prefix": "p"}],
            "condition": [[{"left": "p.mode", "opt": "==", "right": 1}]],
            "output": [[{"type": "devctrl", "did": other, "attrs": {"mode": "eco"}}]]}


def make_everything(client: TestClient, headers: dict[str, str], did: str, other: str, shared: str,
                    share_with: str) -> dict[str, str]:
    """As the user of ``headers``: a group holding ``did``, a scene, a rule, a device, a common and a
    general scheduler task, and a share of ``shared`` to ``share_with``; name -> id."""

    def made(path: str, body: dict[str, Any], key: str = "id") -> str:
        response = client.post(path, headers=headers, json=body)
        assert response.status_code in (200, 201), response.text
        return str(response.json()[key])

    group = made("/app/group", {"group_name": "Salon"})
    assert client.post(f"/app/group/{group}/devices", headers=headers, json={"dids": [did]}).status_code == 200
    return {
        "group": group,
        "scene": made("/app/scene", {"scene_name": "Nuit",
                                     "tasks": [{"task_type": "device", "did": did, "attrs": {"mode": 2}}]}),
        "rule": made("/app/rules", rule_form(did, other), "rule_id"),
        "device_task": made(f"/app/devices/{did}/scheduler", {**TIMING, "attrs": {"mode": 1}}),
        "common_task": made("/app/common_scheduler", {**TIMING, "did": did, "attrs": {"mode": 1}}),
        "general_task": made("/app/scheduler", {**TIMING, "task": [{"did": did, "attrs": {"mode": 1}}]}),
        "share": made("/app/sharing", {"type": 0, "did": shared, "email": share_with}),
    }
