"""The admin event stream: what changes in the emulator, as it happens, for the dashboard and any watcher.

``GET /_emulator/events`` answers ``text/event-stream`` (server-sent events). Each
event's data is JSON:

- ``hello`` first: the clock, so a watcher reads the state it needs after the stream is
  open and misses nothing;
- ``change``: one change on the cloud's change feed (``did``, ``at``, ``kind``, ``attrs``,
  ``source``, ``uid``, ``appid``): a client's control, a button press, a program slot, a
  countdown tick, a sensor reading, a device going offline or coming back;
- ``journal``: one request the journal recorded (the entry, as ``GET /_emulator/journal``
  lists it);
- ``clock``: the clock was set (frozen, offset, sped up, advanced, back to real time);
- ``faults``: the fault rules changed (added, removed, fired);
- ``devices``: devices appeared or went, or their bindings (owners, aliases) changed;
- ``reset``: the whole state was replaced (reset, snapshot restored): read everything again;
- ``overflow``: more changes came at once than a stream keeps (``LIMIT``); they were
  dropped: read every device again.

Server-sent events rather than a WebSocket: the stream only goes one way, a browser
reads it with ``fetch`` (which can send the admin token header), it passes through
any HTTP proxy, and it needs nothing from the emulated WebSocket API.

Threads: the cloud may change in any thread (a live server's test thread, the server's
own). Listeners on the feed and the journal only append to each open stream's queue and
wake its event loop with ``call_soon_threadsafe``; the stream reads the state under the
cloud's lock in its own loop. While a stream is open it also runs the events that come
due (``cloud.sync()``), at their time in real seconds given the clock's speed, so
program slots and countdowns reach it without anybody calling the API; at least every
:data:`BACKSTOP` seconds it compares what has no feed (the clock, fault rules, bindings).
With no stream open nothing listens and nothing runs.

A stream ends when the client goes, and when its server starts shutting down (the
server calls :meth:`Streams.close_all`), so it never holds a shutdown up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import weakref
from collections import deque
from collections.abc import AsyncIterator, Callable, Hashable
from typing import Any

from ..core.changes import Change
from ..core.journal import Entry, Journal
from ..gizwits.cloud.cloud import Cloud

#: Longest wait (real seconds) between two looks at what has no feed: clock, fault rules, bindings.
BACKSTOP = 0.5
#: Shortest time between two flushes (real seconds): at most 50 flushes a second, however fast the
#: clock runs; a change right after a flush waits this long (bench/event_stream_latency.py: ~21 ms).
COALESCE = 0.02
#: A comment line goes out after this long without an event, so proxies keep the stream open.
KEEP_ALIVE = 15.0
#: Changes and journal entries a stream keeps between two flushes before it overflows.
LIMIT = 5_000

Item = tuple[str, Any]


def encode(event: str, data: Any) -> bytes:
    """One server-sent event (data on one line: JSON never holds a raw newline)."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n".encode()


def change_data(change: Change) -> dict[str, Any]:
    return {"did": change.did, "at": change.at, "kind": change.kind, "attrs": dict(change.attrs),
            "source": change.source, "uid": change.uid, "appid": change.appid}


def journal_data(entry: Entry) -> dict[str, Any]:
    return {**entry.as_dict(), "emulated": entry.emulated}


