"""Fault rules: matching, firing (always, N times, with a seeded probability), throttling,
and what clients see for each action (``/_emulator/faults``)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from conftest import APP_HEADERS, assert_error
from starlette.testclient import TestClient

from emulator.admin.middleware import ControlPlaneMiddleware
from emulator.core.faults import FaultRules, FaultSpecError, RequestInfo
from emulator.gizwits.cloud.cloud import Cloud
from emulator.testing import Emulator


def add(client: TestClient, **rule: object) -> dict[str, object]:
    response = client.post("/_emulator/faults", json=rule)
    assert response.status_code == 201, response.text
    return response.json()


def test_error_rule_answers_the_documented_status_a_given_number_of_times(client: TestClient) -> None:
    rule = add(client, method="GET", path="/status", error=9008, times=2)
    assert rule["id"] == "f1" and rule["remaining"] == 2
    assert_error(client.get("/status"), 9008, 500)
    assert_error(client.get("/status"), 9008, 500)
    assert client.get("/status").status_code == 200
    assert client.get("/_emulator/faults/f1").json()["fired"] == 2
    assert client.get("/_emulator/faults/f1").json()["remaining"] == 0


def test_status_rule_answers_a_bare_status_with_its_body(client: TestClient) -> None:
    add(client, path="/app/*", status=502, body="<html>Bad Gateway</html>")
    response = client.get("/app/bindings", headers=APP_HEADERS)
    assert response.status_code == 502
    assert response.text == "<html>Bad Gateway</html>"
    assert client.get("/status").status_code == 200  # path did not match


def test_rules_match_method_app_user_and_device(client: TestClient, demo: dict[str, str],
                                                demo_dids: dict[str, str]) -> None:
    pilote, glow = demo_dids["Pilote2"], demo_dids["Glow_Simple"]
    add(client, did=pilote, user="demo@heatzy.test", method="GET", error=9014)
    assert_error(client.get(f"/app/devdata/{pilote}/latest", headers=demo), 9014, 404)
    assert client.get(f"/app/devdata/{pilote}/latest", headers=APP_HEADERS).status_code == 200  # no user
    assert client.get(f"/app/devdata/{glow}/latest", headers=demo).status_code == 200  # other device
    assert client.post(f"/app/control/{pilote}", headers=demo, json={"attrs": {"mode": "eco"}}).status_code == 200
    add(client, appid="someone-else", error=9003)
    assert client.get("/app/bindings", headers=demo).status_code == 200


def test_probability_uses_the_seeded_generator(client: TestClient) -> None:
    def pattern() -> list[int]:
        client.post("/_emulator/reset")
        add(client, path="/status", status=503, probability=0.5)
        return [client.get("/status").status_code for _ in range(20)]

    first = pattern()
    assert set(first) == {200, 503}
    assert pattern() == first


def test_throttle_empties_a_token_bucket_and_refills_with_the_emulator_clock(client: TestClient,
                                                                             cloud: Cloud) -> None:
    cloud.clock.freeze(1_700_000_000)
    add(client, path="/app/*", throttle={"rate": 1, "burst": 2, "per": "app"})
    statuses = [client.get("/app/bindings", headers=APP_HEADERS).status_code for _ in range(3)]
    assert statuses[:2] != [429, 429] and statuses[2] == 429
    body = assert_error(client.get("/app/bindings", headers=APP_HEADERS), 9041, 429)
    assert body["detail_message"] == "fault rule f1"
    other_app = {"X-Gizwits-Application-Id": "another"}
    assert client.get("/app/bindings", headers=other_app).status_code != 429  # a bucket per app id
    cloud.advance(1)
    assert client.get("/app/bindings", headers=APP_HEADERS).status_code != 429
    assert client.get("/app/bindings", headers=APP_HEADERS).status_code == 429


def test_latency_rules_add_up_and_the_request_goes_on(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    waited: list[float] = []

    async def record(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(ControlPlaneMiddleware, "sleep", staticmethod(record))
    add(client, path="/status", latency=0.25)
    add(client, path="/status", latency=[1, 2])
    assert client.get("/status").status_code == 200
    assert len(waited) == 1 and 1.25 <= waited[0] <= 2.25
    entry = client.get("/_emulator/journal").json()[-1]
    assert entry["faults"] == ["f1", "f2"]


def test_a_dropped_connection_reaches_an_in_process_client_as_a_protocol_error() -> None:
    emulator = Emulator()
    emulator.faults.add(path="/status", drop=True, times=1)

    async def calls() -> int:
        async with emulator.client() as client:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get("/status")
            return (await client.get("/status")).status_code

    assert asyncio.run(calls()) == 200
    first = emulator.journal(path="/status")[0]
    assert first.status is None and first.faults == ["f1"]


@pytest.mark.parametrize("server", ["uvicorn", "hypercorn"])
def test_a_dropped_connection_on_a_live_server_closes_the_socket(server: str) -> None:
    with Emulator.serve(tls=False, server=server) as emulator:
        emulator.faults.add(path="/status", drop=True, times=1)
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{emulator.url}/status", timeout=5)
        assert httpx.get(f"{emulator.url}/status", timeout=5).status_code == 200
        assert [e.status for e in emulator.journal(path="/status")] == [None, 200]


def test_device_faults_fail_commands_only(client: TestClient, demo: dict[str, str],
                                          demo_dids: dict[str, str]) -> None:
    did = demo_dids["Pilote2"]
    add(client, did=did, device="not_delivered", times=1)
    add(client, did=did, device="offline", times=1)
    command = {"attrs": {"mode": "eco"}}
    body = assert_error(client.post(f"/app/control/{did}", headers=demo, json=command), 9021, 400)
    assert body["detail_message"] == "fault rule f1"
    assert_error(client.post(f"/app/control/{did}", headers=demo, json=command), 9042, 400)
    assert client.get(f"/app/devdata/{did}/latest", headers=demo).json()["attr"]["mode"] == "cft"
    assert client.post(f"/app/control/{did}", headers=demo, json=command).status_code == 200
    assert client.get(f"/app/devdata/{did}/latest", headers=demo).json()["attr"]["mode"] == "eco"


def test_rules_are_listed_deleted_and_cleared(client: TestClient) -> None:
    add(client, path="/status", status=500)
    add(client, path="/errors", status=500)
    assert [r["id"] for r in client.get("/_emulator/faults").json()] == ["f1", "f2"]
    assert client.delete("/_emulator/faults/f1").status_code == 200
    assert client.get("/status").status_code == 200
    assert_error(client.delete("/_emulator/faults/f1"), 9999, 404)
    assert client.delete("/_emulator/faults").status_code == 200
    assert client.get("/errors").status_code == 200


@pytest.mark.parametrize("rule", [
    {}, {"error": 1234}, {"status": 700}, {"error": 9008, "status": 500}, {"latency": [2, 1]},
    {"latency": -1}, {"drop": "yes"}, {"throttle": {"rate": 1, "per": "user"}}, {"device": "melted"},
    {"status": 500, "times": 0}, {"status": 500, "probability": 2}, {"status": 500, "colour": "red"},
    {"status": 500, "path": 3},
])
def test_bad_rules_are_refused_with_9015(client: TestClient, rule: dict[str, object]) -> None:
    assert_error(client.post("/_emulator/faults", json=rule), 9015, 400)
    assert client.get("/_emulator/faults").json() == []


def test_rules_survive_a_snapshot_round_trip() -> None:
    rules = FaultRules(seed=3)
    rules.add({"path": "/x", "status": 500, "probability": 0.5})
    copy = FaultRules(seed=99)
    copy.load(rules.dump())
    request = RequestInfo("GET", "/x")
    assert [rules.decide(request, 0).rule is None for _ in range(10)] == [
        copy.decide(request, 0).rule is None for _ in range(10)]
    with pytest.raises(FaultSpecError):
        rules.add({"status": 500, "drop": True})
