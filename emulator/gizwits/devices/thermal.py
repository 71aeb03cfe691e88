"""Room temperature: a first-order thermal model per device, read like a real sensor.

The room around a device with a sensor (Pilote Pro, Glow family, Bloom) has a
temperature ``T`` that moves exponentially towards an equilibrium:

- heating towards a setpoint ``S`` above the outdoor temperature: the heater runs at full
  power, which alone would take the room to ``S +`` :data:`HEADROOM` with time constant
  :data:`TAU_HEAT`; the thermostat stops it at ``S``, which it then holds exactly (no
  on/off cycling is modelled). A room above its setpoint cools towards the outdoor
  temperature (:data:`TAU_COOL`) until it is back at ``S``;
- not heating (``stop``, off): ``T -> outdoor`` with :data:`TAU_COOL`;
- a window open: ``T -> outdoor`` with :data:`TAU_WINDOW`, whatever the heater does.

The model is evaluated lazily: ``sim["temp"]`` anchors ``T`` at an instant (set when the
device is created, on every write and every change of its environment); between anchors
the regime only changes at the family's *mode points* (program changes, derogation end,
open window detected, ...), so ``T`` at any instant is a short walk of closed-form
segments. Boundary values are cached per anchor, so walking is deterministic whatever the
order of reads.

The sensor is read every :data:`SAMPLE_PERIOD` seconds on a fixed grid (and at each
anchor): a reported temperature is the model at the last reading, rounded, plus seeded
noise of -0.1, 0 or +0.1 °C that depends only on the device's noise seed and the reading's
grid slot. Deterministic for a given seed.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right

from .device import Device

#: °C the frost-protection mode holds.
FROST_TEMP = 7.0
#: °C outside when the environment does not say.
DEFAULT_OUTDOOR = 8.0
#: Seconds: the time constant of a room heated at full power.
TAU_HEAT = 2700.0
#: °C above its setpoint a heater at full power would take the room (eco 16.5 -> comfort 19 in ~18 min).
HEADROOM = 5.0
#: Seconds: an unheated room drifts towards the outdoor temperature over hours.
TAU_COOL = 4 * 3600.0
#: Seconds: with a window open, within half an hour.
TAU_WINDOW = 1800.0
#: Seconds between two sensor readings.
SAMPLE_PERIOD = 600.0

_MASK = (1 << 64) - 1


def evolve(start: float, seconds: float, setpoint: float | None, outdoor: float, window: bool) -> float:
    """The room temperature ``seconds`` after it was ``start`` °C, in one regime."""
    if seconds <= 0:
        return start
    if window or setpoint is None or setpoint <= outdoor:
        tau = TAU_WINDOW if window else TAU_COOL
        return outdoor + (start - outdoor) * math.exp(-seconds / tau)
    if start < setpoint:
        high = setpoint + HEADROOM
        return min(setpoint, high + (start - high) * math.exp(-seconds / TAU_HEAT))
    return max(setpoint, outdoor + (start - outdoor) * math.exp(-seconds / TAU_COOL))


def seconds_to_fall(start: float, drop: float, outdoor: float) -> float | None:
    """Seconds an open window takes to cool the room by ``drop`` °C (None if it never does)."""
    if start - drop <= outdoor:
        return None
    return TAU_WINDOW * math.log((start - outdoor) / (start - drop - outdoor))


def noise(seed: int, slot: int) -> int:
    """Seeded sensor noise in tenths of a degree: -1, 0 or +1 (1/4, 1/2, 1/4)."""
    x = (seed * 0x9E3779B97F4A7C15 + slot * 0xBF58476D1CE4E5B9) & _MASK
    x ^= x >> 31
    x = (x * 0x94D049BB133111EB) & _MASK
    x ^= x >> 29
    return (0, 1, 0, -1)[x & 3]


class Sensing:
    """Mixin for families with a room sensor: the temperature model of one device.

    The family provides :meth:`setpoint` (what the heater aims at, None when it does not
    heat) and :meth:`regime_point` (the next instant the setpoint may change).
    """

    def setpoint(self, device: Device, t: float) -> float | None:
        raise NotImplementedError

    def regime_point(self, device: Device, t: float) -> float | None:
        raise NotImplementedError

    # -- set up and anchors ---------------------------------------------------------------------
    @staticmethod
    def thermal_setup(device: Device, now: float, rng: random.Random, room: float) -> None:
        device.sim["temp"] = [now, room]
        device.sim["noise"] = rng.getrandbits(32)

    @staticmethod
    def outdoor(device: Device) -> float:
        return float(device.environment.get("outdoor_temp", DEFAULT_OUTDOOR))

    @staticmethod
    def window_open(device: Device) -> bool:
        return bool(device.environment.get("window_open", False))

    def shift(self, device: Device, seconds: float) -> None:
        super().shift(device, seconds)  # type: ignore[misc]
        device.sim["temp"][0] += seconds
        device.cache.pop("walk", None)

    def anchor(self, device: Device, now: float, room: float | None = None) -> None:
        """Start a new segment at ``now``: at the model's temperature, or at ``room`` °C."""
        device.sim["temp"] = [now, self.temperature(device, now) if room is None else float(room)]
        device.cache.pop("walk", None)

    # -- the model --------------------------------------------------------------------------------
    def temperature(self, device: Device, t: float) -> float:
        """The model's room temperature at ``t`` (°C, not rounded)."""
        anchor_at, anchor_temp = device.sim["temp"]
        if t <= anchor_at:
            return anchor_temp
        walk = device.cache.get("walk")
        if walk is None or walk[0] != anchor_at or walk[1][0] != anchor_temp:
            walk = device.cache["walk"] = (anchor_at, [anchor_temp], [anchor_at])
        temps, times = walk[1], walk[2]
        outdoor, window = self.outdoor(device), self.window_open(device)
        while True:
            last = times[-1]
            if last > t:
                break
            point = self.regime_point(device, last)
            if point is None or point > t:
                break
            temps.append(evolve(temps[-1], point - last, self.setpoint(device, last), outdoor, window))
            times.append(point)
        index = bisect_right(times, t) - 1
        start = times[index]
        return evolve(temps[index], t - start, self.setpoint(device, start), outdoor, window)

    @staticmethod
    def reading_time(device: Device, t: float) -> float:
        """When the sensor was last read at ``t``: the grid, or the anchor if more recent."""
        return max(math.floor(t / SAMPLE_PERIOD) * SAMPLE_PERIOD, device.sim["temp"][0])

    def reading(self, device: Device, t: float) -> tuple[float, int]:
        """``(model °C, noise in tenths)`` of the last sensor reading at ``t``."""
        at = self.reading_time(device, t)
        return self.temperature(device, at), noise(device.sim["noise"], int(at // SAMPLE_PERIOD))

    @staticmethod
    def next_reading(t: float) -> float:
        return (math.floor(t / SAMPLE_PERIOD) + 1) * SAMPLE_PERIOD

    @staticmethod
    def tenths(value: float, offset: int = 0, low: int = 0, high: int = 65535) -> int:
        return min(high, max(low, round(value * 10) + offset))
