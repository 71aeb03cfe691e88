"""Heatzy radiators: Glow, Shine, Onyx and INEA (``Glow_Simple``, ``Glow``, ``Glow_Blu``,
``Shine_Blu``, ``onyx``, ``INEA``).

Temperatures are split into two bytes, ``xxx_tempL`` + 256 * ``xxx_tempH`` tenths of a
degree; the clock is ``week``/``hour``/``minute``; ``cur_mode`` is the index of the mode
the radiator is in (an integer, as the real cloud reports it).
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from .catalog import Product
from .device import Device, Family
from .program import standard_week


def split_temperature(tenths: int) -> tuple[int, int]:
    """Tenths of a degree -> (L, H) bytes."""
    return tenths % 256, tenths // 256


def join_temperature(low: int, high: int) -> int:
    return low + 256 * high


class Glow(Family):
    name: ClassVar[str] = "glow"

    def initial_state(self, product: Product, rng: random.Random) -> dict[str, Any]:
        state = product.datapoints.defaults()
        state.update(standard_week())
        cur = 185 + rng.randint(0, 20)
        state.update(on_off=1, mode="eco", cft_tempL=190, cft_tempH=0, eco_tempL=165, eco_tempH=0)
        state.update(cur_tempL=cur % 256, cur_tempH=cur // 256)
        for name, value in (("com_temp", 5), ("TEMP_COM", 5)):
            if name in state:
                state[name] = value
        return state

    def read(self, device: Device, now: float) -> dict[str, Any]:
        values = dict(device.attrs)
        local = device.local_time(now)
        values.update(week=local.isoweekday(), hour=local.hour, minute=local.minute)
        if "cur_mode" in device.product.datapoints:
            values["cur_mode"] = device.product.datapoints.by_name["mode"].enum.index(values["mode"])
        return values
