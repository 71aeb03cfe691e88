"""``gizwits-emulator clock | press | offline | online | reset | journal`` against a real running server.

The server is ``gizwits-emulator serve`` in its own process on a free port; the commands run
through ``emulator.cli.main`` (the console script's function) in this process, over HTTP, and
one (``journal --follow``) as the console command itself.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from serving import Served

from emulator.cli import main
from emulator.config import HEATZY_APP_ID

APP = {"X-Gizwits-Application-Id": HEATZY_APP_ID}


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    with Served("--quiet") as served:
        yield served


@pytest.fixture(autouse=True)
def fresh(server: Served) -> None:
    httpx.post(f"{server.url}/_emulator/reset", json={}, timeout=10).raise_for_status()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()


def did_of(server: Served, product: str) -> str:
    devices = httpx.get(f"{server.url}/_emulator/devices", timeout=10).json()
    return next(d["did"] for d in devices if d["product_name"] == product and d["bound_to"])


def devdata(server: Served, did: str) -> dict[str, Any]:
    return httpx.get(f"{server.url}/app/devdata/{did}/latest", headers=APP, timeout=10).json()


def clock(server: Served) -> dict[str, Any]:
    return httpx.get(f"{server.url}/_emulator/clock", timeout=10).json()


def tomorrow_7am() -> datetime:
    """An instant near now: moving the clock years away would make the devices live through them."""
    return datetime.combine(datetime.now(UTC).date() + timedelta(days=1), datetime.min.time(), UTC) + \
        timedelta(hours=7)


def test_clock_freeze_advance_speed_offset_real(server: Served, capsys: pytest.CaptureFixture[str]) -> None:
    url = ("--url", server.url)
    at = tomorrow_7am()
    iso = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert run(capsys, "clock", "freeze", iso, *url) == (0, f"clock frozen at {iso}", "")
    later = (at + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert run(capsys, "clock", "advance", "2h", *url) == (0, f"clock frozen at {later}", "")
    later = (at + timedelta(hours=2, seconds=90)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert run(capsys, "clock", "advance", "90", *url)[1] == f"clock frozen at {later}"
    assert clock(server)["iso"] == later.replace("Z", "+00:00")
    assert run(capsys, "clock", *url) == (0, f"clock frozen at {later}", "")
    code, out, _ = run(capsys, "clock", "speed", "60", *url)
    assert code == 0 and out.startswith(f"clock running 60 times real time: {later[:15]}")
    assert clock(server)["mode"] == "speed" and clock(server)["speed"] == 60
    code, out, _ = run(capsys, "clock", "real", *url)
    assert code == 0 and out.startswith("clock real: ") and clock(server)["mode"] == "real"
    code, out, _ = run(capsys, "clock", *url, "offset", "--", "-1d")  # "--": -1d is not an option
    assert code == 0 and out.startswith("clock 1d behind real time: ") and clock(server)["offset"] == -86400
    code, out, _ = run(capsys, "clock", "freeze", *url)
    assert code == 0 and out.startswith("clock frozen at ") and clock(server)["mode"] == "frozen"


def test_a_device_program_follows_an_advance(server: Served, capsys: pytest.CaptureFixture[str]) -> None:
    """The clock commands move the devices too: the demo's Bloom follows its week program."""
    bloom = did_of(server, "Bloom")
    # 04:00 UTC is 05:00 or 06:00 in Paris: eco on weekdays before 06:00 and at weekends before 08:00;
    # 16:00 UTC is 17:00 or 18:00: comfort on weekdays, and at weekends from 08:00 to 22:00.
    monday = tomorrow_7am() + timedelta(days=(7 - tomorrow_7am().weekday()) % 7)
    run(capsys, "clock", "freeze", (monday - timedelta(hours=3, minutes=30)).isoformat(), "--url", server.url)
    assert devdata(server, bloom)["attr"]["mode"] == "eco"
    run(capsys, "clock", "advance", "12h30m", "--url", server.url)
    assert devdata(server, bloom)["attr"]["mode"] == "cft"


