"""``gizwits-emulator serve``: a real process, a real port, both HTTP servers."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from emulator.cli import build_parser
from emulator.config import HEATZY_APP_ID


def start(*args: str) -> tuple[subprocess.Popen[str], str, list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line.rstrip())
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            url = match.group(1)
            break
    else:
        process.kill()
        raise AssertionError("\n".join(lines))
    for line in process.stdout:  # the rest of the banner
        lines.append(line.rstrip())
        if line.startswith("Press Ctrl+C"):
            break
    return process, url, lines


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, object]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def post(url: str, body: dict[str, object], headers: dict[str, str]) -> object:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.parametrize("server", ["uvicorn", "hypercorn"])
def test_serve_prints_the_banner_and_answers_the_demo_account(server: str) -> None:
    process, url, lines = start("--server", server)
    try:
        banner = "\n".join(lines)
        assert HEATZY_APP_ID in banner and "demo@heatzy.test" in banner and "heatzy-demo" in banner
        for product in ("Heatzy", "Pilote2", "Pilote_Soc_C3", "Pilote_Pro", "Glow_Simple", "onyx", "INEA", "Bloom"):
            assert product in banner
        assert get(f"{url}/status") == (200, {"status": {"version": "2.36.0"}})
        headers = {"X-Gizwits-Application-Id": HEATZY_APP_ID, "Content-Type": "text/plain"}
        token = post(f"{url}/app/login", {"username": "demo@heatzy.test", "password": "heatzy-demo"}, headers)
        status, bindings = get(f"{url}/app/bindings", {**headers, "X-Gizwits-User-token": token["token"]})
        assert status == 200 and len(bindings["devices"]) == 9
    finally:
        stop(process)


def test_the_same_seed_gives_the_same_demo_and_another_seed_another() -> None:
    outputs = []
    for seed in ("5", "5", "6"):
        process, _, lines = start("--seed", seed)
        stop(process)
        outputs.append([line for line in lines if " mac " in line])
    assert outputs[0] == outputs[1] and outputs[0] != outputs[2]


def test_fixture_path_and_unknown_fixture(tmp_path: Path) -> None:
    scenario = tmp_path / "one.json"
    scenario.write_text(json.dumps({
        "format": 1,
        "users": [{"ref": "me", "username": "me", "password": "pw"}],
        "devices": [{"product": "Bloom", "alias": "Only", "bound_to": ["me"], "did": "bloomDid0000000000000001"}],
    }))
    process, _, lines = start("--fixture", str(scenario))
    try:
        assert any("bloomDid0000000000000001" in line for line in lines)
    finally:
        stop(process)
    failed = subprocess.run([sys.executable, "-m", "emulator", "serve", "--fixture", "nope"], capture_output=True,
                            text=True, timeout=30)
    assert failed.returncode == 2 and "no scenario 'nope'" in failed.stderr


def test_parser_knows_every_documented_option() -> None:
    args = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9000", "--server", "hypercorn",
                                      "--fixture", "empty", "--seed", "3", "--token-ttl", "60"])
    assert (args.host, args.port, args.server, args.fixture, args.seed, args.token_ttl) == (
        "0.0.0.0", 9000, "hypercorn", "empty", 3, 60)


def test_the_docker_image_command_starts_the_server() -> None:
    """The Dockerfile's ENTRYPOINT + CMD, run as they are (on a free port), serve /status."""
    dockerfile = (Path(__file__).resolve().parents[1] / "Dockerfile").read_text(encoding="utf-8")
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", dockerfile, re.MULTILINE).group(1))
    command = json.loads(re.findall(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)[-1])  # the default (last) stage
    assert entrypoint == ["gizwits-emulator"] and command[:3] == ["serve", "--host", "0.0.0.0"]
    args = command[1:]
    at = args.index("--port")
    del args[at:at + 2]  # start() listens on a free port instead of 8000
    process, url, _ = start(*args)
    try:
        port = url.rsplit(":", 1)[1]
        assert get(f"http://127.0.0.1:{port}/status") == (200, {"status": {"version": "2.36.0"}})
        with pytest.raises(urllib.error.HTTPError) as refused:
            get(f"http://127.0.0.1:{port}/_emulator/clock")
        assert refused.value.code == 404, "the admin API is off in the image"
    finally:
        stop(process)
    assert "HEALTHCHECK" in dockerfile and "/status" in dockerfile and "USER emulator" in dockerfile


def test_speed_runs_the_emulators_clock_faster() -> None:
    process, url, _ = start("--speed", "3600", "--fixture", "empty")
    try:
        first = get(f"{url}/_emulator/clock")[1]
        assert first["mode"] == "speed" and first["speed"] == 3600
    finally:
        stop(process)
    failed = subprocess.run([sys.executable, "-m", "emulator", "serve", "--speed", "0"], capture_output=True,
                            text=True, timeout=30)
    assert failed.returncode == 2 and "--speed must be positive" in failed.stderr
