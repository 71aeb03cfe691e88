"""Pilote Pro (``Pilote_Pro``): a Pilote with a temperature and humidity sensor.

Temperatures are tenths of a degree (``cft_temp``, ``eco_temp``, ``cur_temp``); the
device reports the mode it is in (``cur_mode``) and the signal it sends on the pilot
wire (``cur_signal``) as strings.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from .catalog import Product
from .device import Device
from .pilote import Pilote


class PilotePro(Pilote):
    name: ClassVar[str] = "pilote_pro"

    def initial_state(self, product: Product, rng: random.Random) -> dict[str, Any]:
        state = super().initial_state(product, rng)
        state.update(
            cft_temp=190, eco_temp=165, com_temp=50, temp_set_step="off", cur_temp=185 + rng.randint(0, 20),
            cur_humi=rng.randint(40, 60), heating_state=0, window_switch=0,
        )
        return state

    def reports_minutes(self, device: Device) -> bool:
        return True

    def read(self, device: Device, now: float) -> dict[str, Any]:
        values = super().read(device, now)
        values["cur_mode"] = values["mode"]
        values["cur_signal"] = values["mode"]
        return values
