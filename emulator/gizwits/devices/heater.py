"""A heating device with a room sensor: a week-programmed mode (:mod:`.heating`) that
drives a modelled room temperature (:mod:`.thermal`).

Shared by the Pilote Pro, the Glow family and Bloom. The family says what comfort and
eco mean in °C (:meth:`Heater.comfort`, :meth:`Heater.eco`) and how it reports; this class
turns the mode in effect into the thermostat's setpoint (comfort-1/-2 are one/two
degrees under comfort, frost 7 °C, stop none), adds sensor readings to the timeline and
re-anchors the temperature whenever the device or its environment changes.
"""

from __future__ import annotations

import random
from typing import Any

from .device import DEVICE, Device, Family
from .heating import Scheduled
from .thermal import FROST_TEMP, Sensing

#: Degrees under comfort of comfort-1 and comfort-2.
COMFORT_OFFSETS = {"cft": 0.0, "cft1": 1.0, "cft2": 2.0}


class Heater(Sensing, Scheduled):
    #: Sensor readings are on the timeline: no program-only shortcut (see ``Pilote.step``).
    step = Family.step

    def comfort(self, device: Device) -> float:
        raise NotImplementedError

    def eco(self, device: Device) -> float:
        raise NotImplementedError

    def reported_room(self, values: dict[str, Any]) -> float:
        """The room temperature (°C) in a report of the device (its data point values)."""
        raise NotImplementedError

    def initial_room(self, device: Device) -> float:
        """The room temperature (°C) when the device appears, from its stored reading."""
        raise NotImplementedError

    def setup(self, device: Device, now: float, rng: random.Random) -> None:
        super().setup(device, now, rng)
        self.thermal_setup(device, now, rng, self.initial_room(device))

    def target(self, device: Device, mode: str) -> float | None:
        """The temperature ``mode`` aims at (°C), None for ``stop``."""
        if mode in COMFORT_OFFSETS:
            return self.comfort(device) - COMFORT_OFFSETS[mode]
        if mode == "eco":
            return self.eco(device)
        if mode == "fro":
            return FROST_TEMP
        return None

    def setpoint(self, device: Device, t: float) -> float | None:
        derog, _ = self.derogation(device, t)
        return self.target(device, self.effective_mode(device, t, derog))

    def regime_point(self, device: Device, t: float) -> float | None:
        return self.mode_point(device, t)

    def next_point(self, device: Device, t: float) -> tuple[float, str] | None:
        reading = self.next_reading(t)
        scheduled = self.schedule_point(device, t)
        if scheduled is not None and scheduled[0] <= reading:
            return scheduled
        return reading, DEVICE

    def settle(self, device: Device, now: float) -> None:
        self.anchor(device, now)
        super().settle(device, now)

    def environment_changed(self, device: Device, now: float) -> dict[str, Any]:
        """``room_temp`` (°C) sets the room temperature now; ``outdoor_temp`` and
        ``window_open`` change the regime from now on (the cloud settled the device first)."""
        if "room_temp" in device.environment:
            self.anchor(device, now, float(device.environment.pop("room_temp")))
        return {}
