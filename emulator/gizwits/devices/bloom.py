"""Bloom (``Bloom``): whole-degree temperatures (``cft_temp``, ``eco_temp``, ``cur_temp``),
a week program, derogations and a ``wifi_switch``.

``mode`` is the mode in effect, as on a Pilote (derogation > program > manual,
:mod:`.heating`); ``cur_temp`` follows the thermal model (:mod:`.thermal`) rounded to
whole degrees. The clock is ``time_week``/``time_hour`` with ``time_min`` the minutes in
the half hour (captured Bloom). ``com_temp`` and ``wifi_switch`` are stored and reported
as written.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from ...core.localtime import wall
from .catalog import Product
from .device import Device
from .heater import Heater
from .pilote import half_hour_clock
from .program import standard_week


class Bloom(Heater):
    name: ClassVar[str] = "bloom"

    def initial_state(self, product: Product, rng: random.Random) -> dict[str, Any]:
        state = product.datapoints.defaults()
        state.update(standard_week())
        state.update(mode="cft", cft_temp=19, eco_temp=16, cur_temp=18 + rng.randint(0, 2), com_temp=0)
        return state

    def initial_room(self, device: Device) -> float:
        return float(device.attrs["cur_temp"])

    def reported_room(self, values: dict[str, Any]) -> float:
        return float(values["cur_temp"])

    def comfort(self, device: Device) -> float:
        return float(device.attrs["cft_temp"])

    def eco(self, device: Device) -> float:
        return float(device.attrs["eco_temp"])

    def clock(self, device: Device, t: float) -> dict[str, Any]:
        return half_hour_clock(wall(t, device.timezone), minutes=True)

    def dynamic(self, device: Device, t: float) -> dict[str, Any]:
        derog, remaining = self.derogation(device, t)
        room, noise = self.reading(device, t)
        return {
            "mode": self.effective_mode(device, t, derog),
            "derog_mode": derog,
            "derog_time": remaining,
            "cur_temp": max(0, min(255, round(room + noise / 10))),
        }
