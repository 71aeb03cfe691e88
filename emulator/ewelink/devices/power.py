"""UIID 32: the power-metering switch (Sonoff POW R2): a single switch (see :mod:`.switch`)
that also reports ``power`` (W), ``voltage`` (V) and ``current`` (A), as strings with two
decimals, from a load model.

The load is the environment's ``load`` (watts drawn when the relay is on, default 60) on a
mains of ``voltage`` volts (default 230). Writing ``uiActive: N`` (seconds) starts a stream:
for N seconds the device reports a reading every :data:`STREAM_STEP` seconds, the mains
wobbling by up to a volt (a seeded function of the device and the instant, so a run is
reproducible); outside a stream the readings hold still and change only with the relay or
the load. ``uiActive`` itself is not kept in the params.

The device meters its energy by UTC day: every change of the relay or of the load folds the
energy drawn since the last one (at the nominal load) into the day it was drawn on, the last
100 days kept, today first. Writing ``hundredDaysKwh: "get"`` asks for them: the answer to that
write carries ``config.hundredDaysKwhData``, the 100 days as the real device sends them, six
hexadecimal characters a day (``XX0Y0Z``: ``XX`` the whole kWh in hexadecimal, ``Y`` and ``Z``
the tenths and hundredths), today first; the request is not kept in the params either.
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
#: Days of energy the device keeps, and the length of a day of its meter (UTC days).
ENERGY_DAYS, DAY = 100, 86_400.0
#: The largest daily figure ``hundredDaysKwhData`` can carry (0xFF whole kWh, two decimals).
MAX_DAY_KWH = 255.99


def _wobble(did: str, slot: int) -> float:
    digest = hashlib.blake2b(f"{did}:{slot}".encode(), digest_size=2).digest()
    return (int.from_bytes(digest, "big") / 65535 - 0.5) * 2.0


class PowerSwitch(SingleSwitch):
    name = "power-switch"
    uiid = 32
    product_model = "POWR2"
    model = "PSF-B01-GL"
    ui = "功率检测插座过载告警"
    writable: ClassVar[tuple[str, ...]] = (*SingleSwitch.writable, "uiActive", "hundredDaysKwh")
    environment_keys: ClassVar[dict[str, tuple[type, ...]]] = {"load": (int, float), "voltage": (int, float)}

    def defaults(self, rng: random.Random) -> dict[str, Any]:
        return {**super().defaults(rng), "power": "0.00", "voltage": f"{DEFAULT_VOLTAGE:.2f}", "current": "0.00"}

    def setup(self, device: Device, now: float, rng: random.Random) -> None:
        super().setup(device, now, rng)
        device.sim["energy_at"] = now

    def check(self, name: str, value: Any) -> Any:
        if name == "hundredDaysKwh":
            if value != "get":
                raise ParamError(f'hundredDaysKwh takes "get", got {value!r}')
            return value
        if name == "uiActive":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_STREAM:
                raise ParamError(f"uiActive must be 0..{MAX_STREAM} seconds, got {value!r}")
            return value
        return super().check(name, value)

    def store(self, device: Device, changes: dict[str, Any], now: float) -> None:
        changes = dict(changes)
        changes.pop("hundredDaysKwh", None)  # a question, answered by hundred_days_kwh
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

    # -- the energy meter --------------------------------------------------------------------------
    @staticmethod
    def _nominal_watts(device: Device) -> float:
        return float(device.environment.get("load", DEFAULT_LOAD)) if device.attrs.get("switch") == "on" else 0.0

    def _metered(self, device: Device, now: float) -> dict[str, Any]:
        """The meter at ``now``: ``{"day": the UTC day of the first figure, "kwh": [today, yesterday ...]}``,
        with what was drawn since the last fold added (the relay and the load have not changed since)."""
        kept = device.sim.get("energy") or {"day": math.floor(now / DAY), "kwh": []}
        meter = {"day": kept["day"], "kwh": list(kept["kwh"])}
        since = device.sim.get("energy_at", now)
        watts = self._nominal_watts(device)
        t = max(since, now - ENERGY_DAYS * DAY)
        while t < now:
            day = math.floor(t / DAY)
            end = min(now, (day + 1) * DAY)
            _add(meter, day, watts * (end - t) / 3_600_000)
            t = end
        _add(meter, math.floor(now / DAY), 0.0)  # today is the first figure, even with nothing drawn
        return meter

    def hundred_days_kwh(self, device: Device, now: float) -> str:
        """``hundredDaysKwhData``: the last 100 days, today first, six hexadecimal characters each."""
        figures = self._metered(device, now)["kwh"]
        figures = figures + [0.0] * (ENERGY_DAYS - len(figures))
        return "".join(_day_figure(kwh) for kwh in figures)

    def settle(self, device: Device, now: float) -> None:
        if device.sim.get("energy_at", now) < now:
            device.sim["energy"] = self._metered(device, now)
        device.sim["energy_at"] = now
        until = device.sim.get("ui_until")
        if until is not None and now >= until:
            device.sim.pop("ui_until", None)


def _add(meter: dict[str, Any], day: int, kwh: float) -> None:
    """Add ``kwh`` to ``day`` of the meter (days after its first figure push the older ones down)."""
    figures: list[float] = meter["kwh"]
    if day > meter["day"]:
        figures[:0] = [0.0] * min(day - meter["day"], ENERGY_DAYS)
        meter["day"] = day
    index = meter["day"] - day
    if index >= ENERGY_DAYS:
        return
    while len(figures) <= index:
        figures.append(0.0)
    figures[index] = round(figures[index] + kwh, 6)
    del figures[ENERGY_DAYS:]


def _day_figure(kwh: float) -> str:
    hundredths = round(min(max(kwh, 0.0), MAX_DAY_KWH) * 100)
    whole, cents = divmod(hundredths, 100)
    return f"{whole:02x}0{cents // 10}0{cents % 10}"
