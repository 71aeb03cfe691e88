"""``Emulator``: the emulator as one Python object, in-process or as a live server.

``Emulator()`` builds a cloud and its app in this process; ``emu.client()`` is an
``httpx.AsyncClient`` over ``ASGITransport`` (no socket). ``Emulator.serve()`` also
starts real servers on free ports in a background thread (plain HTTP, and HTTPS with a
test certificate), for clients that open their own connections; ``emu.redirect()`` then
sends unmodified clients that call the real Gizwits hosts to it.

Both modes share one state model: the handle's methods act on the cloud directly (under
its lock), whether or not a server thread is answering at the same time::

    with Emulator.serve() as emu, emu.redirect():
        emu.reset()
        emu.clock.freeze("2025-01-06T07:00:00Z")
        emu.device(did).press(mode="eco")
        emu.faults.add(path="/app/control/*", status=500, times=2)
        ...  # the client under test
        assert emu.count(method="POST", path="/app/control/*") == 3
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from ..admin import control
from ..admin import websocket as sessions
from ..admin.middleware import IN_PROCESS, ConnectionDropped
from ..admin.timespec import TimeSpecError, parse_duration, parse_instant
from ..app import create_app
from ..config import HEATZY_APP_ID, EmulatorConfig
from ..core.faults import FaultRule
from ..core.journal import Entry
from ..core.outbox import Message
from ..core.sessions import FrameRecord
from ..ewelink.cloud.accounts import EwelinkAccount
from ..ewelink.cloud.cloud import EwelinkCloud
from ..ewelink.regions import API_HOSTS, WS_HOSTS
from ..ewelink.regions import WS_PATH as EWELINK_WS_PATH
from ..ewelink.regions import WS_PORT as EWELINK_WS_PORT
from ..gizwits.cloud.accounts import Account, create_account
from ..gizwits.cloud.cloud import Cloud
from ..gizwits.hosts import WEBSOCKET_PATH, WS_PORT

if TYPE_CHECKING:
    from httpx_ws import AsyncWebSocketSession
    from httpx_ws.transport import ASGIWebSocketTransport

    from .live import LiveServer
    from .redirect import Redirect

#: Where in-process clients send their requests (the Host they show).
IN_PROCESS_URL = "https://euapi.gizwits.com"


#: Where in-process WebSockets connect (the host heatzypy uses, the plain port).
IN_PROCESS_WS_URL = f"http://eusandbox.gizwits.com:{WS_PORT}{WEBSOCKET_PATH}"


#: Seconds an in-process WebSocket handshake waits for the app to accept. In-process there is no network:
#: only a loaded machine makes the app slow to accept, and httpx_ws's own one second then failed a handshake
#: that would have succeeded a moment later.
WEBSOCKET_ACCEPT_TIMEOUT = 30.0


def _settle(cloud: Cloud) -> None:
    """Wait until the WebSocket pushes caused so far are written to live servers' sockets."""
    if len(cloud.sessions):
        cloud.sessions.flush()


def _is_websocket(request: httpx.Request) -> bool:
    """A WebSocket handshake, as ``httpx_ws.aconnect_ws`` sends it (the test its own transport makes)."""
    return request.url.scheme in ("ws", "wss") or request.headers.get("upgrade") == "websocket"


class EmulatorTransport(httpx.ASGITransport):
    """ASGI transport into the emulator's app (HTTP, and WebSockets with ``httpx_ws.aconnect_ws``);
    a dropped connection becomes what a network client sees.

    WebSockets go through ``httpx_ws``'s ASGI transport, made at the first handshake: importing
    ``httpx_ws`` (with wsproto and all of httpcore) and anyio's event-loop backend is ~80 ms, half
    of the emulator's cold start, that a test making only HTTP requests does not pay. That transport
    lives in a task of its own, which enters it and leaves it when this transport closes: anyio wants
    a task group entered and left by one task, and a handshake may come from any task.
    """

    def __init__(self, app: ASGIApp) -> None:
        async def in_process(scope: Scope, receive: Receive, send: Send) -> None:
            await app({**scope, IN_PROCESS: True}, receive, send)

        super().__init__(app=in_process)
        self._websockets: ASGIWebSocketTransport | None = None
        self._websockets_made = asyncio.Lock()
        self._holders: list[asyncio.Task[None]] = []
        self._closing = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            if _is_websocket(request):
                return await (await self._websocket_transport()).handle_async_request(request)
            return await super().handle_async_request(request)
        except ConnectionDropped:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.",
                                            request=request) from None

    async def aclose(self) -> None:
        self._closing.set()
        holders, self._holders, self._websockets = self._holders, [], None
        for holder in holders:
            await holder  # the WebSocket transport's own close; its errors are raised here

    async def _websocket_transport(self) -> ASGIWebSocketTransport:
        async with self._websockets_made:
            if self._websockets is None:
                from httpx_ws.transport import ASGIWebSocketTransport

                transport = ASGIWebSocketTransport(app=self.app, initial_receive_timeout=WEBSOCKET_ACCEPT_TIMEOUT)
                entered: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                self._holders.append(asyncio.create_task(self._hold(transport, entered)))
                await entered
                self._websockets = transport
        return self._websockets

    async def _hold(self, transport: ASGIWebSocketTransport, entered: asyncio.Future[None]) -> None:
        try:
            async with transport:
                if not entered.done():  # done: the handshake's task was cancelled meanwhile
                    entered.set_result(None)
                await self._closing.wait()
        except BaseException as error:
            if entered.done():
                raise
            if isinstance(error, asyncio.CancelledError):
                entered.cancel()
                raise
            entered.set_exception(error)  # raised in the task that made the handshake


