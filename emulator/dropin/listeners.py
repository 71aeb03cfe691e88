"""Several listening sockets, plain and TLS, serving one application: ``serve --tls --real-ports``.

Each socket gets its own server (uvicorn or hypercorn, through :func:`emulator.server.runner`,
so every option the servers take applies to each); the first to stop (Ctrl+C, SIGTERM, an
error) stops the others. A port that cannot be bound is reported with what to do about it.
"""

from __future__ import annotations

import asyncio
import errno
import socket
from collections.abc import Callable, Sequence
from typing import Any

from msgspec import Struct
from starlette.types import ASGIApp

from ..server import bind_socket, runner
from .sniffing import SniffingFront


class ListenError(Exception):
    """A port could not be bound; the message says why and what to do."""


class Listener(Struct):
    sock: socket.socket
    tls: bool
    #: A real port that is TLS for some host names and plain for others: a front tells them apart
    #: and relays to the first TLS and the first plain listener (:mod:`.sniffing`).
    either: bool = False

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])


def why_not(error: OSError, port: int) -> str:
    if error.errno in (errno.EACCES, errno.EPERM):
        return (f"permission denied: ports below 1024 need root or the CAP_NET_BIND_SERVICE capability "
                f"(on Linux also: sysctl net.ipv4.ip_unprivileged_port_start={port}); in Docker, publish the "
                f"container's ports instead (docker run -p {port}:{port} ...)")
    if error.errno == errno.EADDRINUSE:
        return f"the port is in use by another program (ss -ltnp 'sport = :{port}' shows which)"
    if error.errno == errno.EADDRNOTAVAIL:
        return "this machine has no such address"
    return str(error.strerror or error)


def listen(host: str, port: int, *, tls: bool, purpose: str = "", either: bool = False) -> Listener:
    try:
        return Listener(bind_socket(host, port), tls, either)
    except OSError as error:
        shown = f"[{host}]" if ":" in host else host
        raise ListenError(f"cannot listen on {shown}:{port}{f' ({purpose})' if purpose else ''}: "
                          f"{why_not(error, port)}") from None


async def serve_all(server: str, app: ASGIApp, listeners: Sequence[Listener], *, certfile: str | None,
                    started: Callable[[], None] | None = None, **options: Any) -> None:
    """Serve ``app`` on every listener (TLS ones with ``certfile``) until one of them stops."""
    serve = runner(server)
    waiting = len(listeners)

    def one_started() -> None:
        nonlocal waiting
        waiting -= 1
        if waiting == 0 and started is not None:
            started()

    served = [listener for listener in listeners if not listener.either]
    tasks = [asyncio.ensure_future(serve(app, listener.sock, started=one_started,
                                         certfile=certfile if listener.tls else None, **options))
             for listener in served]
    tasks += [asyncio.ensure_future(_front(listener, served).serve(one_started))
              for listener in listeners if listener.either]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]


def _front(listener: Listener, served: Sequence[Listener]) -> SniffingFront:
    """The front of a TLS-or-plain port, relaying to the first TLS and the first plain listener."""

    def target(tls: bool) -> tuple[str, int]:
        found = next((other for other in served if other.tls == tls), None)
        if found is None:
            raise ListenError(f"port {listener.port} speaks TLS and plain: it needs a TLS and a plain listener")
        host = str(found.sock.getsockname()[0])
        if host in ("0.0.0.0", "::"):  # a wildcard listener: reach it on loopback
            host = "::1" if host == "::" else "127.0.0.1"
        return host, found.port

    return SniffingFront(listener.sock, tls_target=target(True), plain_target=target(False))
