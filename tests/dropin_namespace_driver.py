"""Run inside a private network namespace by tests/test_dropin_real_ports.py (not a test module).

``python dropin_namespace_driver.py CERT_DIR SERVER [serve options...]`` starts ``gizwits-emulator
serve --tls --real-ports`` with those options on 127.0.0.1, then calls the real host names the way
an unmodified program does: the names resolve through the namespace's own /etc/hosts or
/etc/resolv.conf (mounted by the test), the ports are the real cloud's, and TLS is checked
against the kept authority. Prints one JSON document of what it saw.
"""

from __future__ import annotations

import json
import socket
import ssl
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from support_dropin import Served
from websockets.sync.client import connect


def status(url: str, context: ssl.SSLContext | None) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=10, context=context) as answer:
            return [answer.status, json.loads(answer.read())]
    except (urllib.error.URLError, OSError) as error:
        return f"{type(error).__name__}: {error}"


def ping(url: str, context: ssl.SSLContext | None) -> Any:
    try:
        with connect(url, ssl=context, open_timeout=10) as ws:
            ws.send(json.dumps({"cmd": "ping"}))
            return json.loads(ws.recv(timeout=10))["data"]["error_code"]
    except (OSError, ssl.SSLError, TimeoutError) as error:
        return f"{type(error).__name__}: {error}"


def resolve(name: str) -> Any:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(name, 443, type=socket.SOCK_STREAM)})
    except socket.gaierror as error:
        return f"gaierror: {error}"


def main() -> None:
    cert_dir, server, *options = sys.argv[1:]
    seen: dict[str, Any] = {}
    with Served("--host", "127.0.0.1", "--port", "8000", "--tls", "--real-ports", "--cert-dir", cert_dir,
                "--server", server, *options) as served:
        seen["banner"] = served.lines
        context = ssl.create_default_context(cafile=str(Path(cert_dir) / "ca.pem"))
        seen["https 443"] = status("https://euapi.gizwits.com/status", context)
        seen["http 80"] = status("http://api.gizwits.com/status", None)
        seen["https 8000"] = status("https://usapi.gizwits.com:8000/status", context)
        seen["wss 8880"] = ping("wss://eusandbox.gizwits.com:8880/ws/app/v1", context)
        seen["ws 8080"] = ping("ws://eum2m.gizwits.com:8080/ws/app/v1", None)
        seen["https 8080"] = status("https://eu-pconnect2.coolkit.cc:8080/status", context)
        seen["resolved"] = {name: resolve(name) for name in ("euapi.gizwits.com", "USM2M.gizwits.com",
                                                             "example.com")}
        seen["exit"] = served.stop()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
