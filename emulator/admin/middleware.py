"""The HTTP side of the test control plane: admin access, fault rules and the request journal.

An ASGI middleware in front of the emulated API. For every request outside
``/_emulator`` it asks the cloud's fault rules what to do (add latency, answer an
error, a bare 5xx, throttle with 9041/429, or drop the connection), lets the request
through otherwise, and records it in the journal just before the answer leaves (so a
client holding its answer always finds its request there). Requests to
``/_emulator`` are not recorded and no fault applies to them; they need the admin
token when one is configured.

A client that goes away before its request body is whole (it disconnected, or closed its
side) is a normal event: one line in the log, a 9015 answer (heard only by a client that
closed its sending side), the request journaled; the app never sees the request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import request_log
from ..core import bodies
from ..core import headers as header_reading
from ..core.faults import FaultRule, RequestInfo
from ..core.journal import BODY_CHARS, NOT_EMULATED, Answered
from ..core.world import World
from ..gizwits.errors import error_body
from ..responses import JSONResponse
from .access import ADMIN_PREFIX, TOKEN_HEADER, needs_token, token_accepted

#: Response bodies read to find a 9xxx ``error_code`` (error bodies are small).
ERROR_BODY_LIMIT = 4 * 1024


log = logging.getLogger("emulator")


class ConnectionDropped(ConnectionError):
    """A ``drop`` fault on a server that cannot abort the connection itself (in-process ASGI)."""


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""


class Surface(Protocol):
    """One cloud's HTTP side, as the control plane sees it (``emulator/<cloud>/api/surface.py``)."""

    name: str
    #: True when the cloud answers errors in an HTTP 200 envelope (the journal then reads 200 bodies).
    envelope_errors: bool

    def claims(self, path: str) -> bool: ...

    def request_info(self, scope: Any, headers: header_reading.Reading, method: str, now: float,
                     client: str) -> RequestInfo: ...

    def fault_response(self, rule: FaultRule) -> Response: ...

    def error_code(self, status: int, body: bytes) -> int | None: ...


#: Response header marking an answer of "no such route" (the journal's ``emulated`` false).
NOT_EMULATED_HEADER = "x-emulator-not-emulated"
_NOT_EMULATED_NAME = NOT_EMULATED_HEADER.encode()


def surface_for(app: Any, path: str) -> Surface:
    """The surface of the cloud whose request this is (the first that claims the path)."""
    surfaces: list[Surface] = app.surfaces
    for surface in surfaces:
        if surface.claims(path):
            return surface
    raise LookupError(path)  # the last surface claims every path


def request_info(surface: Surface, scope: Scope, headers: header_reading.Reading, now: float) -> RequestInfo:
    """What fault rules can match on. Call with the world's lock held."""
    method = "WEBSOCKET" if scope["type"] == "websocket" else scope["method"]
    return surface.request_info(scope, headers, method, now, _client(scope))


#: Scope key set by the in-process transport (``Emulator.transport``): there is no socket to drop.
IN_PROCESS = "gizwits_emulator.in_process"


async def drop_connection(scope: Scope, receive: Receive, send: Send) -> None:
    """End the exchange without an answer.

    Under uvicorn the ASGI callables belong to the connection's request cycle, whose
    transport is aborted: the client sees the connection close with nothing received.
    In-process, :class:`ConnectionDropped` is raised for the transport to turn into the
    error a network client would get. Under other servers (hypercorn) the answer is cut
    short instead: a status line promising a body that never comes, after which the
    server closes the connection.
    """
    for channel in (receive, send):
        transport = getattr(getattr(channel, "__self__", None), "transport", None)
        if transport is not None and hasattr(transport, "abort"):
            transport.abort()
            await asyncio.sleep(0)  # let the server see the connection is gone
            return
    if scope.get(IN_PROCESS):
        raise ConnectionDropped("connection dropped by a fault rule")
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


