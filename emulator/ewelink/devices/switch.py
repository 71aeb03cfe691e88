"""UIID 1: the single-channel switch (Sonoff BASIC): ``switch``, ``startup``, inching
(``pulse`` + ``pulseWidth``), ``sledOnline``, ``timers``; reports ``fwVersion`` and ``rssi``.

Inching: with ``pulse`` on, the relay turned on goes back off ``pulseWidth`` ms later.
``startup`` is the relay's state when the device comes back online.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from .device import EwelinkFamily


class SingleSwitch(EwelinkFamily):
    name = "single-switch"
    uiid = 1
    product_model = "BASICR2"
    model = "PSF-BD1-GL"
    ui = "单通道插座"
    writable: ClassVar[tuple[str, ...]] = ("switch", "startup", "pulse", "pulseWidth", "sledOnline", "timers")

    def defaults(self, rng: random.Random) -> dict[str, Any]:
        return {"switch": "off", "startup": "off", "pulse": "off", "pulseWidth": 500, "sledOnline": "on",
                "fwVersion": "3.5.0", "rssi": -rng.randint(40, 70), "timers": []}
