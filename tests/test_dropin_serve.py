"""``serve --tls``: HTTPS and WSS on the port with the kept authority; the banner names the CA file;
a client that trusted the CA once keeps working after restarts; both servers."""

from __future__ import annotations

import json
import ssl
import urllib.request
from pathlib import Path

import pytest
from support_dropin import Served
from websockets.sync.client import connect


def status(url: str, ca_file: Path) -> int:
    context = ssl.create_default_context(cafile=str(ca_file))
    with urllib.request.urlopen(f"{url}/status", context=context, timeout=10) as answer:
        return int(answer.status)


@pytest.mark.parametrize("server", ["uvicorn", "hypercorn"])
def test_https_and_wss_on_the_port(tmp_path: Path, server: str) -> None:
    with Served("--port", "0", "--tls", "--server", server, "--cert-dir", str(tmp_path), "--fixture", "empty") as s:
        assert s.url.startswith("https://127.0.0.1:") and s.ca_file == tmp_path / "ca.pem"
        assert f"  CA certificate   {tmp_path / 'ca.pem'}" in s.lines
        assert f"  WebSocket        wss://127.0.0.1:{s.port}/ws/app/v1" in s.lines
        assert f'  drop-in          eval "$(gizwits-emulator env --url {s.url} --cert-dir {tmp_path})"' in s.lines
        assert status(s.url, s.ca_file) == 200
        context = ssl.create_default_context(cafile=str(s.ca_file))
        with connect(f"wss://localhost:{s.port}/ws/app/v1", ssl=context) as ws:
            ws.send(json.dumps({"cmd": "ping"}))
            assert json.loads(ws.recv(timeout=10))["data"]["error_code"] == 1003
        with pytest.raises(OSError):  # plain HTTP clients get no answer from a TLS port
            urllib.request.urlopen(f"http://127.0.0.1:{s.port}/status", timeout=5)


def test_the_authority_survives_restarts(tmp_path: Path) -> None:
    with Served("--port", "0", "--tls", "--cert-dir", str(tmp_path), "--fixture", "empty") as first:
        trusted = first.ca_file.read_bytes()  # type: ignore[union-attr]
    saved = tmp_path / "trusted-once.pem"
    saved.write_bytes(trusted)
    with Served("--port", "0", "--tls", "--cert-dir", str(tmp_path), "--fixture", "empty",
                "--host", "127.0.0.2") as second:
        assert second.ca_file.read_bytes() == trusted  # type: ignore[union-attr]
        assert status(second.url, saved) == 200  # a new address, a new server certificate, the same authority


def test_an_unusable_cert_dir_is_a_clear_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "authority.pem").write_text("garbage")
    done = subprocess.run([sys.executable, "-m", "emulator", "serve", "--port", "0", "--tls", "--cert-dir",
                           str(tmp_path)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "is not a key and certificate" in done.stderr and "Traceback" not in done.stderr