class ControlPlaneMiddleware:
    #: How latency is waited for; tests replace it to observe the delay without waiting.
    sleep: Callable[[float], Awaitable[Any]] = staticmethod(asyncio.sleep)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        world: World = scope["app"].world
        reading = header_reading.of(scope)
        if scope["path"] == ADMIN_PREFIX or scope["path"].startswith(ADMIN_PREFIX + "/"):
            if scope["type"] == "http" and scope["method"] != "GET" and request_log.enabled():
                send = _admin_logged(world, scope, send)
            if (scope["type"] == "http" and needs_token(scope["method"], scope["path"])
                    and not token_accepted(world.config, reading.joined)):
                detail = f"the admin API needs the {TOKEN_HEADER} header (a user token is not enough)"
                await JSONResponse(error_body(9999, detail), status_code=401)(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        await self._emulated(world, scope, reading, receive, send)

    async def _emulated(self, world: World, scope: Scope, reading: header_reading.Reading, receive: Receive,
                        send: Send) -> None:
        started = time.perf_counter()
        body, complete, replay, gone = b"", True, receive, False
        if scope["type"] == "http" and _may_have_body(scope, reading):
            body, complete, replay, gone = await _buffer(receive, world.config.max_body_bytes)
            if complete:
                scope[bodies.SCOPE_KEY] = body  # the endpoint reads it from there (see bodies.received)
        surface = surface_for(scope["app"], scope["path"])
        with world.lock:
            now = world.now()
            info = request_info(surface, scope, reading, now)
            outcome = world.faults.decide(info, now)
        if outcome.delay > 0:
            await self.sleep(outcome.delay)

        def record(answer: _Answer) -> None:
            logged = request_log.enabled()
            with world.lock:
                answered = Answered(  # in the order of its fields (see Answered)
                    world.now(), info, scope.get("query_string", b""), reading, body[:BODY_CHARS * 4], len(body),
                    complete, answer.status, answer.error_code(),
                    (time.perf_counter() - started) * 1000, outcome.fired, scope["type"] == "websocket")
                entry = world.journal.record(answered, make=logged)
            if entry is not None and logged:
                request_log.log_request(entry)

        answer = _Answer(send, record, surface)
        try:
            if gone:
                log.warning("client %s went away after %d bytes of the body of %s %s", info.client or "?", len(body),
                            info.method, scope["path"])
                await JSONResponse(error_body(9015, "the client closed the connection before the end of the body"),
                                   status_code=400)(scope, replay, answer.send)
            elif outcome.rule is None:
                await self.app(scope, replay, answer.send)
            elif outcome.rule.action == "drop":
                await drop_connection(scope, receive, send)
            elif scope["type"] == "websocket":
                await answer.send({"type": "websocket.close", "code": 1013})
            else:
                await surface.fault_response(outcome.rule)(scope, replay, answer.send)
        finally:
            answer.finish()


def _admin_logged(world: World, scope: Scope, send: Send) -> Send:
    """``send`` that logs the admin request when its answer starts (admin requests have no journal entry)."""
    started = time.perf_counter()

    async def logged(message: Message) -> None:
        if message["type"] == "http.response.start":
            request_log.log_admin(scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1"),
                                  message["status"], (time.perf_counter() - started) * 1000, world.now())
        await send(message)

    return logged


#: HTTP versions whose requests have a body only when a header says so.
_FRAMED_VERSIONS = frozenset({"1.0", "1.1"})


def _may_have_body(scope: Scope, reading: header_reading.Reading) -> bool:
    """Whether the request can carry a body. In HTTP/1.x only a request with a Content-Length or a
    Transfer-Encoding has one (RFC 9112 section 6.3); over HTTP/2 data may come without either.
    A GET is not buffered then (saves a receive and a replaying wrapper: 2-4 us in-process)."""
    return (scope.get("http_version") not in _FRAMED_VERSIONS
            or reading.has("content-length") or reading.has("transfer-encoding"))


async def _buffer(receive: Receive, limit: int) -> tuple[bytes, bool, Receive, bool]:
    """Read the request body (up to ``limit`` + 1 bytes) and give a ``receive`` that replays it; and
    whether the client went away before the end of the body."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more and size <= limit:
        message = await receive()
        if message["type"] != "http.request":
            pending: list[Message] = [message]
            break
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        more = message.get("more_body", False)
    else:
        pending = []
    body = b"".join(chunks)
    gone = more and any(message["type"] == "http.disconnect" for message in pending)
    replay = [{"type": "http.request", "body": body, "more_body": more}, *pending]

    async def replaying() -> Message:
        if replay:
            return replay.pop(0)
        return await receive()

    return body, not more, replaying, gone


class _Answer:
    """Watches what the app sends: the status, and the start of an error body.

    The status line is held back until the first body message, and the request is
    journaled just before the last message goes out: for the usual one-piece answer,
    nothing reaches the client before its request is in the journal.
    """

    def __init__(self, send: Send, record: Callable[[_Answer], None], surface: Surface) -> None:
        self._send = send
        self._record = record
        self._surface = surface
        self._not_emulated = False
        self._recorded = False
        self.status: int | None = None
        self._body = bytearray()
        self._held: Message | None = None

    def finish(self) -> None:
        """Journal the request if the answer did not (a dropped connection, an error)."""
        if not self._recorded:
            self._recorded = True
            self._record(self)

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.status = message["status"]
            # Only an error answer says "no such route" (a 404 or 405; a 200 envelope for a cloud that
            # answers errors so): no other answer's headers are scanned.
            self._not_emulated = (self.status >= 400 or self._surface.envelope_errors) and any(
                name.lower() == _NOT_EMULATED_NAME for name, _ in message["headers"])
            self._held = message  # goes out with the first body message
            return
        if kind == "http.response.body" and self.status is not None and (
                self.status >= 400 or self._surface.envelope_errors):
            if len(self._body) < ERROR_BODY_LIMIT:
                self._body.extend(message.get("body", b"")[:ERROR_BODY_LIMIT])
        elif kind == "websocket.accept":
            self.status = 101
        elif kind == "websocket.close" and self.status is None:
            self.status = 403  # closed before the handshake: servers answer 403
        elif kind == "websocket.http.response.start":
            self.status = message["status"]
        last = ((kind == "http.response.body" and not message.get("more_body", False))
                or kind in ("websocket.accept", "websocket.close")
                or (kind == "websocket.http.response.body" and not message.get("more_body", False)))
        if last:
            self.finish()
        if self._held is not None:
            held, self._held = self._held, None
            await self._send(held)
        await self._send(message)

    def error_code(self) -> int | None:
        if self._not_emulated:
            return NOT_EMULATED
        if not self._body or self.status is None:
            return None
        return self._surface.error_code(self.status, bytes(self._body))
