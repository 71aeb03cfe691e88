"""Staying up under slow, idle or too many clients, with uvicorn and hypercorn alike.

:class:`ServerLimits` (from the configuration, ``serve`` options) holds four numbers:

- ``header_timeout``: a connection that has not sent a whole request head this long after
  it opened, or after its last answer, is closed (slow-loris clients, idle half-open
  sockets). Under uvicorn a protocol subclass arms the timer (uvicorn has none of its
  own); hypercorn's idle timer already covers a request head not yet received, so it runs
  with the shorter of this and ``keep_alive_timeout``.
- ``keep_alive_timeout``: an idle keep-alive connection is closed after this.
- ``max_connections``: connections open at once. The listening socket is a
  :class:`GuardedSocket`: past the limit, a new connection makes the one idle the longest
  (nothing received for a while) close, or is itself refused (a 503 and close) when all
  are busy or too many are still closing, so idle sockets never use up the file
  descriptors and new clients keep being served. By default the limit leaves 64
  descriptors of the process's limit free (for the process's own files and the few
  connections still closing).
- ``shutdown_timeout``: on SIGTERM, requests in flight get this long to finish (one held
  by a latency fault included), then they are cancelled and the process stops.

These run on real monotonic time, never the emulator's clock.
"""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import threading
import time
from typing import Any

from msgspec import Struct

#: A connection this long without receiving anything may be closed to admit a new one.
EVICTABLE_AFTER = 1.0
#: Connections told to close whose server has not closed them yet (each still holds a descriptor):
#: past this many, new connections are refused rather than admitted against more of them.
MAX_CLOSING = 16
_BUSY = b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


def descriptor_limit() -> int:
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class ServerLimits(Struct, frozen=True):
    header_timeout: float = 10.0
    keep_alive_timeout: float = 5.0
    #: None: the process's file descriptor limit less 64.
    max_connections: int | None = None
    shutdown_timeout: float = 3.0

    def connections(self) -> int:
        if self.max_connections is not None:
            return max(1, self.max_connections)
        limit = descriptor_limit()
        return max(16, limit - 64) if limit != resource.RLIM_INFINITY else 65536


class _Connection(socket.socket):
    """An accepted connection that tells its listener when it last received and when it closes."""

    guard: GuardedSocket
    last_received: float

    def recv(self, size: int, flags: int = 0) -> bytes:
        self.last_received = time.monotonic()
        return super().recv(size, flags)

    def recv_into(self, buffer: Any, size: int = 0, flags: int = 0) -> int:
        self.last_received = time.monotonic()
        return super().recv_into(buffer, size, flags)

    def close(self) -> None:
        guard = getattr(self, "guard", None)
        if guard is not None:
            guard.closed(self)
        super().close()


class GuardedSocket(socket.socket):
    """A listening socket that keeps at most ``limit`` accepted connections open."""

    def __init__(self, listening: socket.socket, limit: int) -> None:
        super().__init__(listening.family, listening.type, listening.proto, fileno=listening.detach())
        self.limit = limit
        self._open: dict[_Connection, None] = {}
        #: Evicted: shut down, still open until their server notices.
        self._closing: dict[_Connection, None] = {}
        self._lock = threading.Lock()
        #: Connections closed to admit new ones, and connections refused (for tests and the log).
        self.evicted = 0
        self.refused = 0

    def accept(self) -> tuple[socket.socket, Any]:
        fd, address = self._accept()  # type: ignore[attr-defined]
        connection = _Connection(self.family, self.type, self.proto, fileno=fd)
        if socket.getdefaulttimeout() is None and self.gettimeout():
            connection.setblocking(True)
        connection.last_received = time.monotonic()
        if not self._admit(connection):
            with contextlib.suppress(OSError):
                connection.setblocking(False)
                connection.send(_BUSY)
            connection.close()
            raise ConnectionAbortedError("too many connections")  # asyncio skips an aborted accept
        return connection, address

    def _admit(self, connection: _Connection) -> bool:
        with self._lock:
            if len(self._open) + len(self._closing) >= self.limit:
                idle = min(self._open, key=lambda c: c.last_received) if self._open else None
                if (idle is None or len(self._closing) >= MAX_CLOSING
                        or time.monotonic() - idle.last_received < EVICTABLE_AFTER):
                    self.refused += 1
                    return False
                del self._open[idle]
                self._closing[idle] = None
                self.evicted += 1
                with contextlib.suppress(OSError):
                    idle.shutdown(socket.SHUT_RDWR)  # its server sees the end and closes it
            connection.guard = self
            self._open[connection] = None
            return True

    def closed(self, connection: _Connection) -> None:
        with self._lock:
            self._open.pop(connection, None)
            self._closing.pop(connection, None)

    @property
    def open_connections(self) -> int:
        return len(self._open)


def guard(listening: socket.socket, limits: ServerLimits) -> socket.socket:
    """The listening socket, guarded; as it is where no new socket object may be made (a test
    harness that forbids them, as Home Assistant's does): timeouts then apply, the cap does not."""
    if isinstance(listening, GuardedSocket):
        return listening
    duplicate = os.dup(listening.fileno())
    try:
        guarded = GuardedSocket(socket.socket(listening.family, listening.type, listening.proto,
                                              fileno=duplicate), limits.connections())
    except Exception:
        with contextlib.suppress(OSError):
            os.close(duplicate)
        return listening
    listening.close()
    return guarded


def uvicorn_protocol(limits: ServerLimits) -> type:
    """uvicorn's h11 protocol with a request-head timeout (from connection and after each answer)."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeadTimeoutProtocol(H11Protocol):
        _head_timer: Any = None

        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
            self._head_timer = self.loop.call_later(limits.header_timeout, self._head_timed_out)

        def _head_timed_out(self) -> None:
            if self.cycle is None or self.cycle.response_complete:  # no request in progress
                self.transport.close()

    return HeadTimeoutProtocol
