"""The request journal: what clients sent and got, bounded, filterable, secrets redacted
(``/_emulator/journal``)."""

from __future__ import annotations

import asyncio
import tracemalloc
from typing import Any

import pytest
from conftest import APP_HEADERS, assert_error
from starlette.testclient import TestClient

from emulator.app import create_app
from emulator.config import HEATZY_APP_ID
from emulator.core.journal import REDACTED, Journal
from emulator.gizwits.cloud.cloud import Cloud
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


def test_a_large_body_costs_its_capped_text_not_its_parsed_form(client: TestClient, cloud: Cloud) -> None:
    """64 KiB of ``[[],[],...]`` parsed is ~1.6 MB of lists; the journal keeps 16 KiB of text."""
    body = ("[" + ",".join(["[]"] * 21_800) + "]").encode()
    assert len(body) > 64 * 1024 - 1024
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(20):
            client.post("/app/not-a-route", content=body)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 20 * 64 * 1024  # parsed, it was over 20 * 1.6 MB
    entry = client.get("/_emulator/journal?limit=1").json()[0]
    assert entry["body_bytes"] == len(body) and entry["body_truncated"] is True
    assert entry["body"] == body[:16 * 1024].decode()


def test_the_journal_is_bounded_in_bytes_too(cloud: Cloud) -> None:
    cloud.journal = Journal(size=10_000, max_bytes=200_000)
    with TestClient(create_app(cloud=cloud)) as client:
        for _ in range(50):
            client.post("/app/login", headers={**APP_HEADERS, "X-Padding": "x" * 5000}, content=b"y" * 30_000)
        entries = client.get("/_emulator/journal").json()
    assert cloud.journal.bytes <= 200_000 and 5 <= len(entries) < 50
    assert entries[-1]["id"] == 50  # the oldest went first
    assert len(entries[-1]["headers"]["x-padding"]) == 1024 and entries[-1]["headers_truncated"] is True


@pytest.mark.parametrize("body", [
    b'{"value": NaN}', b'{"value": Infinity}', b'{"value": -Infinity}', b'{"value": 1e309}',
    b'{"value": "\\ud800"}', b"[" * 900 + b"]" * 900, b'{"a":' * 600 + b"1" + b"}" * 600,
], ids=["nan", "infinity", "minus-infinity", "1e309", "lone-surrogate", "lists-900-deep", "objects-600-deep"])
def test_no_body_makes_the_journal_fail(client: TestClient, body: bytes) -> None:
    client.post("/app/login", headers=APP_HEADERS, content=body)
    response = client.get("/_emulator/journal")
    assert response.status_code == 200, response.text
    assert response.json()[-1]["body"] == body.decode()  # kept as text, not parsed


def test_a_repeated_identity_header_is_read_the_same_way_everywhere(client: TestClient, cloud: Cloud,
                                                                     demo: dict[str, str]) -> None:
    """Two application ids: the app answers 9015, no fault rule for either id fires, the journal
    records no app id and shows both values."""
    other = "0123456789abcdef0123456789abcdef"
    for appid in (HEATZY_APP_ID, other):
        client.post("/_emulator/faults", json={"appid": appid, "status": 503})
    twice = [("X-Gizwits-Application-Id", HEATZY_APP_ID), ("X-Gizwits-Application-Id", other)]
    body = assert_error(client.get("/app/users", headers=[*twice, ("X-Gizwits-User-token", "x")]), 9015, 400)
    assert body["detail_message"] == "X-Gizwits-Application-Id is given 2 times"
    token = demo["X-Gizwits-User-token"]
    client.delete("/_emulator/faults")
    tokens = [("X-Gizwits-Application-Id", HEATZY_APP_ID), ("X-Gizwits-User-token", token),
              ("X-Gizwits-User-Token", "someone-else")]
    assert_error(client.get("/app/users", headers=tokens), 9015, 400)
    first, second = client.get("/_emulator/journal?limit=2").json()
    assert first["appid"] is None and first["faults"] == []
    assert first["headers"]["x-gizwits-application-id"] == f"{HEATZY_APP_ID}, {other}"
    assert second["appid"] == HEATZY_APP_ID and second["status"] == 400


def test_an_entry_made_when_read_tells_the_request_as_it_was(client: TestClient, cloud: Cloud,
                                                             demo: dict[str, str], demo_dids: dict[str, str]) -> None:
    """Entries nobody listens to are made when first read: what they say is still what the request
    carried when it was answered (the token's user, though the token was revoked since), and the same
    entry as one made at once for a listener."""
    did = demo_dids["Pilote2"]
    client.delete("/_emulator/journal")
    heard: list[Any] = []
    client.get(f"/app/devdata/{did}/latest?unheard=1", headers=demo)
    unsubscribe = cloud.journal.subscribe(heard.append)
    client.get(f"/app/devdata/{did}/latest?unheard=1", headers=demo)
    unsubscribe()
    assert client.delete("/app/logout", headers=demo).status_code == 204
    made_late, made_at_once, logout = cloud.journal.find()
    assert heard == [made_at_once]
    assert made_late.user == made_at_once.user == "demo@heatzy.test" and logout.path == "/app/logout"
    late, at_once = made_late.as_dict(), made_at_once.as_dict()
    for varying in ("id", "at", "duration_ms"):
        del late[varying], at_once[varying]
    assert late == at_once
    assert late["dids"] == [did] and late["query"] == "unheard=1" and late["status"] == 200
    assert cloud.journal.find()[0] is made_late  # made once


def test_matching_a_path_on_dids_neither_builds_nor_touches_a_device(cloud: Cloud, demo_dids: dict[str, str]) -> None:
    """Fault rules match on the dids a path names; finding them must not count those devices as
    changed (the next commit of a state file would write them again)."""
    did = demo_dids["Pilote2"]
    cloud.devices.touched.keys = {}
    assert did in cloud.devices and "latest" not in cloud.devices
    assert cloud.devices.touched.keys == {}
    cloud.devices.get(did)
    assert cloud.devices.touched.keys == {did: None}
