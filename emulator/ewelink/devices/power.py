"""UIID 32: the power-metering switch (Sonoff POW R2): a single switch (see :mod:`.switch`)
that also reports ``power`` (W), ``voltage`` (V) and ``current`` (A), as strings with two
decimals, from a load model.

The load is the environment's ``load`` (watts drawn when the relay is on, default 60) on a
mains of ``voltage`` volts (default 230). Writing ``uiActive: N`` (seconds) starts a stream:
for N seconds the device reports a reading every :data:`STREAM_STEP` seconds, the mains
wobbling by up to a volt (a seeded function of the device and the instant, so a run is
reproducible); outside a stream the readings hold still and change only with the relay or
the load. ``uiActive`` itself is not kept in the params.
"""

from __future__ import annotations

import hashlib
import math
import random
from typing import Any, ClassVar

from ...core.device import Device
from .device import READING, ParamError
from .switch import SingleSwitch

STREAM_STEP = 5.0
DEFAULT_LOAD, DEFAULT_VOLTAGE = 60.0, 230.0
MAX_STREAM = 3600


def _wobble(did: str, slot: int) -> float:
    digest = hashlib.blake2b(f"{did}:{slot}".encode(), digest_size=2).digest()
    return (int.from_bytes(digest, "big") / 65535 - 0.5) * 2.0


class PowerSwitch(SingleSwitch):
    name = "power-switch"
    uiid = 32
    product_model = "POWR2"
    model = "PSF-B01-GL"
    ui = "功率检测插座过载告警"
    writable: ClassVar[tuple[str, ...]] = (*SingleSwitch.writable, "uiActive")
    environment_keys: ClassVar[dict[str, tuple[type, ...]]] = {"load": (int, float), "voltage": (int, float)}

    def defaults(self, rng: random.Random) -> dict[str, Any]:
        return {**super().defaults(rng), "power": "0.00", "voltage": f"{DEFAULT_VOLTAGE:.2f}", "current": "0.00"}

    def check(self, name: str, value: Any) -> Any:
        if name == "uiActive":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_STREAM:
                raise ParamError(f"uiActive must be 0..{MAX_STREAM} seconds, got {value!r}")
            return value
        return super().check(name, value)

    def store(self, device: Device, changes: dict[str, Any], now: float) -> None:
        changes = dict(changes)
        if "uiActive" in changes:
            seconds = changes.pop("uiActive")
            if seconds:
                device.sim["ui_until"] = now + seconds
            else:
                device.sim.pop("ui_until", None)
        super().store(device, changes, now)

    def _slot(self, device: Device, t: float) -> int | None:
        until = device.sim.get("ui_until")
        if until is None or t >= until:
            return None
        return math.floor(t / STREAM_STEP)

    def dynamic(self, device: Device, t: float) -> dict[str, Any]:
        mains = float(device.environment.get("voltage", DEFAULT_VOLTAGE))
        slot = self._slot(device, t)
        volts = mains + (_wobble(device.did, slot) if slot is not None else 0.0)
        watts = float(device.environment.get("load", DEFAULT_LOAD)) if device.attrs.get("switch") == "on" else 0.0
        if slot is not None and watts:
            watts *= volts * volts / (mains * mains)  # a resistive load follows the mains
        return {"power": f"{watts:.2f}", "voltage": f"{volts:.2f}", "current": f"{watts / volts if volts else 0:.2f}"}

    def next_point(self, device: Device, t: float) -> tuple[float, str] | None:
        until = device.sim.get("ui_until")
        if until is None or t >= until:
            return None
        following = (math.floor(t / STREAM_STEP) + 1) * STREAM_STEP
        return (min(following, until), READING)

    def settle(self, device: Device, now: float) -> None:
        until = device.sim.get("ui_until")
        if until is not None and now >= until:
            device.sim.pop("ui_until", None)