class Stream:
    """One open event stream: a queue filled from any thread, read in its event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.pending: deque[Item] = deque()
        self.overflowed = False
        self.closed = False
        self._wake = asyncio.Event()
        self._armed = False

    def push(self, item: Item) -> None:
        """Queue ``item`` and wake the stream (any thread)."""
        if len(self.pending) >= LIMIT:
            self.overflowed = True
        else:
            self.pending.append(item)
        self.poke()

    def poke(self) -> None:
        """Wake the stream (any thread); many pokes before it wakes cost one wake-up."""
        if self._armed:
            return
        self._armed = True
        try:
            self.loop.call_soon_threadsafe(self._wake.set)
        except RuntimeError:  # the loop is closed: the stream is gone with it
            self.closed = True

    def close(self) -> None:
        self.closed = True
        self._armed = False
        self.poke()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)
        self._armed = False
        self._wake.clear()

    def drain(self) -> tuple[list[Item], bool]:
        items: list[Item] = []
        while self.pending:
            items.append(self.pending.popleft())
        overflowed, self.overflowed = self.overflowed, False
        return items, overflowed


class Watch:
    """The listeners of one cloud, shared by its open streams; attached while any stream is open."""

    def __init__(self, cloud: Cloud, roster: Callable[[Cloud], Hashable]) -> None:
        self.cloud = cloud
        self.roster = roster
        self.streams: tuple[Stream, ...] = ()
        self._feed: object | None = None
        self._journal: Journal | None = None
        self._detach: list[Callable[[], None]] = []
        self._hooked = False

    # -- listeners (any thread, under the cloud's lock) ------------------------------------------
    def _on_change(self, change: Change) -> None:
        for stream in self.streams:
            stream.push(("change", change))

    def _on_entry(self, entry: Entry) -> None:
        for stream in self.streams:
            stream.push(("journal", entry))

    def _on_replaced(self, cloud: Cloud) -> None:
        for stream in self.streams:
            stream.push(("reset", None))

    # -- attaching (under the cloud's lock) -----------------------------------------------------------
    def attach(self) -> bool:
        """Listen to the cloud's current feed and journal; True when they were replaced (a reset)."""
        cloud = self.cloud
        if not self._hooked:
            self._hooked = True
            cloud.on_state_replaced(self._on_replaced)  # called at once: nothing is open yet
        if self._feed is cloud.feed and self._journal is cloud.journal:
            return False
        replaced = self._feed is not None
        self.detach()
        self._feed, self._journal = cloud.feed, cloud.journal
        self._detach = [cloud.feed.subscribe(self._on_change), cloud.journal.subscribe(self._on_entry)]
        return replaced

    def detach(self) -> None:
        for undo in self._detach:
            undo()
        self._detach = []
        self._feed = self._journal = None

    def open(self, stream: Stream) -> None:
        with self.cloud.lock:
            self.attach()
            self.streams = (*self.streams, stream)

    def close(self, stream: Stream) -> None:
        with self.cloud.lock:
            self.streams = tuple(s for s in self.streams if s is not stream)
            if not self.streams:
                self.detach()

    # -- what has no feed ------------------------------------------------------------------------------
    def looks(self) -> tuple[int, str, Hashable]:
        """What the stream compares between flushes: the clock's changes, the fault rules, the roster."""
        cloud = self.cloud
        rules = json.dumps([rule.describe() for rule in cloud.faults.rules], sort_keys=True, default=str)
        return cloud.clock.changes, rules, self.roster(cloud)

    def next_wait(self) -> float:
        """Real seconds until the next event of the cloud comes due (at most :data:`BACKSTOP`)."""
        cloud = self.cloud
        due = cloud.events.next_due()
        clock = cloud.clock
        if due is None or clock.mode == "frozen":
            return BACKSTOP
        speed = clock.describe()["speed"] if clock.mode == "speed" else 1.0
        return min(BACKSTOP, max(0.0, (due - clock.now()) / speed))


#: The one :class:`Watch` of each cloud.
_WATCHES: weakref.WeakKeyDictionary[Cloud, Watch] = weakref.WeakKeyDictionary()


def watch_of(cloud: Cloud, roster: Callable[[Cloud], Hashable]) -> Watch:
    with cloud.lock:
        watch = _WATCHES.get(cloud)
        if watch is None:
            watch = _WATCHES[cloud] = Watch(cloud, roster)
        return watch


class Streams:
    """The streams one app has open, so its server can end them when it stops."""

    def __init__(self) -> None:
        self._open: set[Stream] = set()

    def add(self, stream: Stream) -> None:
        self._open.add(stream)

    def discard(self, stream: Stream) -> None:
        self._open.discard(stream)

    async def close_all(self) -> None:
        """End every open stream and wait until their answers are done."""
        for stream in list(self._open):
            stream.close()
        while self._open:
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.01)  # the servers write the answers' last chunk


async def events(watch: Watch, stream: Stream) -> AsyncIterator[bytes]:
    """The body of one event stream (see the module docstring)."""
    cloud = watch.cloud
    loop = asyncio.get_running_loop()
    watch.open(stream)
    try:
        with cloud.lock:
            cloud.sync()
            clock = cloud.clock.describe()
            seen = watch.looks()
        yield encode("hello", {"clock": clock})
        quiet_since = loop.time()
        while not stream.closed:
            with cloud.lock:
                wait = watch.next_wait()
            await stream.wait(wait)
            if stream.closed:
                break
            with cloud.lock:
                replaced = watch.attach()
                cloud.sync()
                items, overflowed = stream.drain()
                looks = watch.looks()
                clock = cloud.clock.describe()
                rules = [rule.describe() for rule in cloud.faults.rules]
            out = _encoded(items, overflowed, replaced)
            if looks[0] != seen[0]:
                out.append(encode("clock", clock))
            if looks[1] != seen[1]:
                out.append(encode("faults", rules))
            if looks[2] != seen[2]:
                out.append(encode("devices", {}))
            seen = looks
            if out:
                quiet_since = loop.time()
                yield b"".join(out)
                await asyncio.sleep(COALESCE)
            elif loop.time() - quiet_since >= KEEP_ALIVE:
                quiet_since = loop.time()
                yield b": keep-alive\n\n"
    finally:
        watch.close(stream)


def _encoded(items: list[Item], overflowed: bool, replaced: bool) -> list[bytes]:
    """The queued items as events; after a reset, one ``reset`` stands for the changes before it."""
    out: list[bytes] = []
    reset = replaced or any(kind == "reset" for kind, _ in items)
    if reset:
        out.append(encode("reset", {}))
    for kind, value in items:
        if kind == "change" and not overflowed and not reset:
            out.append(encode("change", change_data(value)))
        elif kind == "journal":
            out.append(encode("journal", journal_data(value)))
    if overflowed and not reset:
        out.append(encode("overflow", {}))
    return out
