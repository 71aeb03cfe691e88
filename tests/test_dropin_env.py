"""``gizwits-emulator env --url URL``: only ``export`` lines and comments, and what they do to an
unmodified Python process started from a shell that evaluated them (the ``sitecustomize`` hook):
aiohttp, httpx, requests, websockets and urllib reach the emulator for the real host names, and
every SSL context (default, certifi-based, made before any library is imported) trusts it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from support_dropin import CLI, Served, admin, env_output, under_env

from emulator.dropin.environment import NODE_PRELOAD, PYTHON_HOOK_DIR
from emulator.hostnames import HOSTS


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with Served("--port", "0", "--tls", "--cert-dir", str(tmp_path_factory.mktemp("ca"))) as served:
        yield served


def cert_dir(served: Served) -> str:
    assert served.ca_file is not None
    return str(served.ca_file.parent)


def test_only_export_lines_and_comments(served: Served) -> None:
    output = env_output(served.url, "--cert-dir", cert_dir(served))
    for line in output.splitlines():
        assert line.startswith(("export ", "#")), line
    exported = [line.split("=", 1)[0].removeprefix("export ") for line in output.splitlines()
                if line.startswith("export")]
    assert exported == ["GIZWITS_EMULATOR_DROPIN", "PYTHONPATH", "NODE_OPTIONS", "NODE_EXTRA_CA_CERTS"]
    assert [line for line in output.splitlines() if line.startswith("#   ")] == [
        f"#   127.0.0.1 {name}" for name in HOSTS.names]


@pytest.mark.parametrize("shell", ["sh", "bash", "dash"])
def test_any_posix_shell_evaluates_it(served: Served, shell: str) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    script = 'printf "%s\\n" "$PYTHONPATH" "$NODE_OPTIONS" "$NODE_EXTRA_CA_CERTS"'
    done = under_env(served.url, ["sh", "-c", script], "--cert-dir", cert_dir(served), shell=shell,
                     extra_env={"PYTHONPATH": "/already/there", "NODE_OPTIONS": "--max-old-space-size=100"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"{PYTHON_HOOK_DIR}:/already/there",
                                        f"--require={NODE_PRELOAD} --max-old-space-size=100", str(served.ca_file)]


def test_unusable_urls_and_files_are_refused() -> None:
    for arguments, message in ((["--url", "ftp://x"], "--url wants http://HOST:PORT or https://HOST:PORT"),
                               (["--url", "https://h:notaport"], "--url has no valid port"),
                               (["--url", "https://h", "--ca", "/nonexistent.pem"], "--ca /nonexistent.pem: no such")):
        done = subprocess.run([*CLI, "env", *arguments], capture_output=True, text=True, timeout=30)
        assert done.returncode == 2 and message in done.stderr and done.stdout == ""


CLIENTS = textwrap.dedent('''
    import ssl, json, asyncio
    import certifi
    # Made before any client library is imported, the way Home Assistant makes its own:
    early = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    early.load_verify_locations(cafile=certifi.where())
    import aiohttp, httpx, requests, urllib.request, websockets

    async def with_aiohttp():
        out = []
        for context in (True, early, ssl.create_default_context(cafile=certifi.where())):
            connector = aiohttp.TCPConnector(ssl=context)
            async with aiohttp.ClientSession(connector=connector) as session:
                async with session.get("https://euapi.gizwits.com/status") as answer:
                    out.append(answer.status)
        return out

    async def with_websockets():
        async with websockets.connect("wss://eusandbox.gizwits.com:8880/ws/app/v1") as ws:
            await ws.send(json.dumps({"cmd": "ping"}))
            return json.loads(await ws.recv())["data"]["error_code"]

    seen = {"aiohttp": asyncio.run(with_aiohttp()),
            "httpx": httpx.get("https://usapi.gizwits.com/status").status_code,
            "requests": requests.get("https://api.gizwits.com/status", timeout=10).status_code,
            "urllib": urllib.request.urlopen("https://euapi.gizwits.com/status", timeout=10).status,
            "urllib_certifi": urllib.request.urlopen("https://euapi.gizwits.com/status", timeout=10,
                                                     context=ssl.create_default_context(cafile=certifi.where())).status,
            "websockets": asyncio.run(with_websockets())}
    print(json.dumps(seen))
''')


def test_an_unmodified_python_process_reaches_the_emulator(served: Served, tmp_path: Path) -> None:
    before = len(admin(served.url, "/journal?path=/status", cafile=served.ca_file))
    script = tmp_path / "clients.py"
    script.write_text(CLIENTS)
    done = under_env(served.url, [sys.executable, str(script)], "--cert-dir", cert_dir(served))
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout) == {"aiohttp": [200, 200, 200], "httpx": 200, "requests": 200, "urllib": 200,
                                       "urllib_certifi": 200, "websockets": 1003}
    hosts = [entry["headers"]["host"] for entry in admin(served.url, "/journal?path=/status",
                                                         cafile=served.ca_file)[before:]]
    assert sorted(hosts) == sorted(["euapi.gizwits.com"] * 5 + ["usapi.gizwits.com", "api.gizwits.com"])


def test_without_the_variable_the_hook_does_nothing(tmp_path: Path) -> None:
    code = "import socket, sys; print(socket.getaddrinfo.__module__, 'aiohttp' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30,
                          env={**os.environ, "PYTHONPATH": str(PYTHON_HOOK_DIR)})
    assert done.stdout.split() == ["socket", "False"]
    assert done.stderr == ""


def test_the_hook_loads_nothing_it_does_not_need(served: Served) -> None:
    code = "import sys; print(sorted(m for m in ('aiohttp', 'httpx', 'requests', 'starlette') if m in sys.modules))"
    done = under_env(served.url, [sys.executable, "-c", code], "--cert-dir", cert_dir(served))
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr


def test_the_hook_runs_the_sitecustomize_it_hides(served: Served, tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text("print('the project sitecustomize ran')\n")
    code = "import urllib.request; print(urllib.request.urlopen('https://euapi.gizwits.com/status').status)"
    done = under_env(served.url, [sys.executable, "-c", code], "--cert-dir", cert_dir(served),
                     extra_env={"PYTHONPATH": str(tmp_path)})
    assert done.stdout.splitlines() == ["the project sitecustomize ran", "200"], done.stderr


def test_a_broken_variable_warns_and_breaks_nothing() -> None:
    done = subprocess.run([sys.executable, "-c", "print('still running')"], capture_output=True, text=True,
                          timeout=30, env={**os.environ, "PYTHONPATH": str(PYTHON_HOOK_DIR),
                                           "GIZWITS_EMULATOR_DROPIN": "{not json"})
    assert done.stdout == "still running\n"
    assert "gizwits-emulator drop-in: GIZWITS_EMULATOR_DROPIN is not usable" in done.stderr
    assert "nothing is redirected" in done.stderr


def bare_interpreter() -> str:
    """A Python without the emulator or its dependencies installed, if this machine has one."""
    candidates = [shutil.which(name) for name in ("python3.13", "python3.12", "python3")]
    candidates += [str(p) for p in sorted(Path("/root/.pyenv/versions").glob("3.1[2-9]*/bin/python3"))]
    candidates += ["/usr/bin/python3"]
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import importlib.util as u; print(u.find_spec('starlette'))"],
                               capture_output=True, text=True, timeout=30)
        if probe.returncode == 0 and probe.stdout.strip() == "None":
            return candidate
    pytest.skip("no Python without the emulator's dependencies on this machine, to run the hook alone in")


def test_the_hook_works_in_a_python_without_the_emulator(served: Served) -> None:
    python = bare_interpreter()
    code = ("import urllib.request, sys; print(urllib.request.urlopen('https://euapi.gizwits.com/status').read()"
            ".decode(), 'emulator' in sys.modules)")
    done = under_env(served.url, [python, "-c", code], "--cert-dir", cert_dir(served))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ['{"status":{"version":"2.36.0"}}', "False"]


def test_against_a_plain_emulator_tls_calls_are_refused_not_sent_to_the_real_cloud() -> None:
    with Served("--port", "0", "--fixture", "empty") as plain:
        code = textwrap.dedent('''
            import urllib.request, urllib.error
            print(urllib.request.urlopen("http://euapi.gizwits.com/status", timeout=10).status)
            try:
                urllib.request.urlopen("https://euapi.gizwits.com/status", timeout=10)
            except urllib.error.URLError as error:
                print(type(error.reason).__name__)
        ''')
        done = under_env(plain.url, [sys.executable, "-c", code])
    assert done.stdout.split() == ["200", "ConnectionRefusedError"], done.stderr
