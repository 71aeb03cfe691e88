"""The cloud-independent session plumbing (``emulator/core/sessions.py``) with a stand-in socket and
protocol: strict ordering, hand-over from other threads, bounded queues, the heartbeat watchdog."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from emulator.core.sessions import OVERFLOW_CLOSE, Inbound, Outgoing, Session, SessionRegistry


class Socket:
    """Enough of Starlette's WebSocket: frames to receive, what was sent, an optional stuck writer."""

    def __init__(self, frames: list[str], *, stuck: bool = False) -> None:
        self.incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        for frame in frames:
            self.incoming.put_nowait({"type": "websocket.receive", "text": frame})
        self.sent: list[str] = []
        self.closed: int | None = None
        self.stuck = stuck
        self.client = None

    async def accept(self) -> None:
        pass

    async def receive(self) -> dict[str, Any]:
        return await self.incoming.get()

    async def send_text(self, text: str) -> None:
        if self.stuck:
            await asyncio.Event().wait()
        self.sent.append(text)

    async def close(self, code: int = 1000) -> None:
        self.closed = code
        self.incoming.put_nowait({"type": "websocket.disconnect"})


class Echo:
    """Answers each frame with its text, slowly for "slow" (the next frame must wait for it)."""

    def __init__(self, registry: SessionRegistry) -> None:
        self.registry = registry
        self.expired: list[str] = []
        self.sessions: list[Session] = []

    def opened(self, session: Session) -> None:
        self.sessions.append(session)

    def received(self, session: Session, data: str | bytes) -> Inbound:
        if data == "slow":
            time.sleep(0.05)
        self.registry.send(session, Outgoing(f"re:{data}", data))
        return Inbound(data, cmd=str(data))

    def heartbeat_expired(self, session: Session) -> None:
        self.expired.append(session.id)
        self.registry.close(session)

    def closed(self, session: Session) -> None:
        pass


async def serve(registry: SessionRegistry, socket: Socket, protocol: Echo, until: Any) -> None:
    task = asyncio.ensure_future(registry.run(socket, protocol))  # type: ignore[arg-type]
    async with asyncio.timeout(5):
        while not until():
            await asyncio.sleep(0.005)
    socket.incoming.put_nowait({"type": "websocket.disconnect"})
    await task


def test_frames_are_handled_and_answered_in_order() -> None:
    registry = SessionRegistry(time.time)
    socket = Socket(["slow", "a", "b"])
    asyncio.run(serve(registry, socket, Echo(registry), lambda: len(socket.sent) == 3))
    assert socket.sent == ["re:slow", "re:a", "re:b"]
    assert [f.frame for f in registry.frames.find(direction="in")] == ["slow", "a", "b"]
    assert [f.frame for f in registry.frames.find(direction="out")] == ["slow", "a", "b"]
    assert len(registry) == 0, "a closed session leaves the registry"


def test_frames_handed_in_from_another_thread_keep_their_order_and_flush_waits_for_them() -> None:
    registry = SessionRegistry(time.time)
    socket = Socket([])
    protocol = Echo(registry)
    flushed: list[bool] = []

    def other_thread() -> None:
        while not protocol.sessions:
            time.sleep(0.001)
        session = protocol.sessions[0]
        registry.subscribe(session, "device")
        for index in range(200):
            registry.deliver((s, Outgoing(str(index), index, topic="device", push=True))
                             for s in registry.subscribers("device"))
        flushed.append(registry.flush(5))
        flushed.append(len(socket.sent) == 200)

    thread = threading.Thread(target=other_thread)
    thread.start()
    asyncio.run(serve(registry, socket, protocol, lambda: len(flushed) == 2))
    thread.join()
    assert flushed == [True, True], "flush returned once every frame was written"
    assert socket.sent == [str(i) for i in range(200)]


def test_a_session_that_stops_reading_is_closed_when_its_queue_is_full() -> None:
    registry = SessionRegistry(time.time, queue_limit=5)
    socket = Socket([], stuck=True)
    protocol = Echo(registry)

    async def main() -> None:
        task = asyncio.ensure_future(registry.run(socket, protocol))  # type: ignore[arg-type]
        while not protocol.sessions:
            await asyncio.sleep(0.001)
        session = protocol.sessions[0]
        for index in range(10):
            registry.send(session, Outgoing(str(index), index))
        async with asyncio.timeout(5):
            await task  # the session ends by itself, its stuck writer cancelled

    asyncio.run(main())
    assert socket.closed == OVERFLOW_CLOSE
    assert registry.frames.find(direction="out")[-1].frame == {"close": OVERFLOW_CLOSE}


def test_the_watchdog_runs_on_real_time_and_a_heartbeat_postpones_it() -> None:
    registry = SessionRegistry(lambda: 0.0, heartbeat_timeout=0.2)  # the emulated clock stands still
    beating, silent = Socket([]), Socket([])
    protocol = Echo(registry)

    async def main() -> None:
        tasks = [asyncio.ensure_future(registry.run(s, protocol)) for s in (beating, silent)]  # type: ignore[arg-type]
        while len(protocol.sessions) < 2:
            await asyncio.sleep(0.001)
        for _ in range(6):
            await asyncio.sleep(0.06)
            registry.heartbeat(protocol.sessions[0])
        assert protocol.expired == [protocol.sessions[1].id]
        beating.incoming.put_nowait({"type": "websocket.disconnect"})
        await asyncio.gather(*tasks)

    asyncio.run(main())
    assert silent.closed == 1000 and beating.closed is None
