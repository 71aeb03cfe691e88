"""Bloom (``Bloom``): whole-degree temperatures (``cft_temp``, ``eco_temp``, ``cur_temp``),
a week program, derogations and a ``wifi_switch``.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from .catalog import Product
from .device import Device, Family
from .pilote import half_hour_clock
from .program import standard_week


class Bloom(Family):
    name: ClassVar[str] = "bloom"

    def initial_state(self, product: Product, rng: random.Random) -> dict[str, Any]:
        state = product.datapoints.defaults()
        state.update(standard_week())
        state.update(mode="cft", cft_temp=19, eco_temp=16, cur_temp=18 + rng.randint(0, 2), com_temp=0)
        return state

    def read(self, device: Device, now: float) -> dict[str, Any]:
        values = dict(device.attrs)
        values.update(half_hour_clock(device.local_time(now), minutes=True))
        return values