class ClockHandle:
    """The emulator's clock: read it, freeze it, shift it, speed it up, advance it."""

    def __init__(self, cloud: Cloud) -> None:
        self._cloud = cloud

    def now(self) -> datetime:
        return self._cloud.clock.utcnow()

    def timestamp(self) -> float:
        return self._cloud.now()

    def freeze(self, at: Any = None) -> datetime:
        """Stop time at ``at`` (Unix seconds, ISO 8601 string or datetime; default: now)."""
        return self._set("freeze", at)

    def offset(self, value: Any = None, **amounts: float) -> datetime:
        """Run at wall speed, shifted by a duration (``offset(days=-1)``, ``offset("2h")``)."""
        return self._set("offset", parse_duration(value, **amounts))

    def speed(self, factor: float) -> datetime:
        """Run ``factor`` times faster than the wall clock."""
        return self._set("speed", factor)

    def advance(self, value: Any = None, **amounts: float) -> datetime:
        """Move forward (``advance(hours=2)``, ``advance("1d")``, ``advance(90)``); due events run in order."""
        return self._set("advance", parse_duration(value, **amounts))

    def real(self) -> datetime:
        return self._set("real", True)

    def describe(self) -> dict[str, Any]:
        return self._cloud.clock.describe()

    def _set(self, action: str, value: Any) -> datetime:
        try:
            if action == "freeze" and value is not None:
                value = parse_instant(value)
        except TimeSpecError as error:
            raise ValueError(str(error)) from None
        control.set_clock(self._cloud, action, value)
        _settle(self._cloud)  # pushes the clock caused reach live sessions before this returns
        return self.now()


class DeviceHandle:
    """One device as the physical world sees it."""

    def __init__(self, cloud: Cloud, did: str) -> None:
        self._cloud = cloud
        self.did = did
        if cloud.world.devices.get(did) is None:
            cloud.devices.require(did)  # 9014, as for any unknown device

    def press(self, mode: str | None = None, **changes: Any) -> dict[str, Any]:
        """Someone uses the device's buttons: ``press("eco")``, ``press(lock_switch=1)``; an eWeLink
        device takes its params: ``press(switch="on")``. Returns what changed."""
        if mode is not None:
            changes["mode"] = mode
        changed = control.press(self._cloud, self.did, changes)
        _settle(self._cloud)
        return changed

    def set_online(self, online: bool = True) -> None:
        control.set_online(self._cloud, self.did, online)
        _settle(self._cloud)

    def online(self) -> None:
        self.set_online(True)

    def offline(self) -> None:
        self.set_online(False)

    def environment(self, **values: Any) -> dict[str, Any]:
        """``room_temp=``, ``outdoor_temp=``, ``window_open=``, ``humidity=``, ``presence=``; returns
        the reported values that changed at once."""
        changed = control.set_environment(self._cloud, self.did, values)
        _settle(self._cloud)
        return changed

    def silence(self, silent: bool = True) -> None:
        """WebSocket reads and writes to this device get no answer (and writes are lost)."""
        sessions.silence(self._cloud, self.did, silent)

    def fault(self, kind: str, **options: Any) -> FaultRule:
        """A device-level fault on control: ``"not_delivered"`` (9021) or ``"offline"`` (9042)."""
        with self._cloud.lock:
            return self._cloud.faults.add({"device": kind, "did": self.did, **options})

    def state(self) -> dict[str, Any]:
        """Everything the cloud knows of the device (program, pending events, ...)."""
        return control.device_state(self._cloud, self.did)

    @property
    def attrs(self) -> dict[str, Any]:
        """What the device reports now."""
        return self.state()["reported"]


