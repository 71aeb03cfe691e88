"""``gizwits-emulator serve`` as a real process on a free port, its output read as it comes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any


class Served:
    """A running ``serve``: ``.url``, ``.banner`` (its lines), ``.output()`` (every line after the banner)."""

    def __init__(self, *args: str, env: Mapping[str, str] | None = None, stdout: Any = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "emulator", "serve", *(() if "--port" in args else ("--port", "0")), *args],
            stdout=stdout or subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        self.banner: list[str] = []
        self._after: list[str] = []
        self._lock = threading.Lock()
        self.url = ""
        if stdout is None:
            self._read_banner()
            self._reader = threading.Thread(target=self._read_rest, daemon=True)
            self._reader.start()

    def _read_banner(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.banner.append(line.rstrip("\n"))
            match = re.search(r"listening on (http://\S+)", line)
            if match:
                self.url = match.group(1)
            if line.startswith("Press Ctrl+C"):
                return
        self.process.wait(timeout=10)
        self.process.stdout.close()
        raise AssertionError("serve stopped before its banner ended:\n" + "\n".join(self.banner))

    def _read_rest(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._lock:
                self._after.append(line.rstrip("\n"))

    def output(self) -> list[str]:
        with self._lock:
            return list(self._after)

    def wait_for(self, pattern: str, timeout: float = 10.0) -> str:
        """The first line after the banner matching ``pattern`` (a regular expression), waiting for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in self.output() if re.search(pattern, line)]
            if found:
                return found[0]
            time.sleep(0.02)
        raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.output()))

    def stop(self) -> list[str]:
        """Stop as Ctrl+C does; every line printed after the banner."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            if hasattr(self, "_reader"):
                self._reader.join(timeout=5)
            self.process.stdout.close()
        return self.output()

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
