"""The request journal: what clients sent and got, bounded, filterable, secrets redacted
(``/_emulator/journal``)."""

from __future__ import annotations

import asyncio

from conftest import APP_HEADERS, assert_error
from starlette.testclient import TestClient

from emulator.core.journal import REDACTED
from emulator.testing import Emulator


def test_each_request_is_recorded_with_its_answer(client: TestClient, demo: dict[str, str],
                                                   demo_dids: dict[str, str]) -> None:
    did = demo_dids["Pilote2"]
    client.delete("/_emulator/journal")
    client.post(f"/app/control/{did}?x=1", headers={**demo, "Content-Type": "text/plain"},
                content=b'{"attrs": {"mode": "eco"}}')
    [entry] = client.get("/_emulator/journal").json()
    assert entry["method"] == "POST" and entry["path"] == f"/app/control/{did}" and entry["query"] == "x=1"
    assert entry["body"] == {"attrs": {"mode": "eco"}}
    assert entry["status"] == 200 and entry["error_code"] is None and entry["emulated"] is True
    assert entry["dids"] == [did]
    assert entry["appid"] == APP_HEADERS["X-Gizwits-Application-Id"]
    assert entry["duration_ms"] >= 0
    assert entry["headers"]["x-gizwits-user-token"] == REDACTED
    assert entry["headers"]["x-gizwits-application-id"] == APP_HEADERS["X-Gizwits-Application-Id"]


def test_errors_and_unknown_routes_are_told_apart(client: TestClient, demo: dict[str, str]) -> None:
    assert_error(client.get("/app/devices/unknown", headers=demo), 9014, 404)
    assert_error(client.get("/app/not-a-route", headers=demo), 9999, 404)
    assert_error(client.delete("/status"), 9999, 405)
    missed = client.get("/_emulator/journal?emulated=false").json()
    assert [(e["method"], e["path"], e["status"]) for e in missed] == [
        ("GET", "/app/not-a-route", 404), ("DELETE", "/status", 405)]
    assert client.get("/_emulator/journal/count?status=404").json() == {"count": 2}


def test_filters_count_and_clear(client: TestClient, demo: dict[str, str], demo_dids: dict[str, str]) -> None:
    pilote, glow = demo_dids["Pilote2"], demo_dids["Glow_Simple"]
    for did in (pilote, glow, pilote):
        client.get(f"/app/devdata/{did}/latest", headers=demo)
    assert client.get(f"/_emulator/journal/count?did={pilote}").json() == {"count": 2}
    assert client.get("/_emulator/journal/count?method=get&path=/app/devdata/*").json() == {"count": 3}
    assert client.get("/_emulator/journal/count?method=POST").json() == {"count": 1}  # the login
    last = client.get("/_emulator/journal?limit=1").json()
    assert len(last) == 1 and last[0]["dids"] == [pilote]
    assert_error(client.get("/_emulator/journal?emulated=maybe"), 9015, 400)
    client.delete("/_emulator/journal")
    assert client.get("/_emulator/journal").json() == []


def test_admin_requests_are_not_recorded(client: TestClient) -> None:
    client.get("/_emulator/clock")
    client.get("/_emulator/devices")
    assert client.get("/_emulator/journal").json() == []


def test_the_journal_is_a_bounded_ring() -> None:
    emulator = Emulator(journal_size=3)

    async def calls() -> None:
        async with emulator.client() as client:
            for _ in range(5):
                await client.get("/status")

    asyncio.run(calls())
    assert [e.id for e in emulator.journal()] == [3, 4, 5]


def test_bodies_that_are_not_json_are_kept_as_text(client: TestClient) -> None:
    client.post("/app/login", headers=APP_HEADERS, content=b"username=x")
    assert client.get("/_emulator/journal").json()[-1]["body"] == "username=x"


def test_the_python_handle_counts_requests() -> None:
    emulator = Emulator()
    login_body = {"username": "demo@heatzy.test", "password": "heatzy-demo"}

    async def calls() -> None:
        async with emulator.client() as http:
            assert (await http.post("/app/login", json=login_body)).status_code == 200
            await http.get("/app/nowhere")

    asyncio.run(calls())
    assert emulator.count(method="POST", path="/app/login") == 1
    assert [e.path for e in emulator.journal(emulated=False)] == ["/app/nowhere"]
    emulator.clear_journal()
    assert emulator.count() == 0