def test_press_offline_online(server: Served, capsys: pytest.CaptureFixture[str]) -> None:
    did = did_of(server, "Pilote2")
    assert run(capsys, "press", did, "eco", "--url", server.url) == (0, f'{did}: mode="eco"', "")
    assert devdata(server, did)["attr"]["mode"] == "eco"
    assert run(capsys, "press", did, "eco", "--url", server.url)[1] == (
        f"{did}: nothing changed (already so, or the device's buttons are locked)")
    assert run(capsys, "press", did, "lock_switch=1", "mode=fro", "--url", server.url) == (
        0, f'{did}: mode="fro", lock_switch=1', "")
    assert run(capsys, "offline", did, "--url", server.url) == (0, f"{did}: offline", "")
    assert httpx.get(f"{server.url}/_emulator/devices/{did}", timeout=10).json()["is_online"] is False
    assert run(capsys, "online", did, "--url", server.url) == (0, f"{did}: online", "")
    assert httpx.get(f"{server.url}/_emulator/devices/{did}", timeout=10).json()["is_online"] is True


def test_reset_puts_the_fixture_back(server: Served, capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    did = did_of(server, "Pilote2")
    run(capsys, "press", did, "fro", "--url", server.url)
    run(capsys, "clock", "freeze", tomorrow_7am().isoformat(), "--url", server.url)
    assert run(capsys, "reset", "--url", server.url) == (0, "reset to demo (seed 1)", "")
    assert devdata(server, did)["attr"]["mode"] == "cft" and clock(server)["mode"] == "real"
    scenario = tmp_path / "one.json"
    scenario.write_text(json.dumps({"format": 1, "devices": [{"product": "Bloom", "did": "OnlyBloom0000000000001"}]}))
    code, out, _ = run(capsys, "reset", "--fixture", str(scenario), "--seed", "4", "--url", server.url)
    assert code == 0 and out == f"reset to {scenario} (seed 4)"
    assert [d["did"] for d in httpx.get(f"{server.url}/_emulator/devices", timeout=10).json()] == [
        "OnlyBloom0000000000001"]
    scenario.write_text(json.dumps({"format": 1, "devices": [{"product": "Nope"}]}))
    code, _, err = run(capsys, "reset", "--fixture", str(scenario), "--url", server.url)
    assert code == 1 and f"{scenario}: devices[0].product: unknown product 'Nope'" in err
    assert "Traceback" not in err
    assert run(capsys, "reset", "--fixture", "demo", "--seed", "1", "--url", server.url)[0] == 0


def test_journal_prints_the_requests_in_the_logs_format(server: Served, capsys: pytest.CaptureFixture[str]) -> None:
    httpx.get(f"{server.url}/app/bindings", headers=APP, timeout=10)
    token = httpx.post(f"{server.url}/app/login", headers=APP, timeout=10,
                       json={"username": "demo@heatzy.test", "password": "heatzy-demo"}).json()["token"]
    httpx.get(f"{server.url}/app/bindings?limit=5", headers={**APP, "X-Gizwits-User-token": token}, timeout=10)
    code, out, _ = run(capsys, "journal", "--url", server.url)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ GET /app/bindings 400 9004 - \d+\.\d ms", lines[0]), lines
    assert " POST /app/login 200 - " in lines[1]
    assert " GET /app/bindings?limit=5 200 demo@heatzy.test " in lines[2]
    assert run(capsys, "journal", "--limit", "1", "--url", server.url)[1] == lines[2]
    assert run(capsys, "journal", "--status", "400", "--url", server.url)[1] == lines[0]
    as_json = [json.loads(line) for line in run(capsys, "journal", "--json", "--url", server.url)[1].splitlines()]
    assert [(e["method"], e["path"], e["status"], e["user"]) for e in as_json] == [
        ("GET", "/app/bindings", 400, None), ("POST", "/app/login", 200, None),
        ("GET", "/app/bindings", 200, "demo@heatzy.test")]


def test_journal_follow_prints_new_requests_across_a_reset(server: Served) -> None:
    # Ctrl+C as in a terminal: a run started in the background (a CI job's shell) ignores SIGINT, and its
    # children inherit that; Python takes Ctrl+C only when SIGINT is not ignored at its start.
    follower = subprocess.Popen([sys.executable, "-m", "emulator", "journal", "--follow", "--url", server.url],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert follower.stdout is not None
        time.sleep(1.5)  # the follower is polling
        httpx.get(f"{server.url}/status", timeout=10)
        first = follower.stdout.readline()
        httpx.post(f"{server.url}/_emulator/reset", json={}, timeout=10)
        httpx.get(f"{server.url}/app/datapoint?product_key=nope", headers=APP, timeout=10)
        second = follower.stdout.readline()
    finally:
        follower.send_signal(signal.SIGINT)
        try:
            _, err = follower.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            follower.kill()  # and its pipes closed: nothing of it is left for the next tests
            _, err = follower.communicate()
            pytest.fail(f"journal --follow did not end within 30 s of Ctrl+C (stderr: {err!r})")
    assert " GET /status 200 - " in first
    assert " GET /app/datapoint?product_key=nope 400 9002 - " in second
    assert follower.returncode == 0 and err == ""


def test_errors_say_what_to_do(server: Served, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "press", "nosuchdid", "eco", "--url", server.url)
    assert code == 1 and err == "gizwits-emulator: the emulator refused (9014): no device with did 'nosuchdid'"
    did = did_of(server, "Pilote2")
    code, _, err = run(capsys, "press", did, "turbo", "--url", server.url)
    assert code == 1 and err.startswith("gizwits-emulator: the emulator refused (9025): mode: 'turbo' is not one of")
    code, _, err = run(capsys, "clock", "speed", "fast", "--url", server.url)
    assert code == 1 and err == "gizwits-emulator: clock speed takes a factor, e.g. 60 (got 'fast')"
    code, _, err = run(capsys, "clock", "advance", "--url", server.url)
    assert code == 1 and err == "gizwits-emulator: clock advance needs a value, e.g. `clock advance 2h`"
    code, _, err = run(capsys, "clock", "advance", "soon", "--url", server.url)
    assert code == 1 and "(9015): a duration is seconds or a string like '2h'" in err
    code, _, err = run(capsys, "press", did, "mode=eco", "=x", "--url", server.url)
    assert code == 1 and "press takes a mode (`press DID eco`) or name=value pairs, got '=x'" in err
    code, _, err = run(capsys, "clock", "--url", "http://127.0.0.1:9")
    assert code == 1 and err.startswith("gizwits-emulator: no emulator answers at http://127.0.0.1:9 (")
    assert err.endswith("start one with `gizwits-emulator serve`, or give --url")
    with pytest.raises(SystemExit) as usage:
        main(["clock", "backwards"])
    assert usage.value.code == 2


def test_the_admin_token_from_the_option_or_the_environment(capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    with Served("--fixture", "empty", "--admin-token", "t0k", "--quiet") as guarded, \
            Served("--fixture", "empty", "--admin", "off", "--quiet") as closed:
        code, _, err = run(capsys, "clock", "--url", guarded.url)
        assert code == 1 and err == (f"gizwits-emulator: the admin API at {guarded.url} wants its token: give "
                                     "--admin-token TOKEN (or set GIZWITS_EMULATOR_ADMIN_TOKEN)")
        assert run(capsys, "clock", "--url", guarded.url, "--admin-token", "t0k")[0] == 0
        monkeypatch.setenv("GIZWITS_EMULATOR_ADMIN_TOKEN", "t0k")
        monkeypatch.setenv("GIZWITS_EMULATOR_URL", guarded.url)
        iso = tomorrow_7am().strftime("%Y-%m-%dT%H:%M:%SZ")
        code, out, _ = run(capsys, "clock", "freeze", iso)
        assert (code, out) == (0, f"clock frozen at {iso}")
        monkeypatch.delenv("GIZWITS_EMULATOR_URL")
        monkeypatch.setenv("GIZWITS_EMULATOR_PORT", guarded.url.rsplit(":", 1)[1])  # the local server's port
        assert run(capsys, "clock")[1] == f"clock frozen at {iso}"
        code, _, err = run(capsys, "reset", "--url", closed.url)
        assert code == 1 and err == (f"gizwits-emulator: {closed.url} has no admin API "
                                     "(it was started with --admin off?)")
