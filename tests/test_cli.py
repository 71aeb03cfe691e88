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


def start(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str, list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
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


def stop(process: subprocess.Popen[str]) -> str:
    """Stop the server as Ctrl+C does; return what it printed after the banner."""
    process.send_signal(signal.SIGINT)
    try:
        rest, _ = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        rest, _ = process.communicate()
    return rest or ""


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
    assert failed.returncode == 2 and "nope: no such scenario (the fixture names are demo, empty" in failed.stderr


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
        refused.value.close()  # an HTTPError holds the response open
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


# -- what a newcomer sees first ---------------------------------------------------------------------
def banner_entry(lines: list[str], label: str) -> str | None:
    found = [line.split(label, 1)[1].strip() for line in lines if line.startswith(f"  {label} ")]
    return found[0] if found else None


@pytest.mark.parametrize("fixture", ["demo", "empty"])
def test_the_banners_try_line_works_as_pasted(fixture: str) -> None:
    process, _, lines = start("--fixture", fixture, "--quiet")
    try:
        command = banner_entry(lines, "try")
        assert command is not None and command.startswith("curl -s ")
        ran = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=30)
        answer = json.loads(ran.stdout)
        if fixture == "demo":
            assert "/app/login" in command and set(answer) == {"token", "uid", "expire_at"}
        else:
            assert "/app/users" in command and set(answer) >= {"token", "uid"}
    finally:
        stop(process)


def test_the_banner_shows_the_docs_and_the_dashboard() -> None:
    process, url, lines = start("--quiet")
    try:
        docs, admin_docs, dashboard = (banner_entry(lines, label) for label in ("API docs", "admin API docs",
                                                                               "dashboard"))
        assert (docs, admin_docs, dashboard) == (f"{url}/docs", f"{url}/_emulator/docs", f"{url}/_emulator/dashboard")
        for page in (docs, admin_docs):
            with urllib.request.urlopen(page, timeout=10) as response:
                assert response.status == 200 and b"swagger-ui" in response.read()
        with urllib.request.urlopen(dashboard, timeout=10) as response:
            assert response.status == 200 and b"<html" in response.read().lower()
    finally:
        stop(process)
    process, url, lines = start("--admin", "off", "--quiet")
    stop(process)
    assert banner_entry(lines, "API docs") == f"{url}/docs"
    assert banner_entry(lines, "dashboard") is None and banner_entry(lines, "admin API docs") is None


def test_version() -> None:
    from emulator import __version__

    ran = subprocess.run([sys.executable, "-m", "emulator", "--version"], capture_output=True, text=True, timeout=30)
    assert ran.returncode == 0 and ran.stdout.strip() == f"gizwits-emulator {__version__}"


def test_settings_from_the_environment() -> None:
    process, url, lines = start(env={"GIZWITS_EMULATOR_FIXTURE": "empty", "GIZWITS_EMULATOR_SEED": "9",
                                     "GIZWITS_EMULATOR_SPEED": "60"})
    try:
        assert "  accounts" not in lines and not any(" mac " in line for line in lines), lines
        clock = get(f"{url}/_emulator/clock")[1]
        assert clock["mode"] == "speed" and clock["speed"] == 60
    finally:
        stop(process)
    process, url, lines = start("--fixture", "demo", env={"GIZWITS_EMULATOR_FIXTURE": "empty"})
    stop(process)
    assert any("demo@heatzy.test" in line for line in lines), "the command line wins"


@pytest.mark.parametrize("variable,value,message", [
    ("GIZWITS_EMULATOR_PORT", "eighty", "GIZWITS_EMULATOR_PORT='eighty': not a valid int"),
    ("GIZWITS_EMULATOR_SERVER", "gunicorn", "GIZWITS_EMULATOR_SERVER='gunicorn': choose one of uvicorn, hypercorn"),
    ("GIZWITS_EMULATOR_QUIET", "maybe", "GIZWITS_EMULATOR_QUIET='maybe': expected one of 1, true, yes, on"),
])
def test_a_bad_environment_value_is_refused_naming_the_variable(variable: str, value: str, message: str) -> None:
    ran = subprocess.run([sys.executable, "-m", "emulator", "serve"], capture_output=True, text=True, timeout=30,
                         env={**os.environ, variable: value})
    assert ran.returncode == 2 and message in ran.stderr and "Traceback" not in ran.stderr


def test_help_lists_the_environment_variables() -> None:
    parser = build_parser()
    serve_help = next(a for a in parser._actions if a.dest == "command").choices["serve"].format_help()
    for option in ("host", "port", "server", "fixture", "seed", "token_ttl", "admin", "admin_token", "speed",
                   "journal_size", "log_level", "quiet"):
        assert f"GIZWITS_EMULATOR_{option.upper()}" in " ".join(serve_help.split())
    assert "--log-level" in serve_help and "warning and above hide the request" in " ".join(serve_help.split())
