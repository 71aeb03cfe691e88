"""The device every cloud simulates, and the behaviour interface its families implement.

A :class:`Device` holds what the simulation needs of one physical device, whatever cloud it
belongs to: its id, its family, its connection state, the stored values (``attrs``: what
was written or set), the world around it (``environment``) and the family's own JSON-able
state (``sim``). Each cloud subclasses it with its own identity (a Gizwits product key and
passcode, an eWeLink UIID and apikey). What the values *mean* over time belongs to its
:class:`Family` (one module per product family in each cloud). State never knows about HTTP.

Time is lazy. A family describes a device as:

- ``clock(device, t)``: the clock values (``time_week``, ``hour``, ...) at ``t``;
- ``dynamic(device, t)``: the values that change by themselves (effective mode, countdowns,
  sensor readings), a pure function of the stored state and ``t``, piecewise constant
  between *timeline points*;
- ``next_point(device, t)``: the next timeline point after ``t`` and what causes it;
  ``wake_point`` the next one that must reach the feed on time even when nobody watches;
- ``settle(device, now)``: fold what time has done into the stored state before a write.

:meth:`Family.read` is every value at ``t``. Publishing the timeline to the change feed
(materialising it) is :mod:`emulator.core.simulation`'s job.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from msgspec import Struct, field

#: Who caused a timeline point: a program, or the device itself (countdowns, sensors).
PROGRAM, DEVICE = "program", "device"
#: :attr:`Device.wake` of a device the simulation has not filed yet.
UNFILED = "unfiled"


class Family:
    """Behaviour shared by a product family. Stateless: all state lives on the device."""

    name: ClassVar[str] = "generic"

    def setup(self, device: Device, now: float, rng: random.Random) -> None:
        """Give a new device its behaviour state (called once, after ``attrs`` are final)."""

    # -- time --------------------------------------------------------------------------------
    def clock(self, device: Device, t: float) -> dict[str, Any]:
        """The device's clock values at ``t``."""
        return {}

    def dynamic(self, device: Device, t: float) -> dict[str, Any]:
        """Values that change by themselves, at ``t`` (see the module docstring)."""
        return {}

    def next_point(self, device: Device, t: float) -> tuple[float, str] | None:
        """The first timeline point strictly after ``t``, with its cause, or None."""
        return None

    def step(self, device: Device, t: float) -> tuple[dict[str, Any], tuple[float, str] | None]:
        """``(dynamic(t), next_point(t))`` at once; families may fuse the two for speed."""
        return self.dynamic(device, t), self.next_point(device, t)

    def wake_point(self, device: Device, t: float) -> float | None:
        """The first point after ``t`` that must be published on time even if nobody watches."""
        return None

    def settle(self, device: Device, now: float) -> None:
        """Store what time has changed up to ``now`` (countdowns, ended overrides, temperature)."""

    def shift(self, device: Device, seconds: float) -> None:
        """Move every instant the family keeps in ``device.sim`` by ``seconds`` (negative when
        the emulator's clock was set back before the device's timeline; see simulation.py)."""

    # -- reading and writing -------------------------------------------------------------------
    def read(self, device: Device, t: float) -> dict[str, Any]:
        """Every value the device reports at ``t``."""
        frozen = device.sim.get("frozen")
        if frozen is not None:
            return dict(frozen)
        values = dict(device.attrs)
        values.update(self.clock(device, t))
        values.update(self.dynamic(device, t))
        return values

    def store(self, device: Device, changes: dict[str, Any], now: float) -> None:
        """Store validated written values (after :meth:`settle`). Families add side effects."""
        device.attrs.update(changes)

    def write(self, device: Device, changes: dict[str, Any], now: float) -> dict[str, Any]:
        """Apply validated ``changes`` at ``now``; return the reported values that changed."""
        before = self.read(device, now)
        self.settle(device, now)
        self.store(device, changes, now)
        after = self.read(device, now)
        return {k: v for k, v in after.items() if before.get(k) != v}

    def environment_changed(self, device: Device, now: float) -> dict[str, Any]:
        """React to a change of ``device.environment`` (already settled at ``now``).

        Returns values the device writes to its own stored state in reaction (none when
        what it reports follows from :meth:`dynamic` alone).
        """
        return {}

    def locked(self, device: Device) -> bool:
        """True when the device's own buttons are locked."""
        return False

    def came_online(self, device: Device, now: float) -> dict[str, Any]:
        """Values the device sets by itself when it reconnects (a power-on state); none by default."""
        return {}


class Device(Struct, kw_only=True):
    did: str
    family: Family
    attrs: dict[str, Any]
    created_at: float
    online: bool = True
    #: Last data report.
    updated_at: float = 0.0
    #: Last connection change.
    state_changed_at: float = 0.0
    #: The physical world around the device: room/outdoor temperature, open window, ...
    environment: dict[str, Any] = field(default_factory=dict)
    #: Behaviour state the family keeps beside the values (JSON-able).
    sim: dict[str, Any] = field(default_factory=dict)
    #: Derived data the family recomputes at will (compiled program, ...); never saved.
    cache: dict[str, Any] = field(default_factory=dict)
    #: The wake-up the simulation filed for the device, ``(instant, cause)`` or None; :data:`UNFILED`
    #: until it files one. A state file keeps it beside the device, so a restart files every device
    #: again as it was instead of working out each one's next timeline point (not in snapshots: a
    #: restore works them out).
    wake: Any = UNFILED

    def read(self, now: float) -> dict[str, Any]:
        return self.family.read(self, now)

    def write(self, changes: dict[str, Any], now: float) -> dict[str, Any]:
        changed = self.family.write(self, changes, now)
        if changed:
            self.updated_at = now
        return changed


def copy_json(value: Any) -> Any:
    """A deep copy of JSON-like data (dicts and lists), cheap for small values."""
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) for v in value]
    return value
