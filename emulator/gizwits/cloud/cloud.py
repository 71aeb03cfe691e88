"""The cloud: every store, the clock, the event queue and the change feed, in one object.

Routes call the methods here (or the stores' own) and never touch device behaviour
themselves. One re-entrant lock guards the whole state, so a live server thread and a
test thread can share it.

In memory by default; :meth:`Cloud.keep_state` keeps the world in a state file from then
on (:mod:`emulator.core.durable`), and ``cloud.durable.commit()`` saves what changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...config import EmulatorConfig
from ...core.changes import Change, ChangeFeed
from ...core.clock import Clock
from ...core.durable import DurableState, NoDurableState
from ...core.events import EventQueue
from ...core.faults import FaultRules, RequestInfo, identities
from ...core.history import History
from ...core.ids import IdFactory
from ...core.journal import Journal
from ...core.outbox import Outbox
from ...core.persist import Store
from ...core.randomness import RandomStates
from ...core.sessions import SessionRegistry
from ...core.simulation import Simulation
from ..devices import Device, p0
from ..devices.catalog import Catalog, Product, load_catalog
from ..devices.datapoints import InvalidValue
from ..errors import ApiError
from .automation import wiring as automation
from .automation.common_schedulers import CommonSchedulerStore
from .automation.groups import GroupStore
from .automation.linkage import RuleStore
from .automation.scenes import SceneStore
from .automation.schedulers import SchedulerStore
from .automation.task_runner import TaskRunner
from .automation.task_schedulers import TaskListStore
from .devicedata.registry import DeviceRegistry
from .identity.apps import AppRegistry
from .identity.users import User, UserStore
from .identity.verification import VerificationStore
from .sharing import flow as sharing_flow
from .sharing.bindings import Binding, BindingStore
from .sharing.messages import MessageStore
from .sharing.records import SharingStore


class Cloud:
    def __init__(self, config: EmulatorConfig | None = None, clock: Clock | None = None) -> None:
        self.config = config or EmulatorConfig()
        self.clock = clock or Clock()
        self.catalog: Catalog = load_catalog()
        self.lock = threading.RLock()
        #: Where the world is kept: nowhere (memory only) until :meth:`keep_state`.
        self.durable: DurableState | NoDurableState = NoDurableState()
        #: Live WebSocket sessions: they outlive resets (which close them), like the listeners.
        self.sessions = SessionRegistry(self.clock.now, heartbeat_timeout=self.config.ws_heartbeat_timeout,
                                        journal_size=self.config.journal_size)
        self._replaced: list[Callable[[Cloud], None]] = []
        self.reset()

    def on_state_replaced(self, hook: Callable[[Cloud], None]) -> None:
        """Call ``hook(cloud)`` now and after every :meth:`reset` and :meth:`restore`: live wiring
        that is not state (push channels) attaches itself to the new stores there. Once per hook."""
        if hook not in self._replaced:
            self._replaced.append(hook)
            hook(self)

    def _state_replaced(self) -> None:
        for hook in self._replaced:
            hook(self)

    def reset(self, fixture: str | None = None) -> None:
        """Forget everything and load ``fixture`` (default: the configured one)."""
        from .scenario import load_scenario

        with self.lock:
            self.ids = IdFactory(self.config.seed)
            #: The latest instant the state was brought to (see :meth:`sync`).
            self._synced = self.clock.now()
            self.apps = AppRegistry()
            self.users = UserStore(self.ids, self.config.token_ttl)
            self.devices = DeviceRegistry(self.ids, self.catalog)
            self.bindings = BindingStore()
            self.schedulers = SchedulerStore(self.ids)
            self.outbox = Outbox()
            self.events = EventQueue()
            self.feed = ChangeFeed()
            self.history = History(self.feed)
            self.codes = VerificationStore(self.outbox, self.config.token_ttl)
            self.sharing = SharingStore()
            self.messages = MessageStore(self.ids)
            sharing_flow.register(self)
            #: Test control plane: fault rules (saved in snapshots) and the request journal (not saved).
            self.faults = FaultRules(self.config.seed)
            self.journal = Journal(self.config.journal_size, self.config.journal_bytes)
            #: Devices in time: timelines to the feed, wake-ups, online/offline.
            self.simulation = Simulation(self)
            #: Device scheduler tasks run at their time.
            self.tasks = TaskRunner(self)
            # Automation: groups, linkage rules, scenes, common and legacy cloud schedulers.
            self.groups = GroupStore(self.ids)
            self.rules = RuleStore()
            self.scenes = SceneStore(self.ids)
            self.common_schedulers = CommonSchedulerStore(self.ids)
            self.task_schedulers = TaskListStore(self.ids)
            automation.install(self)
            #: Everything a snapshot saves, by name. A new store registers itself here.
            self.stores: dict[str, Store] = {
                "apps": self.apps, "users": self.users, "devices": self.devices, "bindings": self.bindings,
                "schedulers": self.schedulers, "outbox": self.outbox, "events": self.events,
                "history": self.history, "codes": self.codes, "sharing": self.sharing, "messages": self.messages,
                "faults": self.faults, "random": RandomStates({"ids": self.ids.random, "devices": self.devices.rng}),
                "simulation": self.simulation, "groups": self.groups, "rules": self.rules, "scenes": self.scenes,
                "common_schedulers": self.common_schedulers, "task_schedulers": self.task_schedulers,
            }
            load_scenario(self, fixture if fixture is not None else self.config.fixture)
            self._state_replaced()

    # -- snapshots -----------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """The whole state as one JSON-able document."""
        with self.lock:
            return {"format": 1, "taken_at": self.now(), "stores": {n: s.dump() for n, s in self.stores.items()}}

    def restore(self, document: dict[str, Any]) -> None:
        """Put back a :meth:`snapshot`. The clock is left as it is."""
        with self.lock:
            for name, data in document["stores"].items():
                if name not in self.stores:
                    raise ValueError(f"unknown store {name!r} in snapshot")
                self.stores[name].load(data)
            self.simulation.rebuild()
            self._state_replaced()

    # -- the durable state ------------------------------------------------------------------
    def parts(self) -> dict[str, Any]:
        """What a state file keeps: every store, and the clock (its mode and instant)."""
        return {**self.stores, "clock": self.clock}

    def keep_state(self, path: str | Path, *, sync: str = "normal") -> bool:
        """Keep the world in the state file at ``path`` from now on. A file holding a world is
        loaded (True): the devices go on from where they were, and what fell due while the
        emulator was down runs at the next request. A new file gets the current world (False).
        Raises :class:`~emulator.core.durable.StateFileError` for a file it cannot use. ``sync``:
        "normal" (no end of the process loses an answered write) or "full" (nor does a power cut)."""
        durable = DurableState(path, self.parts, self.lock, sync=sync)
        loaded = durable.open(after_load=self._loaded)
        self.durable = durable
        return loaded

    def _loaded(self) -> None:
        """After the stores were loaded from a state file: as after a restore."""
        self.simulation.rebuild()
        self._state_replaced()

    # -- time ----------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock.now()

    def sync(self) -> float:
        """Run every event that has come due; return the time the state is now at.

        When the clock was set back (frozen in the past, a negative offset), the devices'
        timelines move back with it first (``Simulation.rewind``).
        """
        now = self.clock.now()
        if now < self._synced:
            self.simulation.rewind_all(now)
        self._synced = now
        self.events.run_until(now)
        return now

    def advance(self, seconds: float) -> float:
        """Move the clock forward and run, in order, every event that came due."""
        with self.lock:
            self.clock.advance(seconds)
            return self.sync()

    # -- devices and bindings ------------------------------------------------------------
    def product(self, product_key: str | None) -> Product:
        product = self.catalog.get(product_key or "")
        if product is None:
            raise ApiError(9002, f"unknown product_key {product_key!r}")
        return product

    def bound_device(self, user: User, did: str, now: float | None = None) -> tuple[Device, Binding]:
        """The device ``did`` and the user's binding to it: 9014 if unknown, 9017 if not bound.

        The device is observed: its history is published up to ``now`` (default: the clock's
        now; an event handler passes the time its event was due).
        """
        device = self.devices.require(did)
        binding = self.bindings.get(user.uid, did)
        if binding is None:
            raise ApiError(9017, f"device {did!r} is not bound to this user")
        return self.observe(device, now), binding

    def observe(self, device: Device, now: float | None = None) -> Device:
        """Publish what the device reported up to ``now`` (default: the clock's now; see
        ``simulation.py``); call it before reading ``updated_at`` or the device's history."""
        with self.lock:
            return self.simulation.observe(device, self.now() if now is None else now)

    def register_device(self, product: Product, **options: Any) -> Device:
        """A new device joins the cloud (fixture, device-side registration, admin).

        Its first report (every data point) is published like any later change, so the
        history of a device starts with its full state.
        """
        now = self.now()
        device = self.devices.create(product, now, **options)
        self.feed.publish(Change(device.did, now, "attrs", device.read(now), source="device"))
        self.simulation.track(device, now)
        return device

    def bind(self, user: User, device: Device, *, dev_alias: str = "", remark: str = "",
             set_owner: bool = False) -> Binding:
        """Bind with the role the rules give (see :mod:`.bindings`); 9092 if the device has an owner."""
        return self.bindings.bind(user.uid, device.did, self.now(), dev_alias=dev_alias, remark=remark,
                                  sharing=device.product.sharing, set_owner=set_owner)

    def unbind(self, user: User, did: str, now: float | None = None) -> bool:
        """``user`` leaves ``did`` (an owner takes its guests along); False if it was not bound."""
        removed = self.bindings.unbind(user.uid, did)
        now = self.now() if now is None else now
        for binding in removed:
            self.schedulers.drop_device(did, binding.uid)
            sharing_flow.binding_removed(self, binding, now)
            automation.device_unbound(self, did, binding.uid)
        return bool(removed)

    def set_online(self, device: Device, online: bool, now: float | None = None, *,
                   back_after: float | None = None) -> None:
        """Take the device offline or bring it back; offline with ``back_after`` seconds, it
        comes back by itself then (an event). Offline, devdata shows its last report."""
        with self.lock:
            now = self.now() if now is None else now
            if device.online != online:
                if online:
                    self.events.cancel_key("online:" + device.did)
                    self.simulation.come_online(device, now)
                else:
                    self.simulation.go_offline(device, now)
            if not online and back_after is not None:
                self.simulation.back_online_after(device, now, back_after)

    # -- the physical world ----------------------------------------------------------------
    def press(self, device: Device, changes: dict[str, Any]) -> dict[str, Any]:
        """Someone uses the device's own buttons: a local change, reported by the device.

        On a locked device (``lock_switch``/``LOCK_C``) the buttons do nothing.
        """
        values = device.product.datapoints.validate_state(changes)
        if device.family.locked(device):
            return {}
        return self.apply(device, values, source="device")

    def set_environment(self, device: Device, **values: Any) -> dict[str, Any]:
        """Change the world around a device; return the reported values that changed at once.

        Keys (docs/simulation.md): ``outdoor_temp`` (°C), ``window_open`` (bool),
        ``room_temp`` (°C, sets the room temperature now; it then evolves), ``humidity``
        (% now, Pilote Pro), ``presence`` (bool, Pilote Pro presence detection). The
        device's family decides what follows (heating, open-window detection, ...); what
        follows later (a window detected a minute on) is on the device's timeline.
        """
        with self.lock:
            now = self.now()
            self.simulation.materialize(device, now)
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
            self.simulation.reschedule(device)
            return changed

    # -- control -------------------------------------------------------------------------
    def control(self, user: User, appid: str, did: str, *, attrs: dict[str, Any] | None = None,
                raw: list[int] | None = None, source: str = "app", now: float | None = None) -> dict[str, Any]:
        """An app's control request: checks, then the write; returns what changed.

        Automation (rules, scenes, cloud schedulers) controls through here too, on behalf of
        the user who owns it, with its own ``source`` and the time its event was due (``now``).
        """
        device, _ = self.bound_device(user, did, now)
        if device.is_disabled:
            raise ApiError(9023)
        if not device.online:
            raise ApiError(9042, f"device {did!r} is offline")
        fault = self.faults.device_fault(RequestInfo("POST", "", appid, identities(user.uid, user.email, user.username),
                                                     (did,)))
        if fault is not None:
            raise ApiError(fault[0], f"fault rule {fault[1].id}")
        changes, payload = self.command(device, attrs=attrs, raw=raw)
        return self.apply(device, changes, source=source, uid=user.uid, appid=appid, payload=payload, now=now)

    def command(self, device: Device, *, attrs: dict[str, Any] | None = None,
                raw: bytes | list[int] | None = None) -> tuple[dict[str, Any], bytes]:
        """What a control sends to ``device``: the validated changes and the P0 payload.

        ``attrs`` are checked against the product's data points (9025 when one is bad).
        """
        if raw is not None:
            payload = bytes(raw)
            return self._decode_raw(device, payload), payload
        datapoints = device.product.datapoints
        try:
            changes = datapoints.validate_write(attrs or {})
        except InvalidValue as error:
            raise ApiError(9025, str(error)) from None
        return changes, datapoints.encode_write(changes)

    @staticmethod
    def _decode_raw(device: Device, payload: bytes) -> dict[str, Any]:
        """Decode a raw write. A full P0 frame (``00 00 00 03 ...``) is unwrapped first.

        A payload the device cannot decode is still delivered (the cloud does not parse raw
        commands); the device ignores it, so nothing changes.
        """
        try:
            if payload[:4] == p0.HEADER:
                payload = p0.decode(payload).payload
            return device.product.datapoints.decode_write(payload)
        except (InvalidValue, p0.FrameError):
            return {}

    def apply(self, device: Device, changes: dict[str, Any], *, source: str, uid: str | None = None,
              appid: str | None = None, payload: bytes | None = None, now: float | None = None) -> dict[str, Any]:
        """Write validated ``changes`` to ``device`` and publish what changed.

        The device's timeline is published up to ``now`` first, so its history stays in
        order. An offline device changes but reports nothing until it is back online.
        """
        now = self.now() if now is None else now
        self.simulation.materialize(device, now)
        changed = device.write(changes, now)
        if device.online:
            self.feed.publish(Change(device.did, now, "attrs", changed, source=source, uid=uid, appid=appid,
                                     payload=payload))
        self.simulation.reschedule(device)
        return changed
