"""Story: a "leaving home" scene with a delay, run by a client, followed on the emulator clock."""

from __future__ import annotations

from clocked import T0, cloud_at
from conftest import login, user_headers
from starlette.testclient import TestClient

from emulator.app import create_app


def test_a_scene_runs_its_tasks_in_order_and_waits_out_its_delay() -> None:
    cloud = cloud_at(T0)
    with TestClient(create_app(cloud=cloud)) as client:
        headers = user_headers(login(client)["token"])
        did = {d["dev_alias"]: d["did"] for d in client.get("/app/bindings", headers=headers).json()["devices"]}
        salon, sejour = did["Salon"], did["Séjour"]

        scene_id = client.post("/app/scene", headers=headers, json={"scene_name": "Départ", "tasks": [
            {"task_type": "device", "did": salon, "attrs": {"mode": "eco"}},
            {"task_type": "delay", "time": 600},
            {"task_type": "device", "did": sejour, "attrs": {"mode": "fro"}},
        ]}).json()["id"]

        def mode(did: str) -> str:
            return client.get(f"/app/devdata/{did}/latest", headers=headers).json()["attr"]["mode"]

        def status() -> int:
            return client.get(f"/app/scene/{scene_id}/task", headers=headers).json()["status"]

        assert status() == 3
        assert client.post(f"/app/scene/{scene_id}/task", headers=headers).status_code == 200
        assert (status(), mode(salon), mode(sejour)) == (0, "eco", "cft")

        cloud.clock.advance(599)  # the next request runs what came due
        assert (status(), mode(sejour)) == (0, "cft")

        cloud.clock.advance(1)
        assert (status(), mode(sejour)) == (1, "fro")
        assert [(r.source, r.at) for r in cloud.history.of(sejour)[-1:]] == [("scene", T0 + 600)]
