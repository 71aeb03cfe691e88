"""``serve --state PATH``: the world kept in one SQLite file, saved before every answer, back after a restart."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import time_machine
from conftest import APP_HEADERS, DEMO_EMAIL, DEMO_PASSWORD, MONDAY_7AM_PARIS, login, user_headers
from simulated import paris
from starlette.testclient import TestClient
from support_users import register
from support_world import make_everything

from emulator.app import create_app
from emulator.config import HEATZY_APP_ID, EmulatorConfig
from emulator.core.clock import Clock
from emulator.core.durable import NoDurableState, StateFileError, StateWriteError
from emulator.gizwits.cloud.cloud import Cloud


def frozen(fixture: str = "demo", at: float = MONDAY_7AM_PARIS) -> Cloud:
    clock = Clock()
    clock.freeze(at)
    return Cloud(EmulatorConfig(seed=1, fixture=fixture), clock=clock)


def dids_of(client: TestClient, headers: dict[str, str]) -> dict[str, str]:
    devices = client.get("/app/bindings", headers=headers).json()["devices"]
    return {d["product_name"]: d["did"] for d in devices}


# -- in process: what the file holds -----------------------------------------------------------
def test_without_a_state_file_nothing_is_kept() -> None:
    cloud = frozen()
    assert isinstance(cloud.durable, NoDurableState) and cloud.durable.commit() == 0


def test_the_world_comes_back_exactly_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "world.db"
    first = frozen()
    app = create_app(cloud=first)  # every cloud attached first: the file keeps them all
    assert first.keep_state(path) is False  # a new file: the fixture is saved in it
    with TestClient(app) as client:
        demo = user_headers(login(client)["token"])
        third = register(client, "third@heatzy.test", "third-password")
        dids = dids_of(client, demo)
        make_everything(client, demo, dids["Pilote2"], dids["Pilote_Pro"], dids["Pilote_Soc"], "third@heatzy.test")
        assert client.post(f"/app/control/{dids['Pilote2']}", headers=demo,
                           json={"attrs": {"mode": "eco"}}).status_code == 200
        assert client.put(f"/app/bindings/{dids['Glow_Simple']}", headers=demo,
                          json={"dev_alias": "Bureau"}).status_code == 200
        assert client.post("/_emulator/faults", json={"path": "/app/devdata/*", "status": 503}).status_code == 201
        assert client.post("/_emulator/clock", json={"advance": "2h"}).status_code == 200
        # The eWeLink cloud's stores are kept by being registered with the world, nothing more.
        ewelink = client.post("/_emulator/ewelink/accounts", json={"devices": [1, {"uiid": 4, "name": "Strip"}]})
        assert ewelink.status_code == 201, ewelink.text
        assert first.durable.differences() == []
    saved, clock = first.snapshot()["stores"], first.clock.dump()
    first.durable.close()

    again = Cloud(EmulatorConfig(seed=1, fixture="empty"))
    app = create_app(cloud=again)
    assert again.keep_state(path) is True
    assert again.snapshot()["stores"] == saved
    assert again.clock.dump() == clock
    with TestClient(app) as client:
        assert client.get("/app/users", headers=third).json()["email"] == "third@heatzy.test"
        relogged = client.post("/app/login", headers=APP_HEADERS,
                               json={"username": "third@heatzy.test", "password": "third-password"})
        assert relogged.status_code == 200
        aliases = {d["dev_alias"] for d in client.get("/app/bindings", headers=demo).json()["devices"]}
        assert "Bureau" in aliases
        assert client.get(f"/app/devdata/{dids['Pilote2']}/latest", headers=demo).status_code == 503
        accounts = client.get("/_emulator/ewelink/accounts").json()
        assert ewelink.json()["email"] in json.dumps(accounts)


def test_a_restart_files_every_wake_up_as_it_was_and_builds_a_device_when_asked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The wake-ups come back from the file (not worked out again), and a device loaded from it is
    built on first use, the same device as before the restart."""
    path = tmp_path / "world.db"
    first = frozen()
    first.keep_state(path)
    dids = [device.did for device in first.devices.peek()]
    wakes = {did: first.world.simulation.wake_at(did) for did in dids}
    assert any(wake is not None for wake in wakes.values())
    before = {did: first.devices.get(did).read(first.now()) for did in dids}  # type: ignore[union-attr]
    first.durable.close()

    again = frozen("empty")
    rearmed: list[str] = []
    for family in {type(device.family) for device in first.devices.peek()}:
        # Working out a wake-up again goes through the family's next_point.
        def spy(self: Any, device: Any, t: float, original: Any = family.next_point) -> Any:
            rearmed.append(device.did)
            return original(self, device, t)

        monkeypatch.setattr(family, "next_point", spy)
    again.keep_state(path)
    monkeypatch.undo()
    assert rearmed == []
    assert {did: again.world.simulation.wake_at(did) for did in dids} == wakes
    assert sum(isinstance(value, dict) for value in again.devices._devices.values()) == len(dids)  # none built yet
    device = again.devices.get(dids[0])
    assert device is not None and device.read(again.now()) == before[dids[0]]
    assert sum(isinstance(value, dict) for value in again.devices._devices.values()) == len(dids) - 1
    assert {did: again.devices.get(did).read(again.now()) for did in dids} == before  # type: ignore[union-attr]
    again.durable.close()


