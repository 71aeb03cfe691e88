"""Heatzy radiators: Glow, Shine, Onyx and INEA (``Glow_Simple``, ``Glow``, ``Glow_Blu``,
``Shine_Blu``, ``onyx``, ``INEA``).

Temperatures are split into two bytes, ``xxx_tempL`` + 256 * ``xxx_tempH`` tenths of a
degree. Each half is its own data point, checked against its own spec on write (an ``L``
above 255 is refused with 9025) and stored alone: writing only ``L`` keeps the old ``H``,
as the real radiator does (clients such as hass-heatzy send ``cft_tempL`` = 10 × °C).

``mode`` is the manual mode and ``cur_mode`` (an integer, as the cloud reports it) the
index of the mode in effect (derogation > program > manual, :mod:`.heating`); with
``on_off`` = 0 the radiator is off and ``cur_mode`` is ``stop``. INEA has no derogation
and no ``cur_mode``. The clock is ``week``/``hour``/``minute`` (the wall clock's hour and
minute, as captured on an Onyx). The room temperature ``cur_tempL``/``cur_tempH`` follows
the thermal model (:mod:`.thermal`); ``com_temp``/``TEMP_COM`` and the obsolete power
counters (``power_dataL``/``power_dataH``/``power_cnt``) are stored and reported as
written: their scale on these radiators is not documented consistently, so the emulator
applies no calibration.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from ...core.localtime import wall
from .catalog import Product
from .device import Device
from .heater import Heater
from .program import standard_week


def split_temperature(tenths: int) -> tuple[int, int]:
    """Tenths of a degree -> (L, H) bytes."""
    return tenths % 256, tenths // 256


def join_temperature(low: int, high: int) -> int:
    return low + 256 * high


class Glow(Heater):
    name: ClassVar[str] = "glow"
    power_point: ClassVar[str | None] = "on_off"

    def initial_state(self, product: Product, rng: random.Random) -> dict[str, Any]:
        state = product.datapoints.defaults()
        state.update(standard_week())
        cur = 185 + rng.randint(0, 20)
        state.update(on_off=1, mode="eco", cft_tempL=190, cft_tempH=0, eco_tempL=165, eco_tempH=0)
        low, high = split_temperature(cur)
        state.update(cur_tempL=low, cur_tempH=high)
        for name, value in (("com_temp", 5), ("TEMP_COM", 5)):
            if name in state:
                state[name] = value
        return state

    def initial_room(self, device: Device) -> float:
        return join_temperature(device.attrs["cur_tempL"], device.attrs["cur_tempH"]) / 10

    def reported_room(self, values: dict[str, Any]) -> float:
        return join_temperature(values["cur_tempL"], values["cur_tempH"]) / 10

    def comfort(self, device: Device) -> float:
        return join_temperature(device.attrs["cft_tempL"], device.attrs["cft_tempH"]) / 10

    def eco(self, device: Device) -> float:
        return join_temperature(device.attrs["eco_tempL"], device.attrs["eco_tempH"]) / 10

    def clock(self, device: Device, t: float) -> dict[str, Any]:
        local = wall(t, device.timezone)
        return {"week": local.isoweekday(), "hour": local.hour, "minute": local.minute}

    def dynamic(self, device: Device, t: float) -> dict[str, Any]:
        datapoints = device.product.datapoints
        derog, remaining = self.derogation(device, t)
        room, noise = self.reading(device, t)
        low, high = split_temperature(self.tenths(room, noise, high=255 + 256 * 255))
        values: dict[str, Any] = {"cur_tempL": low, "cur_tempH": high}
        if "derog_mode" in datapoints:
            values.update(derog_mode=derog, derog_time=remaining)
        if "cur_mode" in datapoints:
            values["cur_mode"] = datapoints.by_name["mode"].enum.index(self.effective_mode(device, t, derog))
        return values

    def locked(self, device: Device) -> bool:
        return bool(device.attrs.get("LOCK_C", 0))
