"""A simulated device and the behaviour interface every product family implements.

A :class:`Device` holds what the cloud knows of one physical device: identity, product,
connection state, the stored data point values (``attrs``: what was written or set),
the world around it (``environment``) and the family's own JSON-able state (``sim``).
What the values *mean* over time belongs to its :class:`Family` (one module per Heatzy
family). State never knows about HTTP.

Time is lazy. A family describes a device as:

- ``clock(device, t)``: the clock data points (``time_week``, ``hour``, ...) at ``t``;
- ``dynamic(device, t)``: the data points that change by themselves (effective mode,
  derogation countdown, sensor readings), a pure function of the stored state and ``t``,
  piecewise constant between *timeline points*;
- ``next_point(device, t)``: the next timeline point after ``t`` and what causes it
  (``"program"`` or ``"device"``); ``wake_point`` the next one that must reach the feed on
  time even when nobody watches (a derogation ending, an open window detected, ...);
- ``settle(device, now)``: fold what time has done into the stored state before a write.

:meth:`Family.read` is every data point at ``t``. Publishing the timeline to the change
feed (materialising it) is the cloud's job: see ``emulator/core/simulation.py``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from ...core.localtime import wall
from .catalog import Product

DEFAULT_TIMEZONE = "Europe/Paris"

#: Who caused a timeline point: the week program, or the device itself (countdowns, sensors).
PROGRAM, DEVICE = "program", "device"


class Family:
    """Behaviour shared by a product family. Stateless: all state lives on the device."""

    name: ClassVar[str] = "generic"

    def initial_state(self, product: Product, rng: random.Random) -> dict[str, Any]:
        return product.datapoints.defaults()

    def setup(self, device: Device, now: float, rng: random.Random) -> None:
        """Give a new device its behaviour state (called once, after ``attrs`` are final)."""

    # -- time --------------------------------------------------------------------------------
    def clock(self, device: Device, t: float) -> dict[str, Any]:
        """The device's clock data points at ``t``."""
        return {}

    def dynamic(self, device: Device, t: float) -> dict[str, Any]:
        """Data points that change by themselves, at ``t`` (see the module docstring)."""
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
        """Every data point value the device reports at ``t``."""
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

        Returns data point values the device writes to its own stored state in reaction
        (none for the Heatzy families: what they report follows from :meth:`dynamic`).
        """
        return {}

    def locked(self, device: Device) -> bool:
        """True when the device's own buttons are locked (``lock_switch`` / ``LOCK_C``)."""
        return False


@dataclass
class Device:
    did: str
    product: Product
    family: Family
    mac: str
    passcode: str
    attrs: dict[str, Any]
    created_at: float
    online: bool = True
    is_disabled: bool = False
    timezone: str = DEFAULT_TIMEZONE
    #: Last data report (``updated_at`` of devdata and bindings).
    updated_at: float = 0.0
    #: Last connection change (``state_last_timestamp``).
    state_changed_at: float = 0.0
    #: Per-device overrides of the product's device metadata (versions, host, ...).
    meta: dict[str, Any] = field(default_factory=dict)
    #: The physical world around the device: room/outdoor temperature, open window, ...
    environment: dict[str, Any] = field(default_factory=dict)
    #: Behaviour state the family keeps beside the data points (JSON-able).
    sim: dict[str, Any] = field(default_factory=dict)
    #: Derived data the family recomputes at will (compiled program, ...); never saved.
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def product_key(self) -> str:
        return self.product.product_key

    def metadata(self, name: str) -> Any:
        return self.meta.get(name, self.product.device_defaults.get(name))

    def local_time(self, now: float) -> datetime:
        return wall(now, self.timezone)

    def read(self, now: float) -> dict[str, Any]:
        return self.family.read(self, now)

    def dump(self) -> dict[str, Any]:
        return {
            "did": self.did, "product_key": self.product_key, "mac": self.mac, "passcode": self.passcode,
            "attrs": dict(self.attrs), "created_at": self.created_at, "online": self.online,
            "is_disabled": self.is_disabled, "timezone": self.timezone, "updated_at": self.updated_at,
            "state_changed_at": self.state_changed_at, "meta": dict(self.meta),
            "environment": dict(self.environment), "sim": _copy(self.sim),
        }

    def write(self, changes: dict[str, Any], now: float) -> dict[str, Any]:
        changed = self.family.write(self, changes, now)
        if changed:
            self.updated_at = now
        return changed


def _copy(value: Any) -> Any:
    """A deep copy of JSON-like data (dicts and lists), cheap for small values."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