def test_a_commit_writes_what_the_request_touched_not_the_world(tmp_path: Path) -> None:
    """The rows one control writes do not grow with the number of devices and users."""

    def rows_per_control(fleet: int) -> list[int]:
        cloud = frozen("empty")
        account = cloud.users.create(HEATZY_APP_ID, cloud.now(), email="fleet@heatzy.test", password="x",
                                     public_password=True)
        product = cloud.catalog.by_name("Pilote2")
        devices = [cloud.register_device(product) for _ in range(fleet)]
        for device in devices:
            cloud.bind(account, device)
        app = create_app(cloud=cloud)
        cloud.keep_state(tmp_path / f"fleet-{fleet}.db")
        token = cloud.users.issue_token(account, cloud.now()).token
        counts = []
        with TestClient(app) as client:
            for mode in ("eco", "cft", "fro", "eco"):
                before = cloud.durable.rows_written
                response = client.post(f"/app/control/{devices[0].did}", headers=user_headers(token),
                                       json={"attrs": {"mode": mode}})
                assert response.status_code == 200
                counts.append(cloud.durable.rows_written - before)
        assert cloud.durable.differences() == []
        cloud.durable.close()
        return counts

    small, large = rows_per_control(5), rows_per_control(2000)
    assert small == large
    assert max(large) <= 4  # the device, its history record, and its wake-up event (rescheduled)


def test_a_refused_write_is_not_acknowledged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cloud = frozen()
    app = create_app(cloud=cloud)
    cloud.keep_state(tmp_path / "world.db")
    with TestClient(app) as client:
        demo = user_headers(login(client)["token"])

        def full_disk() -> int:
            raise StateWriteError("cannot write state file world.db: database or disk is full")

        monkeypatch.setattr(cloud.durable, "commit", full_disk)
        response = client.post("/app/group", headers=demo, json={"group_name": "Salon"})
        assert response.status_code == 500
        assert response.json() == {"error_message": "server error", "error_code": 9008,
                                   "detail_message": "cannot write state file world.db: database or disk is full"}


