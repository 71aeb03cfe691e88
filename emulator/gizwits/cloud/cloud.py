"""The Gizwits cloud: its stores and engines, assembled on the world's core pieces.

``Cloud`` is the Gizwits part of a :class:`~emulator.core.world.World`: it builds the
Gizwits stores (users, bindings, sharing, automation ...) on the world's clock, event
queue, change feed and simulation, registers them for snapshots and its devices with the
world's directory, and loads the Gizwits part of scenarios. ``Cloud(config)`` alone makes
a world of its own with only this cloud in it (what most tests use); the application adds
the other clouds to the same world.

Routes call the methods here (or the stores' own) and never touch device behaviour
themselves. The world's lock guards the whole state.

In memory by default; :meth:`Cloud.keep_state` keeps the whole world (every cloud of it) in
a state file from then on (:mod:`emulator.core.durable`), and ``cloud.durable.commit()``
saves what changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...config import EmulatorConfig
from ...core.changes import ChangeFeed
from ...core.clock import Clock
from ...core.durable import DurableState, NoDurableState
from ...core.events import EventQueue
from ...core.faults import FaultRules
from ...core.history import History
from ...core.ids import IdFactory
from ...core.journal import Journal
from ...core.outbox import Outbox
from ...core.persist import Store
from ...core.randomness import RandomStates
from ...core.scenario import Fixture, Problem
from ...core.sessions import SessionRegistry
from ...core.simulation import Simulation
from ...core.world import World
from ..devices import Device, p0
from ..devices.catalog import Catalog, Product, load_catalog
from ..devices.datapoints import InvalidValue
from ..errors import ERRORS, ApiError
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

#: What a device-level fault rule makes an app's command answer.
DEVICE_FAULT_CODES = {"not_delivered": 9021, "offline": 9042}


class Cloud:
    name = "gizwits"

    def __init__(self, config: EmulatorConfig | None = None, clock: Clock | None = None, *,
                 world: World | None = None) -> None:
        self.catalog: Catalog = load_catalog()
        self._replaced: list[Callable[[Cloud], None]] = []
        self.world = world if world is not None else World(config or EmulatorConfig(), clock)
        self.world.attach(self)

    def on_state_replaced(self, hook: Callable[[Cloud], None]) -> None:
        """Call ``hook(cloud)`` now and after every :meth:`reset` and :meth:`restore`: live wiring
        that is not state (push channels) attaches itself to the new stores there. Once per hook."""
        if hook not in self._replaced:
            self._replaced.append(hook)
            hook(self)

    def state_replaced(self) -> None:
        """The world replaced the state (a reset, a restore): the hooks attach to the new stores."""
        for hook in self._replaced:
            hook(self)

    # -- the world's pieces, seen from this cloud ---------------------------------------------------
    @property
    def config(self) -> EmulatorConfig:
        return self.world.config

    @config.setter
    def config(self, value: EmulatorConfig) -> None:
        self.world.config = value

    @property
    def clock(self) -> Clock:
        return self.world.clock

    @property
    def lock(self) -> threading.RLock:
        return self.world.lock  # type: ignore[return-value]

    @property
    def events(self) -> EventQueue:
        return self.world.events

    @property
    def feed(self) -> ChangeFeed:
        return self.world.feed

    @property
    def history(self) -> History:
        return self.world.history

    @property
    def faults(self) -> FaultRules:
        return self.world.faults

    @property
    def journal(self) -> Journal:
        return self.world.journal

    @journal.setter
    def journal(self, value: Journal) -> None:
        self.world.journal = value

    @property
    def simulation(self) -> Simulation:
        return self.world.simulation

    @property
    def stores(self) -> dict[str, Store]:
        return self.world.stores

    @property
    def sessions(self) -> SessionRegistry:
        """Live WebSocket sessions: the world's, they outlive resets (which close them)."""
        return self.world.sessions

    # -- the world's part -------------------------------------------------------------------------
    def build(self, world: World) -> None:
        """Build every Gizwits store and engine on ``world``'s core pieces (at each reset)."""
        self.ids = IdFactory(world.config.seed)
        self.apps = AppRegistry()
        self.users = UserStore(self.ids, world.config.token_ttl)
        self.devices = DeviceRegistry(self.ids, self.catalog)
        self.bindings = BindingStore()
        self.schedulers = SchedulerStore(self.ids)
        self.outbox = Outbox()
        self.codes = VerificationStore(self.outbox, world.config.token_ttl)
        self.sharing = SharingStore()
        self.messages = MessageStore(self.ids)
        sharing_flow.register(self)
        #: Device scheduler tasks run at their time.
        self.tasks = TaskRunner(self)
        # Automation: groups, linkage rules, scenes, common and legacy cloud schedulers.
        self.groups = GroupStore(self.ids)
        self.rules = RuleStore()
        self.scenes = SceneStore(self.ids)
        self.common_schedulers = CommonSchedulerStore(self.ids)
        self.task_schedulers = TaskListStore(self.ids)
        automation.install(self)
        world.devices.register(self.name, self.devices)
        world.register_stores({
            "apps": self.apps, "users": self.users, "devices": self.devices, "bindings": self.bindings,
            "schedulers": self.schedulers, "outbox": self.outbox, "codes": self.codes, "sharing": self.sharing,
            "messages": self.messages, "random": RandomStates({"ids": self.ids.random, "devices": self.devices.rng}),
            "groups": self.groups, "rules": self.rules, "scenes": self.scenes,
            "common_schedulers": self.common_schedulers, "task_schedulers": self.task_schedulers,
        })

    def scenario_problems(self, document: dict[str, Any]) -> list[Problem]:
        from .scenario_checks import meaning_problems

        return meaning_problems(self, document)

    def load(self, document: dict[str, Any]) -> None:
        from .scenario import add_scenario

        add_scenario(self, document)

    @staticmethod
    def knows_error(code: int) -> bool:
        return code in ERRORS

    def reset(self, fixture: Fixture | None = None) -> None:
        """Forget everything (every cloud of the world) and load ``fixture`` (default: the configured one)."""
        self.world.reset(fixture)

    # -- snapshots -----------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """The whole state (every cloud of the world) as one JSON-able document."""
        return self.world.snapshot()

    def restore(self, document: dict[str, Any], *, private: bool = False) -> None:
        """Put back a :meth:`snapshot`. The clock is left as it is (``private``: see ``World.restore``)."""
        self.world.restore(document, private=private)

    # -- the durable state (the world's: every cloud of it) -------------------------------------------
    def keep_state(self, path: str | Path, *, sync: str = "normal") -> bool:
        """:meth:`World.keep_state <emulator.core.world.World.keep_state>`."""
        return self.world.keep_state(path, sync=sync)

    @property
    def durable(self) -> DurableState | NoDurableState:
        return self.world.durable

    # -- time ----------------------------------------------------------------------------
    def now(self) -> float:
        return self.world.clock.now()

    def sync(self) -> float:
        """Run every event that has come due; return the time the state is now at."""
        return self.world.sync()

    def advance(self, seconds: float) -> float:
        """Move the clock forward and run, in order, every event that came due."""
        return self.world.advance(seconds)

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
        self.simulation.register(device, now)
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
            self.simulation.set_online(device, online, self.now() if now is None else now, back_after=back_after)

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
            return self.simulation.set_environment(device, values, self.now())

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
        fault = self.faults.command_fault(appid, did, user.uid, user.email, user.username)
        if fault is not None:
            raise ApiError(DEVICE_FAULT_CODES[fault.device or ""], f"fault rule {fault.id}")
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
        return self.simulation.apply(device, changes, self.now() if now is None else now, source=source, uid=uid,
                                     appid=appid, payload=payload)
