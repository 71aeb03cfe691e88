"""Live WebSocket sessions of a cloud's real-time API, whatever the cloud.

What any push channel needs and no cloud owns:

- the registry of live sessions, indexed by *topic* (what a session is subscribed to: a
  device id) and by *owner* (the user it logged in as), for fan-out;
- strictly ordered handling of each connection's frames: the next frame is read only when
  the protocol has handled the previous one (a client that sends login, ping and reads at
  once gets its login answered first);
- one writer per session draining a bounded outgoing queue, so a slow client never holds
  up the others; a session whose queue overflows is closed (code 1013);
- frames handed in from any thread: the cloud is mutated under its lock from request
  handlers, a test thread or another server's loop; every frame goes through the
  session's loop (``call_soon_threadsafe``) in the order it was handed in, and
  :meth:`SessionRegistry.flush` waits until every frame handed in so far is written;
- the heartbeat watchdog, on real monotonic time (the event loop's clock), never on the
  emulator's clock: freezing or speeding up emulated time never kills a session;
- the bounded frame journal (both directions) and session faults (silent topics, delayed
  pushes).

The protocol (frames, login, what a heartbeat is) is the cloud's: it implements
:class:`SessionProtocol` and builds :class:`Outgoing` frames. One registry serves every
cloud's protocol (each session knows the protocol serving it, :attr:`Session.protocol`);
owners are whatever keys the protocols choose, so a cloud prefixes its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import itertools
import logging
import threading
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, Protocol, TypeVar

from msgspec import Struct, field
from starlette.websockets import WebSocket, WebSocketDisconnect

from .persist import as_row

log = logging.getLogger("emulator.sessions")

#: Seconds without a heartbeat after which the protocol is told (real time).
DEFAULT_HEARTBEAT_TIMEOUT = 180.0
#: Frames a session may have waiting to be written before it is closed as too slow.
DEFAULT_QUEUE_LIMIT = 10_000
#: Frames the journal keeps (oldest fall out first).
DEFAULT_JOURNAL_SIZE = 10_000
#: Close code for a session whose outgoing queue overflowed (RFC 6455 "try again later").
OVERFLOW_CLOSE = 1013
#: Close code when the state behind every session is replaced (reset, restore).
RESTART_CLOSE = 1012


class Outgoing(Struct):
    """One frame to write: its text, and what the journal says of it."""

    text: str
    frame: Any
    cmd: str | None = None
    topic: str | None = None
    #: A push (a change somebody else caused) rather than an answer: push delays apply.
    push: bool = False
    note: str | None = None
    #: Loop time before which it must not be written (a delay fault); 0: at once.
    due: float = 0.0
    #: Close the socket with this code instead of writing (after the frames before it).
    close: int | None = None


class Inbound(Struct):
    """What the protocol says of a frame it handled, for the journal."""

    frame: Any
    cmd: str | None = None
    topic: str | None = None
    #: False when the protocol did not understand the frame (strict mode lists those).
    understood: bool = True
    note: str | None = None


class FrameRecord(Struct):
    id: int
    at: float
    session: str
    #: "in" (client to cloud) or "out".
    direction: str
    cmd: str | None
    did: str | None
    frame: Any
    understood: bool = True
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return as_row(self)


class FrameJournal:
    """Frames both ways, oldest first, bounded like the request journal."""

    def __init__(self, size: int = DEFAULT_JOURNAL_SIZE) -> None:
        self._records: deque[FrameRecord] = deque(maxlen=max(size, 1))
        self._next = itertools.count(1)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._records)

    def record(self, at: float, session: str, direction: str, cmd: str | None, did: str | None, frame: Any,
               understood: bool = True, note: str | None = None) -> None:
        with self._lock:
            self._records.append(FrameRecord(next(self._next), at, session, direction, cmd, did, frame,
                                             understood, note))

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def find(self, *, cmd: str | None = None, did: str | None = None, session: str | None = None,
             direction: str | None = None, understood: bool | None = None) -> list[FrameRecord]:
        """Frames with this ``cmd`` (a glob: ``c2s_*``), did, session, direction and understanding."""
        with self._lock:
            records = list(self._records)
        return [r for r in records if (
            (cmd is None or (r.cmd is not None and fnmatch.fnmatchcase(r.cmd, cmd)) or (cmd == "*"))
            and (did is None or r.did == did)
            and (session is None or r.session == session)
            and (direction is None or r.direction == direction)
            and (understood is None or r.understood == understood)
        )]


class PushDelay(Struct):
    seconds: float
    topic: str | None = None
    session: str | None = None

    def applies(self, session: str, topic: str | None) -> bool:
        return (self.session is None or self.session == session) and (self.topic is None or self.topic == topic)


class SessionFaults:
    """What the control plane breaks in sessions: silent topics (commands to them get no
    answer) and delayed pushes. Live wiring, not state: not saved in snapshots."""

    def __init__(self) -> None:
        self.silent: set[str] = set()
        self.delays: list[PushDelay] = []

    def silence(self, topic: str, silent: bool = True) -> None:
        if silent:
            self.silent.add(topic)
        else:
            self.silent.discard(topic)

    def is_silent(self, topic: str | None) -> bool:
        return topic is not None and topic in self.silent

    def delay(self, seconds: float, *, topic: str | None = None, session: str | None = None) -> PushDelay:
        if not 0 <= seconds <= 600:
            raise ValueError("a push delay is 0..600 seconds")
        delay = PushDelay(float(seconds), topic, session)
        self.delays.append(delay)
        return delay

    def delay_for(self, session: str, topic: str | None) -> float:
        return sum(d.seconds for d in self.delays if d.applies(session, topic))

    def clear(self) -> None:
        self.silent.clear()
        self.delays.clear()

    def describe(self) -> dict[str, Any]:
        return {"silent": sorted(self.silent), "delays": [as_row(d) for d in self.delays]}


class SessionProtocol(Protocol):
    """What a cloud's real-time protocol does with a session (called on the session's loop)."""

    def opened(self, session: Session) -> None: ...

    def received(self, session: Session, data: str | bytes) -> Inbound: ...

    def heartbeat_expired(self, session: Session) -> None: ...

    def closed(self, session: Session) -> None: ...


class Session(Struct, eq=False):
    """One live connection. ``state`` is the protocol's (login, options, ...)."""

    id: str
    websocket: WebSocket
    loop: asyncio.AbstractEventLoop
    client: str
    connected_at: float
    #: The protocol serving it: one registry holds the sessions of every cloud's protocol.
    protocol: Any = None
    state: Any = None
    owner: str | None = None
    topics: dict[str, None] = field(default_factory=dict)
    #: Loop time at which the heartbeat runs out.
    deadline: float = 0.0
    #: Emulator time of the last accepted heartbeat.
    last_heartbeat_at: float | None = None
    closed: bool = False
    #: A close is queued: frames handed in after it are dropped.
    closing: bool = False
    #: Closed because its outgoing queue overflowed.
    overflowed: bool = False
    queue: deque[Outgoing] = field(default_factory=deque)
    #: The writer's wake-up while it has nothing to write. A bare future rather than an
    #: ``asyncio.Event``: one wake-up per session per push, so its cost counts (1,000 sessions).
    _waiter: asyncio.Future[None] | None = None
    #: True while nothing deliverable is waiting (empty queue, or a delayed frame first).
    idle: bool = True
    _idle_waiters: list[asyncio.Future[None]] = field(default_factory=list)
    _timer: asyncio.TimerHandle | None = None
    _reader: asyncio.Task[Any] | None = None
    _writer: asyncio.Task[Any] | None = None

    def __hash__(self) -> int:
        return id(self)