def test_devices_go_on_in_time_while_the_emulator_is_down(tmp_path: Path) -> None:
    """Down from 09:15 to 17:30: the 60-minute boost ended at 10:15, the program's comfort began at 17:00."""
    path = tmp_path / "world.db"
    with time_machine.travel(paris(2024, 1, 8, 9, 15), tick=False) as traveller:  # Monday; real clock
        cloud = Cloud(EmulatorConfig(fixture="empty"))
        pilote = cloud.register_device(cloud.catalog.by_name("Pilote2"), attrs={"timer_switch": 1})
        cloud.keep_state(path)
        cloud.apply(pilote, {"derog_mode": 2, "derog_time": 60}, source="app")
        assert pilote.read(cloud.now())["mode"] == "cft"
        cloud.durable.commit()
        cloud.durable.close()

        traveller.move_to(paris(2024, 1, 8, 17, 30))
        again = Cloud(EmulatorConfig(fixture="empty"))
        assert again.keep_state(path) is True
        now = again.sync()
        device = again.devices.require(pilote.did)
        state = again.observe(device).read(now)
        assert (state["derog_mode"], state["derog_time"], state["mode"]) == (0, 0, "cft")
        reported = [(change.at, dict(change.attrs)) for change in again.history.of(pilote.did)
                    if "derog_mode" in change.attrs or "mode" in change.attrs]
        assert (paris(2024, 1, 8, 10, 15), {"derog_mode": 0, "derog_time": 0, "mode": "eco"}) in reported
        assert reported[-1] == (paris(2024, 1, 8, 17, 0), {"mode": "cft"})


# -- files that cannot be used -----------------------------------------------------------------
def _text(path: Path) -> None:
    path.write_text("users,devices\ndemo,Pilote2\n")


def _sql(path: Path, statement: str) -> None:
    db = sqlite3.connect(path)
    try:
        db.execute(statement)
        db.commit()
    finally:
        db.close()


def _foreign(path: Path) -> None:
    _sql(path, "CREATE TABLE notes (body TEXT)")


def _demo_file(path: Path) -> None:
    cloud = frozen()
    cloud.keep_state(path)
    cloud.durable.close()


def _demo_file_then(statement: str) -> Any:
    """A maker of a state file holding the demo world, then changed by ``statement``."""
    def make(path: Path) -> None:
        _demo_file(path)
        _sql(path, statement)

    return make


_other_format = _demo_file_then("PRAGMA user_version=7")


