"""``gizwits-emulator env --url URL``: the ``export`` lines that make unmodified processes use an
emulator for the real host names.

Only ``export`` lines and comments, so ``eval "$(gizwits-emulator env --url URL)"`` works in any
POSIX shell:

- ``GIZWITS_EMULATOR_DROPIN``: where the emulator is (address, TLS port, plain port), the
  authority to trust, and for each host name of :data:`emulator.hostnames.HOSTS` the emulator's
  port for each of the real cloud's ports (the Node preload reads that table; the Python hook
  computes the same with :class:`~emulator.testing.redirect.Redirect`);
- ``PYTHONPATH`` gains the folder of the Python startup hook (``sitecustomize``);
- ``NODE_OPTIONS`` gains ``--require=<the Node preload>``, ``NODE_EXTRA_CA_CERTS`` names the
  authority (TLS emulators only);
- comments give the hosts-file lines for ``serve --real-ports``.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from urllib.parse import urlsplit

from ..core.hostnames import is_ip
from ..hostnames import HOSTS
from ..testing.redirect import Redirect

HERE = Path(__file__).resolve().parent
PYTHON_HOOK_DIR = HERE / "pythonpath"
NODE_PRELOAD = HERE / "node" / "preload.cjs"
VARIABLE = "GIZWITS_EMULATOR_DROPIN"


class UnusableURL(ValueError):
    """The URL cannot be used."""


def target(url: str) -> tuple[str, int | None, int | None]:
    """``(address, tls port, plain port)`` of an emulator URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnusableURL(f"--url wants http://HOST:PORT or https://HOST:PORT, got {url!r}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnusableURL(f"--url has no valid port: {url!r}") from None
    tls = parts.scheme == "https"
    return parts.hostname, port if tls else None, None if tls else port


def configuration(url: str, ca_file: Path | None) -> dict[str, object]:
    address, tls_port, plain_port = target(url)
    redirect = Redirect(plain_port, tls_port, None, address=address)
    ports: dict[str, dict[str, int | None]] = {}
    for name in HOSTS.names:
        ports[name] = {}
        for port in HOSTS.ports():
            try:
                ports[name][str(port)] = redirect.port_for(port, secure=False, host=name)
            except ConnectionRefusedError:
                ports[name][str(port)] = None  # no listener of that kind: connections are refused
    return {"url": url, "address": address, "tls_port": tls_port, "plain_port": plain_port,
            "ca": str(ca_file) if ca_file and tls_port else None, "ports": ports}


def lines(url: str, ca_file: Path | None) -> list[str]:
    config = configuration(url, ca_file)
    address = str(config["address"])
    out = [
        f"# gizwits-emulator drop-in: processes started from this shell reach the emulator at {url}",
        f"# when they call {', '.join(HOSTS.names[:3])}, ... ({len(HOSTS.names)} host names). See docs/dropin.md.",
        f"export {VARIABLE}={shlex.quote(json.dumps(config, separators=(',', ':')))}",
        "# Python: a sitecustomize on the path redirects aiohttp, httpx, requests, websockets and",
        "# urllib, and makes every SSL context trust the emulator's authority for those names.",
        f"export PYTHONPATH={shlex.quote(str(PYTHON_HOOK_DIR))}\"${{PYTHONPATH:+:$PYTHONPATH}}\"",
        "# Node: a preload maps the names in dns.lookup and net.connect (http, https, ws, fetch).",
        f"export NODE_OPTIONS={shlex.quote(_node_require())}\"${{NODE_OPTIONS:+ $NODE_OPTIONS}}\"",
    ]
    if config["ca"]:
        out.append(f"export NODE_EXTRA_CA_CERTS={shlex.quote(str(config['ca']))}")
        out.append(f"# Other programs: trust {config['ca']} (curl --cacert, a system trust store).")
    else:
        out.append("# This emulator serves plain HTTP: https:// and wss:// calls to the real names are refused.")
    out.append("# With serve --real-ports, other programs and devices can use these hosts-file lines instead:")
    shown = address if is_ip(address) else "<the emulator's IP address>"
    out.extend(f"#   {shown} {name}" for name in HOSTS.names)
    return out


def _node_require() -> str:
    path = str(NODE_PRELOAD)
    # NODE_OPTIONS splits on spaces; a path with spaces goes in double quotes (Node unquotes it).
    return f'--require="{path}"' if " " in path else f"--require={path}"