def _set_idle(session: Session) -> None:
    session.idle = True
    if session._idle_waiters:
        for waiter in session._idle_waiters:
            if not waiter.done():
                waiter.set_result(None)
        session._idle_waiters.clear()


class _Courier:
    """Hands frames to the sessions of one event loop, in the order they were handed in."""

    def __init__(self, registry: SessionRegistry, loop: asyncio.AbstractEventLoop) -> None:
        self.registry = registry
        self.loop = loop
        self.thread = threading.get_ident()
        self._pending: list[tuple[Session, Outgoing]] = []
        self._scheduled = False
        self._lock = threading.Lock()
        self.sessions = 0

    def post(self, items: Iterable[tuple[Session, Outgoing]]) -> None:
        with self._lock:
            self._pending.extend(items)
            wake = not self._scheduled and bool(self._pending)
            self._scheduled = self._scheduled or wake
        if threading.get_ident() == self.thread:
            self.drain()  # on the loop's own thread: straight into the queues, in order
        elif wake:
            with contextlib.suppress(RuntimeError):  # the loop is closed: its sessions are gone
                self.loop.call_soon_threadsafe(self.drain)

    def drain(self) -> None:
        with self._lock:
            items, self._pending = self._pending, []
            self._scheduled = False
        enqueue = self.registry._enqueue
        for session, out in items:
            enqueue(session, out)

    async def settled(self, sessions: list[Session]) -> None:
        self.drain()
        waits = []
        for session in sessions:
            if not session.closed and not session.idle:
                waiter = self.loop.create_future()
                session._idle_waiters.append(waiter)
                waits.append(waiter)
        if waits:
            await asyncio.gather(*waits)