class FaultsHandle:
    """Fault rules; see :mod:`emulator.core.faults` for the fields a rule takes."""

    def __init__(self, cloud: Cloud) -> None:
        self._cloud = cloud

    def add(self, **rule: Any) -> FaultRule:
        """``add(path="/app/control/*", status=500, times=2)``, ``add(error=9041)``,
        ``add(throttle={"rate": 1, "burst": 2})``, ``add(latency=[0.1, 0.5])``, ``add(drop=True)``."""
        with self._cloud.lock:
            return self._cloud.faults.add(rule)

    def remove(self, rule: FaultRule | str) -> bool:
        with self._cloud.lock:
            return self._cloud.faults.delete(rule if isinstance(rule, str) else rule.id)

    def clear(self) -> None:
        with self._cloud.lock:
            self._cloud.faults.clear()

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(list(self._cloud.faults.rules))

    def __len__(self) -> int:
        return len(self._cloud.faults)


class EwelinkHandle:
    """The eWeLink cloud of the emulator: accounts, devices, and a client that signs its requests."""

    def __init__(self, emulator: Emulator) -> None:
        self._emulator = emulator

    @property
    def cloud(self) -> EwelinkCloud:
        cloud = self._emulator.cloud.world.part(EwelinkCloud.name)
        assert cloud is not None
        return cloud  # type: ignore[no-any-return]

    def account(self, *devices: int | dict[str, Any], email: str | None = None, password: str | None = None,
                region: str = "eu", appid: str | None = None) -> EwelinkAccount:
        """A new logged-in account with devices of these UIIDs: ``emu.ewelink.account(1, 4, 32)``."""
        from ..admin import ewelink

        return ewelink.account(self._emulator.cloud.world, list(devices), email=email, password=password,
                               region=region, appid=appid)

    def devices(self) -> list[dict[str, Any]]:
        from ..admin import ewelink

        return ewelink.devices(self._emulator.cloud.world)

    def accounts(self) -> list[dict[str, Any]]:
        from ..admin import ewelink

        return ewelink.accounts(self._emulator.cloud.world)

    def device(self, deviceid: str) -> DeviceHandle:
        return DeviceHandle(self._emulator.cloud, deviceid)

    def client(self, region: str = "eu", **options: Any) -> httpx.AsyncClient:
        """An ``httpx.AsyncClient`` on the region's API host: the live server when started (with the
        region's ``Host``), in-process otherwise. Authorisation headers are the caller's."""
        host = API_HOSTS[region]
        if self._emulator.url:
            headers = {"Host": host, **options.pop("headers", {})}
            return httpx.AsyncClient(base_url=self._emulator.url, headers=headers, **options)
        return httpx.AsyncClient(transport=self._emulator.transport(), base_url=f"https://{host}", **options)

    @contextlib.asynccontextmanager
    async def websocket(self, region: str | None = None, **options: Any) -> AsyncIterator[AsyncWebSocketSession]:
        """A WebSocket on ``/api/ws`` (an ``httpx_ws`` session): to the live server's plain listener
        when started, in-process otherwise; with ``region``, on that region's WebSocket domain
        (its ``Host``: the handshake then checks the account lives there)."""
        host = WS_HOSTS[region] if region is not None else None
        from httpx_ws import aconnect_ws

        if self._emulator.url:
            if host is not None:
                options["headers"] = {"Host": f"{host}:{EWELINK_WS_PORT}", **options.get("headers", {})}
            async with aconnect_ws(f"{self._emulator.url.replace('http', 'ws', 1)}{EWELINK_WS_PATH}",
                                   **options) as ws:
                yield ws
            return
        url = f"http://{host or 'localhost'}:{EWELINK_WS_PORT}{EWELINK_WS_PATH}"
        async with httpx.AsyncClient(transport=self._emulator.transport()) as client, \
                aconnect_ws(url, client, **options) as ws:
            yield ws


