"""Pilote 2nd-4th generation and Elec'Pro (``Pilote2``, ``Elec_Pro``, ``Pilote_Soc``,
``Elec_Pro_Soc``, ``Pilote_Soc_C3``, ``Elec_Pro_Ble``).

The device keeps its week program (``pX_dataY``), its own clock (``time_week``,
``time_hour`` in half hours), derogations (``derog_mode``/``derog_time``) and a lock.
``mode`` is the order sent to the radiator: the mode in effect (derogation > program >
manual, see :mod:`.heating`).

Decisions (docs/simulation.md): ``time_min`` is obsolete; 2nd/3rd generation devices
report 0 (captured Pilote2 and Pilote_Soc), later ones the minutes elapsed in the current
half hour (captured Pilote_Soc_C3). ``cft1``/``cft2`` are in every generation's data point
definition (captured), but only 4th generation devices support them: a 2nd/3rd
generation device receives the order and sends comfort on the pilot wire, so it reports
``cft`` — the same as pressing comfort. ``boost_switch``, ``boost_time``, ``data1``,
``data2`` are stored and reported as written.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any, ClassVar

from ...core.localtime import wall
from ...core.reports import SHARED
from .catalog import Product
from .device import PROGRAM, Device
from .heating import NONE, Scheduled
from .program import mode_and_change, standard_week

#: Modes a 2nd/3rd generation Pilote does not know, and what it does instead.
UNSUPPORTED_BEFORE_GEN4 = {"cft1": "cft", "cft2": "cft"}


def half_hour_clock(local: datetime, *, minutes: bool) -> dict[str, int]:
    """``time_week`` (Monday = 1), ``time_hour`` (half hours since midnight) and ``time_min``."""
    return {
        "time_week": local.isoweekday(),
        "time_hour": local.hour * 2 + local.minute // 30,
        "time_min": local.minute % 30 if minutes else 0,
    }


class Pilote(Scheduled):
    name: ClassVar[str] = "pilote"

    def initial_state(self, product: Product, rng: random.Random) -> dict[str, Any]:
        state = product.datapoints.defaults()
        state.update(standard_week())
        state["mode"] = "cft"
        return state

    def setup(self, device: Device, now: float, rng: random.Random) -> None:
        device.attrs["mode"] = self.supported(device, device.attrs["mode"])
        super().setup(device, now, rng)

    def reports_minutes(self, device: Device) -> bool:
        return device.product.generation >= 4

    def supported(self, device: Device, mode: str) -> str:
        if device.product.generation < 4:
            return UNSUPPORTED_BEFORE_GEN4.get(mode, mode)
        return mode

    def clock(self, device: Device, t: float) -> dict[str, Any]:
        return half_hour_clock(wall(t, device.timezone), minutes=self.reports_minutes(device))

    def dynamic(self, device: Device, t: float) -> dict[str, Any]:
        derog, remaining = self.derogation(device, t)
        return {"mode": self.effective_mode(device, t, derog), "derog_mode": derog, "derog_time": remaining}

    def next_point(self, device: Device, t: float) -> tuple[float, str] | None:
        return self.schedule_point(device, t)

    def step(self, device: Device, t: float) -> tuple[dict[str, Any], tuple[float, str] | None]:
        attrs = device.attrs
        if attrs.get("derog_mode", NONE) != NONE or not attrs.get("timer_switch") or "override" in device.sim:
            return self.dynamic(device, t), self.next_point(device, t)
        # The common case, a device just following its program: one table lookup, and the report
        # every device following a program makes in that mode (see emulator.core.reports).
        mode, change = mode_and_change(self.program(device), device.timezone, t)
        count = attrs.get("derog_time", 0)
        dynamic = SHARED.report((self.name, mode, count),
                                lambda: {"mode": mode, "derog_mode": NONE, "derog_time": count})
        return dynamic, (change, PROGRAM) if change is not None else None

    def store(self, device: Device, changes: dict[str, Any], now: float) -> None:
        if "mode" in changes:
            changes = {**changes, "mode": self.supported(device, changes["mode"])}
        super().store(device, changes, now)

    def locked(self, device: Device) -> bool:
        return bool(device.attrs.get("lock_switch", 0))