class SessionRegistry:
    """Every live session of one cloud, whichever listener accepted it."""

    def __init__(self, now: Any, *, heartbeat_timeout: float = DEFAULT_HEARTBEAT_TIMEOUT,
                 queue_limit: int = DEFAULT_QUEUE_LIMIT, journal_size: int = DEFAULT_JOURNAL_SIZE) -> None:
        #: The emulator's clock (``() -> float``): what journal entries are stamped with.
        self.now = now
        self.heartbeat_timeout = float(heartbeat_timeout)
        self.queue_limit = queue_limit
        self.frames = FrameJournal(journal_size)
        self.faults = SessionFaults()
        self._sessions: dict[str, Session] = {}
        self._by_topic: dict[str, dict[Session, None]] = {}
        self._by_owner: dict[str, dict[Session, None]] = {}
        self._couriers: dict[asyncio.AbstractEventLoop, _Courier] = {}
        self._ids = itertools.count(1)
        self._lock = threading.RLock()

    # -- looking ---------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._sessions)

    def __iter__(self) -> Iterator[Session]:
        with self._lock:
            return iter(list(self._sessions.values()))

    def get(self, session_id: str) -> Session | None:
        return self._sessions.get(session_id)

    def served_by(self, protocol: SessionProtocol) -> list[Session]:
        """The live sessions of one protocol (one registry serves every cloud's)."""
        with self._lock:
            return [s for s in self._sessions.values() if s.protocol is protocol]

    def subscribers(self, topic: str) -> tuple[Session, ...]:
        with self._lock:
            found = self._by_topic.get(topic)
            return tuple(found) if found else ()

    def owned_by(self, owner: str) -> tuple[Session, ...]:
        with self._lock:
            found = self._by_owner.get(owner)
            return tuple(found) if found else ()

    # -- subscriptions ---------------------------------------------------------------------------
    def subscribe(self, session: Session, topic: str) -> None:
        with self._lock:
            if session.closed:
                return
            session.topics[topic] = None
            self._by_topic.setdefault(topic, {})[session] = None

    def unsubscribe(self, session: Session, topic: str) -> None:
        with self._lock:
            session.topics.pop(topic, None)
            found = self._by_topic.get(topic)
            if found is not None:
                found.pop(session, None)
                if not found:
                    del self._by_topic[topic]

    def unsubscribe_all(self, session: Session) -> None:
        with self._lock:
            for topic in list(session.topics):
                self.unsubscribe(session, topic)

    def set_owner(self, session: Session, owner: str | None) -> None:
        with self._lock:
            if session.owner is not None:
                owned = self._by_owner.get(session.owner, {})
                owned.pop(session, None)
                if not owned:
                    self._by_owner.pop(session.owner, None)
            session.owner = owner
            if owner is not None and not session.closed:
                self._by_owner.setdefault(owner, {})[session] = None

    # -- heartbeat -------------------------------------------------------------------------------
    def heartbeat(self, session: Session) -> None:
        """The session showed it is alive: its watchdog starts again (real time)."""
        session.deadline = session.loop.time() + self.heartbeat_timeout
        session.last_heartbeat_at = self.now()

    def _arm_watchdog(self, session: Session, protocol: SessionProtocol) -> None:
        delay = max(session.deadline - session.loop.time(), 0.0)
        session._timer = session.loop.call_later(delay, self._watch, session, protocol)

    def _watch(self, session: Session, protocol: SessionProtocol) -> None:
        if session.closed:
            return
        if session.loop.time() >= session.deadline:
            try:
                protocol.heartbeat_expired(session)
            except Exception:  # the watchdog must not die with a bug in a protocol
                log.exception("heartbeat handler failed; closing session %s", session.id)
                self.close(session)
            return
        self._arm_watchdog(session, protocol)  # a heartbeat came meanwhile: sleep until the new deadline

    # -- sending ---------------------------------------------------------------------------------
    def deliver(self, items: Iterable[tuple[Session, Outgoing]]) -> None:
        """Hand frames to sessions, from any thread; each session gets them in this order.

        A push delay fault sets the frame's due time here (frames behind it wait for it:
        one session is one ordered stream).
        """
        batches: dict[_Courier, list[tuple[Session, Outgoing]]] = {}
        delays = self.faults.delays
        for session, out in items:
            if session.closed:
                continue
            if delays and out.push:
                seconds = self.faults.delay_for(session.id, out.topic)
                if seconds > 0:
                    out = Outgoing(out.text, out.frame, out.cmd, out.topic, out.push,
                                   f"delayed {seconds:g} s", session.loop.time() + seconds, out.close)
            courier = self._couriers.get(session.loop)
            if courier is not None:
                batches.setdefault(courier, []).append((session, out))
        for courier, batch in batches.items():
            courier.post(batch)

    def send(self, session: Session, out: Outgoing) -> None:
        self.deliver(((session, out),))

    def close(self, session: Session, code: int = 1000) -> None:
        """Close the socket once the frames handed in before are written."""
        self.send(session, Outgoing("", None, close=code))

    def close_all(self, code: int = 1000, *, protocol: SessionProtocol | None = None) -> int:
        """Close every session (of ``protocol`` only, when given)."""
        sessions = list(self) if protocol is None else self.served_by(protocol)
        self.deliver((s, Outgoing("", None, close=code)) for s in sessions)
        return len(sessions)

    def restart(self, protocol: SessionProtocol, forget: Callable[[Session], None]) -> None:
        """The state behind ``protocol``'s sessions was replaced (a reset, a restore): ``forget``
        each session's login, then close them all with 1012."""
        for session in self.served_by(protocol):
            forget(session)
        self.close_all(RESTART_CLOSE, protocol=protocol)

    def _enqueue(self, session: Session, out: Outgoing) -> None:
        """On the session's loop."""
        if session.closed or session.closing:
            return
        queue = session.queue
        if len(queue) >= self.queue_limit and out.close is None:
            # The client stopped reading: its writer may be stuck in a send, so it is cancelled and
            # the session ends (``run`` sends the close, with a time limit).
            log.warning("session %s: %d frames waiting, closing it", session.id, len(queue))
            queue.clear()
            session.closing = session.overflowed = True
            if session._writer is not None:
                session._writer.cancel()
            return
        if out.close is not None:
            session.closing = True
        queue.append(out)
        if not out.due:
            session.idle = False
        waiter = session._waiter
        if waiter is not None:
            session._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    async def _write(self, session: Session) -> None:
        queue, loop, websocket = session.queue, session.loop, session.websocket
        record = self.frames.record
        while True:
            if not queue:
                _set_idle(session)
                session._waiter = loop.create_future()
                await session._waiter
                continue
            out = queue[0]
            if out.due:
                wait = out.due - loop.time()
                if wait > 0:
                    _set_idle(session)
                    await asyncio.sleep(wait)
                    continue
            queue.popleft()
            if out.close is not None:
                record(self.now(), session.id, "out", None, None, {"close": out.close}, True, out.note)
                with contextlib.suppress(Exception):
                    await websocket.close(out.close)
                return
            await websocket.send_text(out.text)
            record(self.now(), session.id, "out", out.cmd, out.topic, out.frame, True, out.note)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every frame handed in so far is written (delayed ones excepted), on every
        loop but the caller's own (a loop cannot wait for itself). False on timeout."""
        try:
            current = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        with self._lock:
            by_loop: dict[_Courier, list[Session]] = {}
            for session in self._sessions.values():
                courier = self._couriers.get(session.loop)
                if courier is not None and session.loop is not current:
                    by_loop.setdefault(courier, []).append(session)
        futures = []
        for courier, sessions in by_loop.items():
            with contextlib.suppress(RuntimeError):
                futures.append(asyncio.run_coroutine_threadsafe(courier.settled(sessions), courier.loop))
        done = True
        for future in futures:
            try:
                future.result(timeout)
            except Exception:
                done = False
        return done

    async def settled(self, timeout: float = 5.0) -> bool:
        """Await, on a loop, what :meth:`flush` waits for, this loop's sessions included."""
        return await asyncio.get_running_loop().run_in_executor(None, self.flush, timeout)

    # -- running a connection ----------------------------------------------------------------------
    async def run(self, websocket: WebSocket, protocol: SessionProtocol) -> None:
        """Serve one accepted-to-be connection until it closes, whoever closes it."""
        await websocket.accept()
        loop = asyncio.get_running_loop()
        client = websocket.client
        with self._lock:
            session = Session(f"s{next(self._ids)}", websocket, loop,
                              f"{client.host}:{client.port}" if client else "", self.now(), protocol)
            self._sessions[session.id] = session
            courier = self._couriers.get(loop)
            if courier is None:
                courier = self._couriers[loop] = _Courier(self, loop)
            courier.sessions += 1
        session.deadline = loop.time() + self.heartbeat_timeout
        self._arm_watchdog(session, protocol)
        writer = loop.create_task(self._write(session))
        reader = loop.create_task(self._read(session, protocol))
        session._reader, session._writer = reader, writer
        try:
            protocol.opened(session)
            await asyncio.wait((reader, writer), return_when=asyncio.FIRST_COMPLETED)
        finally:
            session.closed = True
            for task in (reader, writer):
                task.cancel()
            await asyncio.gather(reader, writer, return_exceptions=True)
            if session.overflowed:
                self.frames.record(self.now(), session.id, "out", None, None, {"close": OVERFLOW_CLOSE}, True,
                                   f"more than {self.queue_limit} frames waiting: the client stopped reading")
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(websocket.close(OVERFLOW_CLOSE), 1.0)
            if session._timer is not None:
                session._timer.cancel()
            _set_idle(session)
            with self._lock:
                self.unsubscribe_all(session)
                self.set_owner(session, None)
                self._sessions.pop(session.id, None)
                courier.sessions -= 1
                if not courier.sessions:
                    self._couriers.pop(loop, None)
            try:
                protocol.closed(session)
            except Exception:
                log.exception("closing session %s", session.id)

    async def _read(self, session: Session, protocol: SessionProtocol) -> None:
        websocket = session.websocket
        record = self.frames.record
        while True:
            try:
                message = await websocket.receive()
            except (WebSocketDisconnect, RuntimeError, OSError):
                return
            if message["type"] == "websocket.disconnect":
                return
            data = message.get("text")
            if data is None:
                data = message.get("bytes") or b""
            try:
                inbound = protocol.received(session, data)
            except Exception as error:  # never let one frame end the connection
                log.exception("session %s: frame handler failed", session.id)
                inbound = Inbound(data, understood=False, note=f"handler error: {type(error).__name__}: {error}")
            record(self.now(), session.id, "in", inbound.cmd, inbound.topic, inbound.frame, inbound.understood,
                   inbound.note)

    # -- resetting -------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget faults and journaled frames (live sessions stay)."""
        self.faults.clear()
        self.frames.clear()


class AttachedProtocol(SessionProtocol, Protocol):
    """A protocol that follows its cloud's state: :meth:`attach` after every reset or restore."""

    def attach(self, cloud: Any) -> None: ...


P = TypeVar("P", bound=AttachedProtocol)


class ProtocolSlot(Generic[P]):
    """One protocol object per cloud, made on first use and wired to the cloud's state
    (``cloud.on_state_replaced(protocol.attach)``); ``cloud`` has a ``lock``."""

    def __init__(self, make: Callable[[Any], P]) -> None:
        self._make = make
        self._made: weakref.WeakKeyDictionary[Any, P] = weakref.WeakKeyDictionary()

    def __call__(self, cloud: Any) -> P:
        with cloud.lock:
            protocol = self._made.get(cloud)
            if protocol is None:
                protocol = self._made[cloud] = self._make(cloud)
                cloud.on_state_replaced(protocol.attach)
            return protocol