class SessionsHandle:
    """Live WebSocket sessions of both clouds (``/ws/app/v1``, ``/api/ws``) and their faults;
    ``session`` is an id (``"s1"``), None for every session (1009/1011: Gizwits sessions only)."""

    def __init__(self, cloud: Cloud) -> None:
        self._cloud = cloud

    def __call__(self) -> list[dict[str, Any]]:
        return self.sessions()

    def sessions(self) -> list[dict[str, Any]]:
        """Live sessions: id, uid, p0_type, auto_subscribe, subscriptions, last_ping, ..."""
        return sessions.sessions(self._cloud)

    def close(self, session: str | None = None, code: int = 1000) -> list[str]:
        """Close the socket (after the frames already queued); returns the ids closed."""
        closed = sessions.close(self._cloud, session, code)
        _settle(self._cloud)
        return closed

    def end(self, session: str | None = None) -> list[str]:
        """1009 "M2M socket has closed, please login again!": logged out, the socket stays open."""
        told = sessions.error(self._cloud, 1009, session)
        _settle(self._cloud)
        return told

    def no_heartbeat(self, session: str | None = None) -> list[str]:
        """1011 "No heartbeat!", then the socket is closed."""
        told = sessions.error(self._cloud, 1011, session)
        _settle(self._cloud)
        return told

    def silence(self, did: str, silent: bool = True) -> None:
        sessions.silence(self._cloud, did, silent)

    def delay(self, seconds: float, *, did: str | None = None, session: str | None = None) -> dict[str, Any]:
        """Hold pushes ``seconds`` (real time) before writing them: all, about ``did``, or to ``session``."""
        return sessions.delay(self._cloud, seconds, did, session)

    def clear_faults(self) -> None:
        sessions.clear_faults(self._cloud)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every frame queued so far is written (live servers); False on timeout."""
        return self._cloud.sessions.flush(timeout)


class Emulator:
    def __init__(self, fixture: str | Path | dict[str, Any] = "demo", *, seed: int = 1,
                 config: EmulatorConfig | None = None, **options: Any) -> None:
        """``fixture``: demo, empty, a path, or an inline document; ``options``: other
        :class:`~emulator.config.EmulatorConfig` fields (``token_ttl``, ``journal_size`` ...)."""
        base = config or EmulatorConfig()
        named = fixture if not isinstance(fixture, dict) else "empty"
        self.config = base.with_changes(seed=seed, fixture=named, **options)
        self.cloud = Cloud(self.config)
        self._fixture = fixture
        self.app = create_app(self.config, self.cloud)  # every cloud attached before the fixture is loaded
        if isinstance(fixture, dict):
            control.reset(self.cloud, fixture)
        self.clock = ClockHandle(self.cloud)
        self.faults = FaultsHandle(self.cloud)
        #: The eWeLink cloud served beside the Gizwits one.
        self.ewelink = EwelinkHandle(self)
        #: Live WebSocket sessions and their faults.
        self.ws = SessionsHandle(self.cloud)
        self._servers: list[LiveServer] = []
        self.url: str | None = None
        self.tls_url: str | None = None

    # -- live servers --------------------------------------------------------------------------
    @classmethod
    def serve(cls, fixture: str | Path | dict[str, Any] = "demo", *, tls: bool = True, server: str = "uvicorn",
              **options: Any) -> Emulator:
        """An emulator with live servers on free loopback ports (HTTP, and HTTPS unless ``tls=False``)."""
        return cls(fixture, **options).start(tls=tls, server=server)

    def start(self, *, tls: bool = True, server: str = "uvicorn") -> Emulator:
        if self._servers:
            return self
        # The live servers' modules (and the test certificates') are imported by the first start only:
        # an in-process emulator never needs them.
        from .live import LiveServer
        from .tls import test_tls

        try:
            plain = LiveServer(self.cloud, server=server).start()
            self._servers.append(plain)
            self.url = plain.url
            if tls:
                secure = LiveServer(self.cloud, server=server, certfile=str(test_tls().server_file)).start()
                self._servers.append(secure)
                self.tls_url = secure.url
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def live(self) -> bool:
        return bool(self._servers)

    def stop(self) -> None:
        for server in self._servers:
            server.stop()
        self._servers.clear()
        self.url = self.tls_url = None

    def close(self) -> None:
        self.stop()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def redirect(self, hosts: tuple[str, ...] | None = None) -> Redirect:
        """A context manager sending new aiohttp / httpx / requests clients that call ``hosts`` (every
        host of both clouds by default) here."""
        from ..hostnames import HOSTS
        from .redirect import Redirect
        from .tls import test_tls

        if not self._servers:
            raise RuntimeError("redirection needs a live server: use Emulator.serve() or emu.start()")
        tls_port = self._servers[1].port if len(self._servers) > 1 else None
        return Redirect(self._servers[0].port, tls_port, test_tls() if tls_port else None,
                        HOSTS.names if hosts is None else hosts)

    # -- clients -------------------------------------------------------------------------------
    def transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport into the in-process app (no socket)."""
        return EmulatorTransport(app=self.app)

    def client(self, **options: Any) -> httpx.AsyncClient:
        """An ``httpx.AsyncClient`` for this emulator: the live server when started, in-process otherwise.

        It sends the Heatzy application id by default.
        """
        headers = {"X-Gizwits-Application-Id": HEATZY_APP_ID, **options.pop("headers", {})}
        if self.url:
            return httpx.AsyncClient(base_url=self.url, headers=headers, **options)
        return httpx.AsyncClient(transport=self.transport(), base_url=IN_PROCESS_URL, headers=headers, **options)

    @contextlib.asynccontextmanager
    async def websocket(self, **options: Any) -> AsyncIterator[AsyncWebSocketSession]:
        """A WebSocket on ``/ws/app/v1`` (an ``httpx_ws`` session: ``send_json``, ``receive_json``):
        to the live server's plain listener when started, in-process (no socket) otherwise."""
        from httpx_ws import aconnect_ws

        if self.url:
            async with aconnect_ws(f"{self.url.replace('http', 'ws', 1)}{WEBSOCKET_PATH}", **options) as ws:
                yield ws
            return
        async with httpx.AsyncClient(transport=self.transport()) as client, \
                aconnect_ws(IN_PROCESS_WS_URL, client, **options) as ws:
            yield ws

    # -- state ---------------------------------------------------------------------------------
    def reset(self, fixture: str | Path | dict[str, Any] | None = None, *, seed: int | None = None) -> None:
        """Back to the fixture (default: the one this emulator was made with), no faults, an empty
        journal, the real clock. Fast: a fixture loaded before is restored from a snapshot."""
        control.reset(self.cloud, self._fixture if fixture is None else fixture, seed)

    def seed(self, fixture: str | Path | dict[str, Any]) -> None:
        """Add a fixture's apps, users and devices to the current state."""
        control.seed(self.cloud, fixture)

    def snapshot(self) -> dict[str, Any]:
        return self.cloud.snapshot()

    def restore(self, document: dict[str, Any]) -> None:
        control.restore(self.cloud, document)

    def account(self, *products: str | dict[str, Any], email: str | None = None, password: str | None = None,
                appid: str = HEATZY_APP_ID) -> Account:
        """A new user with ``products`` bound: ``emu.account("Pilote2", "Glow_Simple")``."""
        account = create_account(self.cloud, list(products), email=email, password=password, appid=appid)
        _settle(self.cloud)
        return account

    def device(self, did: str) -> DeviceHandle:
        return DeviceHandle(self.cloud, did)

    def users(self) -> list[dict[str, Any]]:
        return control.users(self.cloud)

    def devices(self) -> list[dict[str, Any]]:
        return control.devices(self.cloud)

    # -- observing -----------------------------------------------------------------------------
    def journal(self, *, method: str | None = None, path: str | None = None, did: str | None = None,
                status: int | None = None, emulated: bool | None = None, cmd: str | None = None,
                **frame_criteria: Any) -> list[Entry] | list[FrameRecord]:
        """Requests received, oldest first; ``path`` is a glob (``/app/control/*``).

        With ``cmd`` (a glob: ``"c2s_write"``, ``"s2c_*"``, ``"*"``), WebSocket frames instead, as
        :meth:`frames` gives them (``did``, ``session``, ``direction``, ``understood`` filter them)."""
        if cmd is not None:
            return self.frames(cmd=cmd, did=did, **frame_criteria)
        with self.cloud.lock:
            return self.cloud.journal.find(method=method, path=path, did=did, status=status, emulated=emulated)

    def frames(self, *, cmd: str | None = None, did: str | None = None, session: str | None = None,
               direction: str | None = None, understood: bool | None = None) -> list[FrameRecord]:
        """WebSocket frames both ways, oldest first (``direction`` "in": from clients); login tokens redacted."""
        return sessions.frames(self.cloud, cmd=cmd, did=did, session=session, direction=direction,
                               understood=understood)

    def ws_sessions(self) -> list[dict[str, Any]]:
        """Live WebSocket sessions: id, uid, subscriptions, last_ping, ... (see :class:`SessionsHandle`)."""
        return self.ws.sessions()

    def count(self, **criteria: Any) -> int:
        """How many requests match (same criteria as :meth:`journal`)."""
        return len(self.journal(**criteria))

    def clear_journal(self) -> None:
        with self.cloud.lock:
            self.cloud.journal.clear()
            self.cloud.sessions.frames.clear()

    def outbox(self, *, kind: str | None = None, to: str | None = None) -> list[Message]:
        """Mails and SMS the cloud sent."""
        return control.outbox(self.cloud, kind, to)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.cloud.now(), UTC)
