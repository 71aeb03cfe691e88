"""Devices living in time: publishing their timelines to the change feed, waking them
up through the event queue, taking them offline and back.

A device's state at any instant is a pure function of its stored state and the time
(:mod:`emulator.core.device`): reading it costs nothing per elapsed event. What the
device *reported* meanwhile — program transitions, countdown ticks, sensor readings —
reaches the change feed (and so the history, logs, rules, push channels) when its
timeline is *materialised*: every point from the last published one up to an instant is
published, in time order, as a :class:`~emulator.core.changes.Change` stamped with the
point's own time. ``device.sim["seen"]`` is the instant up to which a device's timeline
has been published.

Materialisation happens:

- before any change is applied to the device (control, scheduler task, button press,
  environment change), so its history stays in order;
- when the cloud *observes* the device (:meth:`Simulation.observe`: the API reads its
  latest data, lists it, or queries its logs);
- when the device is *woken*. Every device has at most one wake-up instant. In *live*
  mode (the default) it is the device's next timeline point, so every change reaches
  the feed at its own time, in global time order, as a real device would report it.
  With ``live`` off (large fleets), only points that must not wait are woken — a
  derogation ending, an open window detected, a presence timeout — and the rest is
  published lazily when the device is observed.

Wake-ups are filed in a calendar by instant: timeline points fall on shared instants
(half-hour program slots, the sensor reading grid, midnights), so one ``device.wake``
queue event (key ``wake@<instant>``) wakes every device due then, in the order they were
filed. The queue holds one event per distinct instant, not one per device. The calendar
is derived state: a snapshot does not save it, restoring rebuilds it from the devices.

While a device is offline its reports stop: ``sim["frozen"]`` holds the last state it
reported (what devdata shows, with its ``updated_at``); coming back online publishes an
``online`` change and a report of everything that differs from the frozen state (empty
if nothing does: the report itself is logged). Going back online
after a delay is a ``device.online`` event (key ``online:<did>``).

The engine serves every cloud: it works on the core's :class:`~emulator.core.device.Device`
through the :class:`DeviceLookup` it is given (every cloud's devices), and the writes every
cloud makes to a device (:meth:`Simulation.apply`, :meth:`Simulation.set_environment`,
:meth:`Simulation.set_online`) go through here, so their history stays in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol

from .changes import Change, ChangeFeed
from .device import UNFILED, Device
from .events import EventQueue
from .history import History
from .reports import SHARED

WAKE, ONLINE = "device.wake", "device.online"
#: In ``device.cache["reported"]`` while the device's timeline is being published (see ``_publish``).
_PUBLISHING = (None, None)


class DeviceLookup(Protocol):
    """Every device the simulation drives, by id (each cloud's registry contributes its own)."""

    def __iter__(self) -> Iterator[Any]: ...

    def get(self, did: str) -> Any: ...

    def filed(self) -> Iterator[tuple[str, Any, Any]]:
        """``(did, wake, device)`` for every device (see :class:`emulator.core.world.DeviceDirectory`)."""
        ...


class Simulation:
    def __init__(self, events: EventQueue, feed: ChangeFeed, history: History, devices: DeviceLookup,
                 now: Callable[[], float], *, live: bool = True) -> None:
        self.events = events
        self.feed = feed
        self.history = history
        self.devices = devices
        self.now = now
        self._live = live
        #: Changes published from timelines, and device wake-ups run (counters for benchmarks).
        self.published = 0
        self.woken = 0
        #: did -> (instant, cause) of its wake-up; instant -> dids filed for it, in order.
        self._wakes: dict[str, tuple[float, str]] = {}
        self._calendar: dict[float, dict[str, None]] = {}
        events.handle(WAKE, self._on_wake)
        events.handle(ONLINE, self._on_online)

    # -- live or lazy -------------------------------------------------------------------------------
    @property
    def live(self) -> bool:
        return self._live

    def set_live(self, live: bool) -> None:
        """Wake devices at every timeline point (True) or only when it cannot wait (False)."""
        if live == self._live:
            return
        self._live = live
        for device in self.devices:
            self.reschedule(device)

    # -- devices joining and changing ------------------------------------------------------------
    def track(self, device: Device, now: float) -> None:
        """A device has just been created at ``now`` and reported its first state."""
        device.sim["seen"] = now
        if not device.online:
            device.sim["frozen"] = device.family.read(device, now)
        self.reschedule(device)

    def materialize(self, device: Device, until: float) -> tuple[float, str] | None:
        """Publish the device's timeline up to ``until``; return its next point after that."""
        self.devices.get(device.did)  # a lookup counts as touched: whoever holds the device, it changes here
        seen = device.sim["seen"]
        if until < seen:
            self.rewind(device, until)
            return None
        if not device.online:
            return None
        return self._publish(device, device.family.next_point(device, seen), until)

    def rewind(self, device: Device, to: float) -> None:
        """The clock was set back before the device's timeline (a test freezing it in the past
        after loading its fixture): the device's timeline moves back with it, so it lives on
        from ``to`` exactly as it would have from where it was. What it had reported after
        ``to`` is forgotten; the values it holds are kept."""
        seconds = to - device.sim["seen"]
        device.family.shift(device, seconds)
        for name in ("updated_at", "state_changed_at", "created_at"):
            setattr(device, name, min(getattr(device, name), getattr(device, name) + seconds))
        device.sim["seen"] = to
        device.cache.pop("reported", None)
        self.history.drop_after(device.did, to)
        self.reschedule(device)

    def rewind_all(self, to: float) -> None:
        """:meth:`rewind` every device whose timeline is ahead of ``to``."""
        for device in self.devices:
            if device.sim["seen"] > to:
                self.rewind(device, to)

    def _publish(self, device: Device, point: tuple[float, str] | None, until: float) -> tuple[float, str] | None:
        """Publish the points from ``point`` (the first after ``seen``) up to ``until``.

        A subscriber may change the device in reaction to what it reports (a linkage rule on the
        device itself): that change starts from the instant being published, which is then seen,
        and the points after it follow from the device's new state."""
        sim = device.sim
        if point is not None and point[0] <= until:
            family = device.family
            publish = self.feed.publish
            step = family.step
            did = device.did
            cache = device.cache
            cached = cache.get("reported")
            seen = sim["seen"]
            previous = cached[1] if cached is not None and cached[0] == seen else family.dynamic(device, seen)
            published = 0
            reported_at = None
            reacted = False
            changes_between = SHARED.changes
            cache["reported"] = _PUBLISHING  # whatever changes the device pops it (see _rearm)
            while point is not None and point[0] <= until:
                at, cause = point
                current, point = step(device, at)
                changes = changes_between(previous, current)
                if changes:
                    sim["seen"] = at
                    publish(Change(did, at, "attrs", changes, cause))
                    reported_at = at
                    published += 1
                    if "reported" not in cache:
                        # A subscriber changed the device: its timeline was published up to where the
                        # change was made (``at`` or later); it goes on from there, in its new state.
                        reacted = True
                        cache["reported"] = _PUBLISHING
                        at = sim["seen"]
                        # Taken offline, it reports nothing more (coming back, it reports what changed).
                        current = family.dynamic(device, at)
                        point = family.next_point(device, at) if device.online else None
                        until = max(until, at)
                previous = current
            # (A write made in reaction may be later than the last report; max() costs 5 % of a live week.)
            if reported_at is not None and reported_at > device.updated_at:
                device.updated_at = reported_at
            self.published += published
            sim["seen"] = until
            if reacted:
                self._rearm(device)  # the wake-up the change filed may fall before ``until``
            # What the device last reported, valid until anything changes it (see reschedule).
            cache["reported"] = (until, previous)
        else:
            sim["seen"] = until
        return point

    def observe(self, device: Device, now: float | None = None) -> Device:
        """Bring the device's published history up to ``now`` (default: the cloud's now)."""
        self.materialize(device, self.now() if now is None else now)
        return device

    def reschedule(self, device: Device) -> None:
        """(Re)arm the device's one wake event after anything changed it."""
        self.devices.get(device.did)  # a lookup counts as touched: every change to a device ends here
        self._rearm(device)

    def _rearm(self, device: Device) -> None:
        device.cache.pop("reported", None)
        if not device.online:
            self._arm(device, None)
        elif self._live:
            self._arm(device, device.family.next_point(device, device.sim["seen"]))
        else:
            due = device.family.wake_point(device, device.sim["seen"])
            self._arm(device, None if due is None else (due, "device"))

    def wake_at(self, did: str) -> float | None:
        """When the device is filed to wake up next, if at all."""
        wake = self._wakes.get(did)
        return wake[0] if wake is not None else None

    def _arm(self, device: Device, point: tuple[float, str] | None) -> None:
        device.wake = point
        self._file(device.did, point)

    def _file(self, did: str, point: tuple[float, str] | None) -> None:
        """File the wake-up of device ``did`` (none: unfile it)."""
        wakes = self._wakes
        old = wakes.get(did)
        if old is not None:
            if point is not None and old[0] == point[0]:
                wakes[did] = point
                return
            self._unfile(did, old[0])
        if point is None:
            return
        due = point[0]
        wakes[did] = point
        bucket = self._calendar.get(due)
        if bucket is None:
            bucket = self._calendar[due] = {}
            key = f"wake@{due!r}"
            if self.events.keyed(key) is None:  # after a restore, the restored event keeps its place
                self.events.schedule(due, WAKE, {"at": due}, key=key)
        bucket[did] = None

    def _unfile(self, did: str, due: float) -> None:
        del self._wakes[did]
        bucket = self._calendar[due]
        del bucket[did]
        if not bucket:
            del self._calendar[due]
            self.events.cancel_key(f"wake@{due!r}")

    def _on_wake(self, data: dict[str, object], due: float) -> None:
        bucket = self._calendar.pop(due, None)
        if not bucket:
            return
        wakes = self._wakes
        devices = self.devices
        live = self._live
        woken = 0
        for did in bucket:
            wake = wakes.get(did)
            if wake is None or wake[0] != due:
                continue  # re-filed meanwhile (a rule changed it while this instant ran)
            del wakes[did]
            device = devices.get(did)
            if device is None:
                continue
            woken += 1
            if live and device.online and device.sim["seen"] < due:
                # The wake-up was the device's next point: publish it; the one after is known.
                self._arm(device, self._publish(device, wake, due))
            else:
                self.materialize(device, due)
                self.reschedule(device)
        self.woken += woken

    # -- snapshots: the calendar is rebuilt, never saved ----------------------------------------------
    def dump(self) -> dict[str, bool]:
        return {"live": self._live}

    def load(self, data: dict[str, bool]) -> None:
        self._live = bool(data.get("live", self._live))

    def rebuild(self) -> None:
        """After a restore: file every device again. A restored wake event whose instant some device
        is filed for stays where it was in the queue (so events due at the same instant keep their
        order); the others are dropped."""
        self._wakes.clear()
        self._calendar.clear()
        # Nothing changed in the devices: each wake-up is filed again, as a state file kept it if it
        # did (without building a device not built yet), else worked out anew.
        for did, wake, device in self.devices.filed():
            if wake == UNFILED:
                self._rearm(device)
            else:
                self._file(did, wake)
        for event in self.events.pending(WAKE):
            if event.data.get("at") not in self._calendar and event.key is not None:
                self.events.cancel_key(event.key)

    # -- online / offline ------------------------------------------------------------------------------
    def go_offline(self, device: Device, now: float) -> None:
        self.materialize(device, now)
        device.sim["frozen"] = device.family.read(device, now)
        device.online = False
        device.state_changed_at = now
        self.feed.publish(Change(device.did, now, "offline", source="device"))
        self.reschedule(device)

    def come_online(self, device: Device, now: float) -> None:
        family = device.family
        frozen = device.sim.pop("frozen", {})
        device.online = True
        device.state_changed_at = now
        device.sim["seen"] = now
        self.feed.publish(Change(device.did, now, "online", source="device"))
        own = family.came_online(device, now)
        if own:
            family.store(device, own, now)
        clock = family.clock(device, now)
        current = family.read(device, now)
        # Back online, the device reports its status: what differs from its last report.
        changes = {k: v for k, v in current.items() if k not in clock and frozen.get(k) != v}
        self.feed.publish(Change(device.did, now, "attrs", changes, source="device"))
        device.updated_at = now
        self.reschedule(device)

    def back_online_after(self, device: Device, now: float, seconds: float) -> None:
        """Schedule the device's return online ``seconds`` after ``now``."""
        self.events.schedule(now + seconds, ONLINE, {"did": device.did}, key="online:" + device.did)

    def _on_online(self, data: dict[str, object], due: float) -> None:
        device = self.devices.get(str(data["did"]))
        if device is not None and not device.online:
            self.set_online(device, True, due)

    # -- what every cloud does to its devices ----------------------------------------------------------
    def register(self, device: Device, now: float, *, source: str = "device") -> None:
        """A new device joins at ``now``: its first report (every value) is published like any
        later change (with ``source``), so the history of a device starts with its full state."""
        self.feed.publish(Change(device.did, now, "attrs", device.read(now), source=source))
        self.track(device, now)

    def apply(self, device: Device, changes: dict[str, Any], now: float, *, source: str, uid: str | None = None,
              appid: str | None = None, payload: bytes | None = None) -> dict[str, Any]:
        """Write validated ``changes`` to ``device`` at ``now`` and publish what changed.

        The device's timeline is published up to ``now`` first, so its history stays in
        order. An offline device changes but reports nothing until it is back online.
        """
        self.materialize(device, now)
        changed = device.write(changes, now)
        if device.online:
            self.feed.publish(Change(device.did, now, "attrs", changed, source=source, uid=uid, appid=appid,
                                     payload=payload))
        self.reschedule(device)
        return changed

    def set_environment(self, device: Device, values: dict[str, Any], now: float) -> dict[str, Any]:
        """Change the world around a device; return the reported values that changed at once.

        The device's family decides what follows; what follows later is on its timeline.
        """
        self.materialize(device, now)
        before = device.read(now)
        device.family.settle(device, now)
        device.environment.update(values)
        own = device.family.environment_changed(device, now)
        if own:
            device.family.store(device, own, now)
        after = device.read(now)
        changed = {k: v for k, v in after.items() if before.get(k) != v}
        if changed:
            device.updated_at = now
            self.feed.publish(Change(device.did, now, "attrs", changed, source="device"))
        self.reschedule(device)
        return changed

    def set_online(self, device: Device, online: bool, now: float, *, back_after: float | None = None) -> None:
        """Take the device offline or bring it back; offline with ``back_after`` seconds, it
        comes back by itself then (an event)."""
        if device.online != online:
            if online:
                self.events.cancel_key("online:" + device.did)
                self.come_online(device, now)
            else:
                self.go_offline(device, now)
        if not online and back_after is not None:
            self.back_online_after(device, now, back_after)
