"""UIID 102: the door and window sensor (Sonoff DW2): ``switch`` on when open, off when
closed; ``battery`` (%), ``lastUpdateTime`` and ``actionTime`` (UTC ISO), ``type`` 4.

Nothing an app sends changes a sensor: its params are what it reports. The door opens and
closes by a press (``{"switch": "on"}``) or the environment (``open``: true/false). The battery
drains a percent every :data:`DRAIN` seconds (a point on the timeline each time).
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from ...core.device import Device
from ...core.timefmt import utc_iso
from .device import ON_OFF, READING, EwelinkFamily, ParamError

DRAIN = 7 * 24 * 3600.0


class DoorSensor(EwelinkFamily):
    name = "door-sensor"
    uiid = 102
    product_model = "DW2-Wi-Fi"
    model = "OSP-DW2-GL"
    ui = "门磁"
    writable: ClassVar[tuple[str, ...]] = ()
    environment_keys: ClassVar[dict[str, tuple[type, ...]]] = {"open": (bool,)}

    def defaults(self, rng: random.Random) -> dict[str, Any]:
        return {"switch": "off", "battery": 100, "type": 4, "fwVersion": "1000.2.917", "rssi": -rng.randint(40, 70)}

    def setup(self, device: Device, now: float, rng: random.Random) -> None:
        device.sim["battery_at"] = now
        device.sim["battery_from"] = int(device.attrs.get("battery", 100))
        device.attrs.setdefault("lastUpdateTime", utc_iso(now))
        device.attrs.setdefault("actionTime", utc_iso(now))

    def validate(self, params: dict[str, Any], *, by_app: bool) -> dict[str, Any]:
        if by_app:
            raise ParamError("a door sensor's params are what it reports: an app cannot set them")
        if set(params) != {"switch"} or params["switch"] not in ON_OFF:
            raise ParamError('the sensor is opened or closed with {"switch": "on"} or {"switch": "off"}')
        return dict(params)

    def store(self, device: Device, changes: dict[str, Any], now: float) -> None:
        if "switch" in changes and changes["switch"] != device.attrs.get("switch"):
            device.attrs["actionTime"] = utc_iso(now)
        device.attrs["lastUpdateTime"] = utc_iso(now)
        device.attrs.update(changes)

    def environment_changed(self, device: Device, now: float) -> dict[str, Any]:
        if "open" in device.environment:
            return {"switch": "on" if device.environment.pop("open") else "off"}
        return {}

    def battery(self, device: Device, t: float) -> int:
        drained = int(max(t - device.sim["battery_at"], 0.0) // DRAIN)
        return max(device.sim["battery_from"] - drained, 0)

    def dynamic(self, device: Device, t: float) -> dict[str, Any]:
        return {"battery": self.battery(device, t)}

    def next_point(self, device: Device, t: float) -> tuple[float, str] | None:
        if self.battery(device, t) == 0:
            return None
        drained = int(max(t - device.sim["battery_at"], 0.0) // DRAIN)
        return device.sim["battery_at"] + (drained + 1) * DRAIN, READING

    def check(self, name: str, value: Any) -> Any:
        raise ParamError(f"{name!r} cannot be set on a door sensor")
