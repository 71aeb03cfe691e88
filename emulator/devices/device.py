"""A simulated device and the behaviour interface every product family implements.

A :class:`Device` holds what the cloud knows of one physical device: identity, product,
connection state and the stored data point values. What the values *mean* over time
belongs to its :class:`Family` (one module per Heatzy family), which the device
delegates to for writes and reads. State never knows about HTTP.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from .catalog import Product

DEFAULT_TIMEZONE = "Europe/Paris"


class Family:
    """Behaviour shared by a product family. Stateless: all state lives on the device."""

    name: ClassVar[str] = "generic"

    def initial_state(self, product: Product, rng: random.Random) -> dict[str, Any]:
        return product.datapoints.defaults()

    def write(self, device: Device, changes: dict[str, Any], now: float) -> dict[str, Any]:
        """Apply validated ``changes``; return what actually changed."""
        changed = {k: v for k, v in changes.items() if device.attrs.get(k) != v}
        device.attrs.update(changed)
        return changed

    def read(self, device: Device, now: float) -> dict[str, Any]:
        """Every data point value the device reports at ``now``."""
        return dict(device.attrs)

    def environment_changed(self, device: Device, now: float) -> dict[str, Any]:
        """React to a change of ``device.environment``; return data point changes to report."""
        return {}


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

    @property
    def product_key(self) -> str:
        return self.product.product_key

    def metadata(self, name: str) -> Any:
        return self.meta.get(name, self.product.device_defaults.get(name))

    def local_time(self, now: float) -> datetime:
        return datetime.fromtimestamp(now, ZoneInfo(self.timezone))

    def read(self, now: float) -> dict[str, Any]:
        return self.family.read(self, now)

    def dump(self) -> dict[str, Any]:
        return {
            "did": self.did, "product_key": self.product_key, "mac": self.mac, "passcode": self.passcode,
            "attrs": dict(self.attrs), "created_at": self.created_at, "online": self.online,
            "is_disabled": self.is_disabled, "timezone": self.timezone, "updated_at": self.updated_at,
            "state_changed_at": self.state_changed_at, "meta": dict(self.meta),
            "environment": dict(self.environment), "sim": dict(self.sim),
        }

    def write(self, changes: dict[str, Any], now: float) -> dict[str, Any]:
        changed = self.family.write(self, changes, now)
        if changed:
            self.updated_at = now
        return changed
