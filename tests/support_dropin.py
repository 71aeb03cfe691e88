"""Helpers for the drop-in tests: ``gizwits-emulator serve`` as a real process (TLS or not), the
``env`` output applied by a real POSIX shell, and a private network namespace for the real
ports (443, 80, 8880, 8080, DNS on 53) so those tests never touch the machine's own ports."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "emulator"]
DEMO = ("demo@heatzy.test", "heatzy-demo")


class Served:
    """A running ``gizwits-emulator serve``: its URL, banner lines and the CA it printed."""

    def __init__(self, *args: str, cwd: Path | None = None) -> None:
        self.process = subprocess.Popen([*CLI, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, cwd=cwd, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.lines: list[str] = []
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if line.startswith("Press Ctrl+C"):
                break
        else:
            self.process.wait(10)
            raise AssertionError("serve ended before its banner:\n" + "\n".join(self.lines))
        banner = "\n".join(self.lines)
        self.url = re.search(r"listening on (https?://\S+)", banner).group(1)  # type: ignore[union-attr]
        found = re.search(r"CA certificate\s+(\S+)", banner)
        self.ca_file = Path(found.group(1)) if found else None
        self.port = int(self.url.rsplit(":", 1)[1])
        # The request log goes on after the banner: keep reading it, so a full pipe never stalls the server.
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()

    def _read_log(self) -> None:
        assert self.process.stdout is not None
        with contextlib.suppress(ValueError, OSError):  # closed under us by stop()
            for line in self.process.stdout:
                self.lines.append(line.rstrip())

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
            raise AssertionError("serve did not stop on SIGINT") from None
        finally:
            self._reader.join(5)
            if self.process.stdout is not None:
                self.process.stdout.close()

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process.poll() is None:
            self.stop()


def env_output(url: str, *options: str) -> str:
    done = subprocess.run([*CLI, "env", "--url", url, *options], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


def under_env(url: str, command: Sequence[str], *options: str, shell: str = "sh", cwd: Path | None = None,
              extra_env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``command`` from a POSIX shell that did ``eval "$(gizwits-emulator env --url URL ...)"``."""
    env_command = " ".join(_quote(part) for part in [*CLI, "env", "--url", url, *options])
    script = f'eval "$({env_command})" && exec "$@"'
    return subprocess.run([shell, "-c", script, shell, *command], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env={**os.environ, **(extra_env or {})})


def _quote(part: str) -> str:
    import shlex

    return shlex.quote(part)


def admin(url: str, path: str, body: dict[str, Any] | None = None, *, cafile: Path | None = None) -> Any:
    import ssl

    context = ssl.create_default_context(cafile=str(cafile)) if cafile else None
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{url}/_emulator{path}", data=data, method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10, context=context) as answer:
        return json.loads(answer.read())


# -- a private network namespace -----------------------------------------------------------------------
def namespace_prefix() -> list[str]:
    """The command prefix that runs a command in a new network (and mount) namespace with its own
    loopback up: ports there are nobody else's. Skips, saying why, where namespaces cannot be made."""
    unshare, ip = shutil.which("unshare"), shutil.which("ip")
    if unshare is None or ip is None:
        pytest.skip("unshare and ip (util-linux, iproute2) are needed to test the real ports in a private "
                    "network namespace")
    probe = subprocess.run([unshare, "--user", "--map-root-user", "--net", "--mount", "sh", "-c",
                            f"{ip} link set lo up"], capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip(f"this machine cannot make a private network namespace here ({probe.stderr.strip()})")
    return [unshare, "--user", "--map-root-user", "--net", "--mount"]


def in_namespace(script: Path, *args: str, setup: str = "", timeout: float = 120) -> dict[str, Any]:
    """Run a Python ``script`` (which prints one JSON document) in a private network namespace,
    after the shell lines ``setup`` (e.g. bind-mounting a hosts file)."""
    prefix = namespace_prefix()
    shell = f"ip link set lo up && {setup} exec \"$@\""
    done = subprocess.run([*prefix, "sh", "-c", shell, "sh", sys.executable, str(script), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert done.returncode == 0, f"stdout:\n{done.stdout[-4000:]}\nstderr:\n{done.stderr[-4000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]
