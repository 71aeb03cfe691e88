"""A Heatzy device and the Heatzy family interface, on the core's device model.

:class:`Device` adds what the Gizwits cloud knows of a device to the core's
(:mod:`emulator.core.device`): its product, MAC, passcode, time zone and metadata.
:class:`Family` adds the product's initial data point values. The time interface
(``clock``, ``dynamic``, ``next_point``, ``settle`` ...) is the core's; see there.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from msgspec import field

from ...core.device import DEVICE, PROGRAM, copy_json
from ...core.device import Device as CoreDevice
from ...core.device import Family as CoreFamily
from ...core.localtime import wall
from .catalog import Product

DEFAULT_TIMEZONE = "Europe/Paris"

__all__ = ["DEFAULT_TIMEZONE", "DEVICE", "PROGRAM", "Device", "Family"]


class Family(CoreFamily):
    """Behaviour shared by a Heatzy product family. Stateless: all state lives on the device."""

    def initial_state(self, product: Product, rng: random.Random) -> dict[str, Any]:
        return product.datapoints.defaults()


class Device(CoreDevice, kw_only=True):
    product: Product
    family: Family
    mac: str
    passcode: str
    is_disabled: bool = False
    timezone: str = DEFAULT_TIMEZONE
    #: Per-device overrides of the product's device metadata (versions, host, ...).
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def product_key(self) -> str:
        return self.product.product_key

    def metadata(self, name: str) -> Any:
        return self.meta.get(name, self.product.device_defaults.get(name))

    def local_time(self, now: float) -> datetime:
        return wall(now, self.timezone)

    def dump(self) -> dict[str, Any]:
        return {
            "did": self.did, "product_key": self.product_key, "mac": self.mac, "passcode": self.passcode,
            "attrs": dict(self.attrs), "created_at": self.created_at, "online": self.online,
            "is_disabled": self.is_disabled, "timezone": self.timezone, "updated_at": self.updated_at,
            "state_changed_at": self.state_changed_at, "meta": dict(self.meta),
            "environment": dict(self.environment), "sim": copy_json(self.sim),
        }