def _corrupted(path: Path) -> None:
    _demo_file(path)
    data = bytearray(path.read_bytes())
    data[len(data) // 3:] = b"\x5a" * (len(data) - len(data) // 3)
    path.write_bytes(bytes(data))


_bad_row = _demo_file_then("UPDATE records SET value = '{\"did\": ' WHERE part = 'devices'")
_not_a_device = _demo_file_then(
    "UPDATE records SET value = '{\"did\": \"x\", \"product_key\": \"nope\"}' WHERE part = 'devices'")
# A device row that is JSON with the right fields, one data point short: devices are built on first use,
# so this is found when the file is loaded, not when the device is first asked for.
_values_missing = _demo_file_then("UPDATE records SET value = json_remove(value, '$.attrs[0]') WHERE part = 'devices'")
_unknown_field = _demo_file_then("UPDATE records SET value = json_set(value, '$.colour', 'red') WHERE part = 'devices'")


@pytest.mark.parametrize(("make", "says"), [
    (_text, "is not a gizwits-emulator state file"),
    (_foreign, "is not a gizwits-emulator state file (an SQLite database of another program)"),
    (_other_format, "is in state format 7; this emulator reads format 2"),
    (_corrupted, "is not a gizwits-emulator state file"),
    (_bad_row, "holds a row that is not JSON"),
    (_not_a_device, "holds a world this emulator cannot load"),
    (_values_missing, "holds a world this emulator cannot load"),
    (_unknown_field, "holds a world this emulator cannot load"),
], ids=["text", "foreign", "other-format", "corrupted", "bad-row", "not-a-device", "values-missing", "unknown-field"])
def test_a_file_it_cannot_use_is_refused_and_nothing_is_loaded(tmp_path: Path, make: Any, says: str) -> None:
    path = tmp_path / "state.db"
    make(path)
    cloud = frozen("empty")
    before = cloud.snapshot()["stores"]
    with pytest.raises(StateFileError) as refused:
        cloud.keep_state(path)
    message = str(refused.value)
    assert says in message and "\n" not in message and str(path) in message
    assert cloud.snapshot()["stores"] == before
    assert isinstance(cloud.durable, NoDurableState)


def test_a_history_row_that_is_not_a_record_is_left_out_when_read_and_deleted(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The history is read when first used, not at start (most of a large world's bytes): a row that
    is not JSON, or JSON that is not a record, is found then, left out with a warning, and deleted
    from the file with the next commit; the rest of the device's history is there."""
    path = tmp_path / "state.db"
    _demo_file(path)
    db = sqlite3.connect(path)
    keys = [key for (key,) in db.execute("SELECT key FROM records WHERE part = 'history' ORDER BY rowid")]
    did = keys[0].split("/")[0]
    mine = [key for key in keys if key.startswith(f"{did}/")]
    broken, not_a_record = keys[0], next(key for key in keys if not key.startswith(f"{did}/"))
    db.execute("UPDATE records SET value = '{\"at\": ' WHERE part = 'history' AND key = ?", (broken,))
    db.execute("UPDATE records SET value = '[1, 2]' WHERE part = 'history' AND key = ?", (not_a_record,))
    db.commit()
    db.close()

    cloud = frozen("empty")
    with caplog.at_level("WARNING", logger="emulator.state"):
        assert cloud.keep_state(path) is True
        assert caplog.records == []  # not read yet
        assert len(cloud.history.of(did)) == len(mine) - 1
        cloud.history.of(not_a_record.split("/")[0])
    warned = [record.getMessage() for record in caplog.records]
    assert len(warned) == 2 and broken in warned[0] and not_a_record in warned[1]
    cloud.durable.commit()
    assert cloud.durable.differences() == []
    left = {key for (key,) in cloud.durable._db.execute(  # type: ignore[union-attr]
        "SELECT key FROM records WHERE part = 'history'")}
    assert broken not in left and not_a_record not in left and len(left) == len(keys) - 2
    cloud.durable.close()


def test_a_file_in_use_by_another_emulator_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    first = frozen()
    first.keep_state(path)
    with pytest.raises(StateFileError, match="is in use by another process"):
        frozen().keep_state(path)
    first.durable.close()
    assert frozen().keep_state(path) is True


# -- a real process: kill -9 under load, SIGTERM, files refused --------------------------------
def serve(path: Path, *options: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "serve", "--port", "0", "--state", str(path), *options],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            threading.Thread(target=_drain, args=(process,), daemon=True).start()
            return process, match.group(1)
    process.wait(timeout=10)
    process.stdout.close()
    raise AssertionError("".join(lines))


def _drain(process: subprocess.Popen[str]) -> None:
    """Keep the pipe read until the process ends, then close it (no file left open)."""
    assert process.stdout is not None
    with process.stdout:
        process.stdout.read()


def _end(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()


class WriteLoad:
    """Writers creating groups as fast as answers come, and one switching a heater's mode; what was
    acknowledged (and what was in flight) is remembered."""

    def __init__(self, url: str, headers: dict[str, str], did: str, writers: int = 3) -> None:
        self.url, self.headers, self.did = url, headers, did
        self.groups: set[str] = set()
        self.mode_acked: str | None = None
        self.mode_sent: str | None = None
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._groups, args=(n,)) for n in range(writers)]
        self._threads.append(threading.Thread(target=self._modes))

    def __enter__(self) -> WriteLoad:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _groups(self, writer: int) -> None:
        with httpx.Client(base_url=self.url, headers=self.headers, timeout=10) as client:
            for number in range(100_000):
                if self._stop.is_set():
                    return
                try:
                    response = client.post("/app/group", json={"group_name": f"w{writer}-{number}"})
                except httpx.HTTPError:
                    return  # the server is gone
                if response.status_code == 201:
                    self.groups.add(response.json()["id"])

    def _modes(self) -> None:
        with httpx.Client(base_url=self.url, headers=self.headers, timeout=10) as client:
            for number in range(100_000):
                if self._stop.is_set():
                    return
                mode = ("eco", "fro", "cft")[number % 3]
                self.mode_sent = mode
                try:
                    response = client.post(f"/app/control/{self.did}", json={"attrs": {"mode": mode}})
                except httpx.HTTPError:
                    return
                if response.status_code == 200:
                    self.mode_acked = mode

    def wait_for(self, acknowledged: int) -> None:
        deadline = time.monotonic() + 60
        while len(self.groups) < acknowledged and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.mark.parametrize(("server", "stop"), [
    ("uvicorn", signal.SIGKILL), ("hypercorn", signal.SIGKILL), ("uvicorn", signal.SIGTERM),
    ("hypercorn", signal.SIGTERM),
], ids=["uvicorn-kill-9", "hypercorn-kill-9", "uvicorn-sigterm", "hypercorn-sigterm"])
def test_every_acknowledged_write_survives_the_end_of_the_process(tmp_path: Path, server: str,
                                                                  stop: signal.Signals) -> None:
    path = tmp_path / "world.db"
    process, url = serve(path, "--server", server)
    try:
        token = httpx.post(f"{url}/app/login", headers=APP_HEADERS,
                           json={"username": DEMO_EMAIL, "password": DEMO_PASSWORD}).json()["token"]
        headers = {**APP_HEADERS, "X-Gizwits-User-token": token}
        devices = httpx.get(f"{url}/app/bindings", headers=headers).json()["devices"]
        did = next(d["did"] for d in devices if d["product_name"] == "Pilote2")
        with WriteLoad(url, headers, did) as load:
            load.wait_for(150)
            process.send_signal(stop)
            process.wait(timeout=10)  # SIGTERM: within a few seconds, even under load
        if stop == signal.SIGTERM:
            assert process.returncode == 0
    finally:
        _end(process)
    assert len(load.groups) >= 150

    process, url = serve(path, "--server", server)
    try:
        kept = httpx.get(f"{url}/app/group", headers=headers)
        assert kept.status_code == 200  # the token issued before is still valid
        missing = load.groups - {group["id"] for group in kept.json()}
        assert not missing, f"{len(missing)} acknowledged groups lost of {len(load.groups)}"
        mode = httpx.get(f"{url}/app/devdata/{did}/latest", headers=headers).json()["attr"]["mode"]
        assert mode in {load.mode_acked, load.mode_sent}
    finally:
        _end(process)


def test_serve_refuses_a_file_it_cannot_use_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    _foreign(path)
    done = subprocess.run([sys.executable, "-m", "emulator", "serve", "--port", "0", "--state", str(path)],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"gizwits-emulator: {path} is not a gizwits-emulator state file (an SQLite database of another program)"]


def test_a_websocket_write_answered_survives_kill_9(tmp_path: Path) -> None:
    """The WebSocket handler commits before its answer is written: a ``c2s_write`` whose
    ``s2c_noti`` came back is in the file when the process is killed right after."""
    from websockets.sync.client import connect

    path = tmp_path / "world.db"
    process, url = serve(path)
    try:
        login_body = httpx.post(f"{url}/app/login", headers=APP_HEADERS,
                                json={"username": DEMO_EMAIL, "password": DEMO_PASSWORD}).json()
        headers = {**APP_HEADERS, "X-Gizwits-User-token": login_body["token"]}
        devices = httpx.get(f"{url}/app/bindings", headers=headers).json()["devices"]
        did = next(d["did"] for d in devices if d["product_name"] == "Pilote2")
        with connect(url.replace("http", "ws", 1) + "/ws/app/v1") as ws:
            ws.send(json.dumps({"cmd": "login_req", "data": {
                "appid": HEATZY_APP_ID, "uid": login_body["uid"], "token": login_body["token"],
                "p0_type": "attrs_v4", "heartbeat_interval": 30, "auto_subscribe": True}}))
            assert json.loads(ws.recv(10))["cmd"] == "login_res"
            for mode in ("fro", "eco", "fro"):
                ws.send(json.dumps({"cmd": "c2s_write", "data": {"did": did, "attrs": {"mode": mode}}}))
                while (frame := json.loads(ws.recv(10)))["cmd"] != "s2c_noti":
                    pass
                assert frame["data"]["attrs"]["mode"] == mode
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
    finally:
        _end(process)
    process, url = serve(path)
    try:
        assert httpx.get(f"{url}/app/devdata/{did}/latest", headers=headers).json()["attr"]["mode"] == "fro"
    finally:
        _end(process)
