"""Pilote 2nd-4th generation and Elec'Pro (``Pilote2``, ``Elec_Pro``, ``Pilote_Soc``,
``Elec_Pro_Soc``, ``Pilote_Soc_C3``, ``Elec_Pro_Ble``).

The device keeps its week program (``pX_dataY``), its own clock (``time_week``,
``time_hour`` in half hours), derogations (``derog_mode``/``derog_time``) and a lock.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any, ClassVar

from .catalog import Product
from .device import Device, Family
from .program import standard_week


def half_hour_clock(local: datetime, *, minutes: bool) -> dict[str, int]:
    """``time_week`` (Monday = 1), ``time_hour`` (half hours since midnight) and ``time_min``.

    ``time_min`` is documented as obsolete; captured 2nd/3rd generation devices report 0,
    later ones the minutes elapsed in the current half hour.
    """
    return {
        "time_week": local.isoweekday(),
        "time_hour": local.hour * 2 + local.minute // 30,
        "time_min": local.minute % 30 if minutes else 0,
    }


class Pilote(Family):
    name: ClassVar[str] = "pilote"

    def initial_state(self, product: Product, rng: random.Random) -> dict[str, Any]:
        state = product.datapoints.defaults()
        state.update(standard_week())
        state["mode"] = "cft"
        return state

    def reports_minutes(self, device: Device) -> bool:
        return device.product.generation >= 4

    def read(self, device: Device, now: float) -> dict[str, Any]:
        values = dict(device.attrs)
        values.update(half_hour_clock(device.local_time(now), minutes=self.reports_minutes(device)))
        return values
