"""``serve --tls --real-ports`` (and ``--dns 53``) where the real cloud listens: 443, 80, 8880, 8080.

Each test runs in a private network namespace (its own loopback; nobody else's ports), where the
real host names resolve the way a container's or a device's would: through an /etc/hosts made of
the lines ``gizwits-emulator env`` prints, or through an /etc/resolv.conf naming the emulator's
DNS responder. The clients are unmodified (urllib, websockets) and only trust the kept authority.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from support_dropin import ROOT, env_output, in_namespace, namespace_prefix

DRIVER = Path(__file__).with_name("dropin_namespace_driver.py")
STATUS = [200, {"status": {"version": "2.36.0"}}]


def hosts_file(tmp_path: Path) -> Path:
    """/etc/hosts for the namespace: localhost, and the lines the env command prints for --real-ports."""
    printed = env_output("https://127.0.0.1:8000", "--cert-dir", str(tmp_path / "ca"))
    lines = [line.removeprefix("#").strip() for line in printed.splitlines() if line.startswith("#   127.0.0.1 ")]
    path = tmp_path / "hosts"
    path.write_text("127.0.0.1 localhost\n" + "\n".join(lines) + "\n")
    return path


def test_the_real_ports_serve_https_http_wss_and_ws_to_hosts_file_names(tmp_path: Path) -> None:
    hosts = hosts_file(tmp_path)
    assert hosts.read_text().count("gizwits.com") == 8
    seen = in_namespace(DRIVER, str(tmp_path / "ca"), "uvicorn", setup=f"mount --bind {hosts} /etc/hosts &&")
    assert seen["https 443"] == seen["http 80"] == seen["https 8000"] == STATUS
    assert seen["wss 8880"] == seen["ws 8080"] == 1003  # the WebSocket answers: not logged in yet
    assert seen["resolved"]["euapi.gizwits.com"] == ["127.0.0.1"]
    assert seen["https 8080"] == STATUS  # CoolKit's WebSocket domains: TLS on the port Gizwits' ws shares
    assert "  real ports       80, 443 (TLS), 8080 (tls or plain), 8880 (TLS)" in seen["banner"]
    assert seen["exit"] == 0


def test_the_dns_responder_is_the_resolver_of_a_namespace(tmp_path: Path) -> None:
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("nameserver 127.0.0.1\noptions timeout:2 attempts:1\n")
    seen = in_namespace(DRIVER, str(tmp_path / "ca"), "hypercorn", "--dns", "53",
                        setup=f"mount --bind {resolv} /etc/resolv.conf &&")
    assert seen["resolved"]["euapi.gizwits.com"] == seen["resolved"]["USM2M.gizwits.com"] == ["127.0.0.1"]
    assert seen["resolved"]["example.com"].startswith("gaierror")  # refused: it resolves nothing else
    assert seen["https 443"] == seen["http 80"] == STATUS
    assert seen["wss 8880"] == seen["ws 8080"] == 1003
    assert any(line.startswith("  DNS") and "port 53" in line for line in seen["banner"])
    assert seen["exit"] == 0


def run_in_namespace(shell: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*namespace_prefix(), "sh", "-c", f"ip link set lo up && {shell}"], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    code = 'import socket, time; s = socket.socket(); s.bind(("127.0.0.1", 8880)); s.listen(); time.sleep(30)'
    holder = f"{sys.executable} -c {shlex.quote(code)}"
    serve = f"{sys.executable} -m emulator serve --port 8000 --real-ports --cert-dir {tmp_path}"
    done = run_in_namespace(f"{holder} >/dev/null 2>&1 & sleep 0.5; {serve}; code=$?; kill $!; exit $code")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot listen on 127.0.0.1:8880 (--real-ports): the port is in use by another program" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_privileged_port_without_the_privilege_is_a_clear_error(tmp_path: Path) -> None:
    serve = f"setpriv --bounding-set -net_bind_service {sys.executable} -m emulator serve --port 8000 --real-ports " \
            f"--cert-dir {tmp_path}"
    done = run_in_namespace(serve)
    if "setpriv" in done.stderr and done.returncode not in (0, 2):
        pytest.skip(f"setpriv cannot drop the capability here: {done.stderr.strip()}")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot listen on 127.0.0.1:80 (--real-ports): permission denied: ports below 1024 need root" in done.stderr


def test_a_main_port_that_contradicts_the_real_ports_is_refused(tmp_path: Path) -> None:
    done = run_in_namespace(f"{sys.executable} -m emulator serve --port 443 --real-ports --cert-dir {tmp_path}")
    assert done.returncode == 2
    assert "--port 443 is TLS with --real-ports: add --tls or choose another --port" in done.stderr
