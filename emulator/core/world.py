"""The world every cloud lives in: one clock, one event queue, one change feed and history,
one set of fault rules and one request journal, one simulation, one registry of stores.

Clouds are *parts* of the world (:class:`CloudPart`): each builds its stores and engines on
the world's pieces, registers its stores under its own names (a snapshot is every store of
every part), registers its devices with the world's :class:`DeviceDirectory` (so the
simulation and the control plane reach them by id) and reads its own part of a scenario
document. The world knows no cloud: the application assembles them (``emulator/app.py``).

One re-entrant lock guards the whole state, so a live server thread and a test thread can
share it. :meth:`World.reset` builds the core pieces anew and asks every part to rebuild
on them, in the order the parts were attached.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .changes import ChangeFeed
from .clock import Clock
from .device import Device
from .durable import DurableState, NoDurableState
from .events import EventQueue
from .faults import FaultRules
from .history import History
from .journal import Journal
from .persist import Store, adopting
from .scenario import Fixture, Problem, Scenario, checked, read_scenario
from .sessions import SessionRegistry
from .simulation import Simulation

if TYPE_CHECKING:
    from ..config import EmulatorConfig


class CloudPart(Protocol):
    """What a cloud gives the world."""

    #: Short name: ``"gizwits"``, ``"ewelink"``.
    name: str

    def build(self, world: World) -> None:
        """Build every store and engine anew on the world's (new) core pieces."""

    def scenario_problems(self, document: dict[str, Any]) -> list[Problem]:
        """What is wrong with this cloud's part of a scenario that the schema cannot tell (unknown
        products, references, values taken twice ... against the current state); [] if nothing."""

    def load(self, document: dict[str, Any]) -> None:
        """Add this cloud's part of a checked scenario document to its state."""

    def knows_error(self, code: int) -> bool:
        """True when ``code`` is in this cloud's error table (fault rules may answer it)."""

    def state_replaced(self) -> None:
        """The state was replaced (a reset, a restore): live wiring re-attaches to the new stores."""


class DeviceDirectory:
    """Every cloud's devices by id: each part registers the registry that holds its own."""

    def __init__(self) -> None:
        self._registries: dict[str, Any] = {}

    def register(self, owner: str, registry: Any) -> None:
        """``registry`` has ``get(did)`` and iterates over its devices."""
        self._registries[owner] = registry

    def __iter__(self) -> Iterator[Device]:
        for registry in list(self._registries.values()):
            yield from registry

    def peek(self) -> Iterator[Device]:
        """Every device, to read only: a registry with ``peek()`` (a record store) does not count
        them as touched (see :meth:`emulator.gizwits.cloud.devicedata.registry.DeviceRegistry.peek`)."""
        for registry in list(self._registries.values()):
            yield from registry.peek() if hasattr(registry, "peek") else registry

    def filed(self) -> Iterator[tuple[str, Any, Device | None]]:
        """``(did, wake, device)`` for every device, to read only (``wake`` as :attr:`Device.wake` holds
        it): a registry with ``filed()`` may give None for a device it has not built yet, whose wake-up
        it knows (see
        :meth:`emulator.gizwits.cloud.devicedata.registry.DeviceRegistry.filed`)."""
        for registry in list(self._registries.values()):
            if hasattr(registry, "filed"):
                yield from registry.filed()
            else:
                for device in registry.peek() if hasattr(registry, "peek") else registry:
                    yield device.did, device.wake, device

    def get(self, did: str) -> Any:
        for registry in self._registries.values():
            device = registry.get(did)
            if device is not None:
                return device
        return None

    def owner(self, did: str) -> str | None:
        """The name of the part whose device ``did`` is."""
        for name, registry in self._registries.items():
            if registry.get(did) is not None:
                return name
        return None


class World:
    def __init__(self, config: EmulatorConfig, clock: Clock | None = None) -> None:
        self.config = config
        self.clock = clock or Clock()
        self.lock = threading.RLock()
        self.parts: dict[str, CloudPart] = {}
        #: Live WebSocket sessions of every cloud: they outlive resets (which close them), like the listeners.
        self.sessions = SessionRegistry(self.clock.now, heartbeat_timeout=config.ws_heartbeat_timeout,
                                        journal_size=config.journal_size)
        #: Where the world is kept: nowhere (memory only) until :meth:`keep_state`.
        self.durable: DurableState | NoDurableState = NoDurableState()
        self.journal = Journal(config.journal_size, config.journal_bytes)
        self._build_core()

    def _build_core(self) -> None:
        #: The latest instant the state was brought to (see :meth:`sync`).
        self._synced = self.clock.now()
        self.events = EventQueue()
        self.feed = ChangeFeed()
        self.history = History(self.feed)
        self.devices = DeviceDirectory()
        #: Test control plane: fault rules (saved in snapshots; the request journal is not, and is kept
        #: across resets, which clear it, so its ids go on).
        self.faults = FaultRules(self.config.seed, self.knows_error)
        #: Devices in time: timelines to the feed, wake-ups, online/offline.
        self.simulation = Simulation(self.events, self.feed, self.history, self.devices, self.now)
        #: Everything a snapshot saves, by name. Each part adds its own stores.
        self.stores: dict[str, Store] = {
            "events": self.events, "history": self.history, "faults": self.faults, "simulation": self.simulation,
        }

    # -- parts ----------------------------------------------------------------------------------------
    def attach(self, part: CloudPart) -> None:
        """Add a cloud: it builds on the current core pieces and loads its part of the configured fixture."""
        with self.lock:
            if part.name in self.parts:
                raise ValueError(f"a {part.name} cloud is already attached")
            scenario = read_scenario(self.config.fixture)
            self.parts[part.name] = part
            part.build(self)
            part.load(checked(scenario, [part.scenario_problems(scenario.document)]
                              if isinstance(scenario.document, dict) else []))

    def part(self, name: str) -> Any:
        """The attached cloud called ``name``, or None."""
        return self.parts.get(name)

    def knows_error(self, code: int) -> bool:
        return any(part.knows_error(code) for part in self.parts.values())

    def register_stores(self, stores: dict[str, Store]) -> None:
        clash = sorted(set(stores) & set(self.stores))
        if clash:
            raise ValueError(f"stores {clash} are registered twice")
        self.stores.update(stores)

    # -- state ----------------------------------------------------------------------------------------
    def reset(self, fixture: Fixture | None = None) -> None:
        """Forget everything and load ``fixture`` (default: the configured one) into every part."""
        with self.lock:
            scenario = read_scenario(fixture if fixture is not None else self.config.fixture)
            self._build_core()
            for part in self.parts.values():
                part.build(self)
            document = self._checked(scenario)  # against the new, empty stores
            for part in self.parts.values():
                part.load(document)
            self._state_replaced()

    def _checked(self, scenario: Scenario) -> dict[str, Any]:
        """The document, or :class:`~emulator.core.scenario.ScenarioError` with every problem of
        every part (the schema's, then each cloud's)."""
        parts = list(self.parts.values())
        document = scenario.document
        return checked(scenario, (part.scenario_problems(document) for part in parts))

    def _state_replaced(self) -> None:
        for part in self.parts.values():
            part.state_replaced()

    def seed(self, fixture: Fixture) -> dict[str, Any]:
        """Add a scenario's content to the current state of every part; return the document."""
        with self.lock:
            document = self._checked(read_scenario(fixture))
            for part in self.parts.values():
                part.load(document)
            return document

    def snapshot(self) -> dict[str, Any]:
        """The whole state as one JSON-able document."""
        with self.lock:
            return {"format": 1, "taken_at": self.now(), "stores": {n: s.dump() for n, s in self.stores.items()}}

    def restore(self, document: dict[str, Any], *, private: bool = False) -> None:
        """Put back a :meth:`snapshot`. The clock is left as it is. ``private``: the document is the
        caller's own copy, which the stores may keep (see :func:`emulator.core.persist.adopting`)."""
        with self.lock, adopting() if private else contextlib.nullcontext():
            for name, data in document["stores"].items():
                if name not in self.stores:
                    raise ValueError(f"unknown store {name!r} in snapshot")
                self.stores[name].load(data)
            self.simulation.rebuild()
            self._state_replaced()

    # -- the durable state -------------------------------------------------------------------------
    def state_parts(self) -> dict[str, Any]:
        """What a state file keeps: every store of every cloud, and the clock (its mode and instant)."""
        return {**self.stores, "clock": self.clock}

    def keep_state(self, path: str | Path, *, sync: str = "normal") -> bool:
        """Keep the world in the state file at ``path`` from now on (:mod:`emulator.core.durable`). A
        file holding a world is loaded (True): the devices go on from where they were, and what fell
        due while the emulator was down runs at the next request. A new file gets the current world
        (False). A cloud's stores are kept by being registered. Raises
        :class:`~emulator.core.durable.StateFileError` for a file it cannot use. ``sync``: "normal"
        (no end of the process loses an answered write) or "full" (nor does a power cut)."""
        durable = DurableState(path, self.state_parts, self.lock, sync=sync)
        loaded = durable.open(after_load=self._loaded)
        self.durable = durable
        return loaded

    def _loaded(self) -> None:
        """After the stores were loaded from a state file: as after a restore."""
        self.simulation.rebuild()
        self._state_replaced()

    # -- time ----------------------------------------------------------------------------------------
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
