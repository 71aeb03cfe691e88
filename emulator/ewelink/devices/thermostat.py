"""UIID 15: the thermostat switch with a probe (Sonoff TH16): a single switch (see
:mod:`.switch`) that reports ``currentTemperature`` and ``currentHumidity`` (strings, one
decimal) from a room model, and can drive its relay itself (auto control).

The room: the relay drives a heater. The temperature goes exponentially (time constant
:data:`TAU`) towards the outdoor temperature (environment ``outdoor_temp``, default 12 °C) with
the heater off, and :data:`HEATER_RISE` degrees above it with the heater on; ``room_temp`` sets it
now; ``humidity`` (default 45 %) holds still. The probe reads every :data:`READING_STEP` seconds.

Auto control: with ``deviceType`` ``temperature`` and ``mainSwitch`` on, the ``targets``
``[{"targetHigh": "26", "reaction": {"switch": "off"}}, {"targetLow": "20", "reaction":
{"switch": "on"}}]`` apply: a reading at or above ``targetHigh`` (or at or below
``targetLow``) sets the relay as its reaction says. That is an action of the device at the
first reading that crosses, found from the model (no polling).
"""

from __future__ import annotations

import math
import random
from typing import Any, ClassVar

from ...core.device import Device
from .device import READING, Action, EwelinkDevice, ParamError
from .switch import SingleSwitch

TAU = 2 * 3600.0
HEATER_RISE = 18.0
READING_STEP = 300.0
DEFAULT_OUTDOOR, DEFAULT_HUMIDITY = 12.0, 45.0
DEVICE_TYPES = ("normal", "temperature", "humidity")
#: Readings looked at ahead for a crossing after the model's estimate (quantisation to 0.1 °C).
_LOOKAHEAD = 4


def _number_text(value: Any) -> bool:
    try:
        return isinstance(value, str | int | float) and not isinstance(value, bool) and math.isfinite(float(value))
    except ValueError:
        return False


class Thermostat(SingleSwitch):
    name = "thermostat"
    uiid = 15
    product_model = "TH16"
    model = "PSA-BHA-GL"
    ui = "恒温恒湿改装件"
    writable: ClassVar[tuple[str, ...]] = (*SingleSwitch.writable, "mainSwitch", "deviceType", "targets")
    environment_keys: ClassVar[dict[str, tuple[type, ...]]] = {
        "room_temp": (int, float), "outdoor_temp": (int, float), "humidity": (int, float)}

    def defaults(self, rng: random.Random) -> dict[str, Any]:
        return {**super().defaults(rng), "mainSwitch": "off", "deviceType": "normal", "sensorType": "AM2301",
                "targets": [{"targetHigh": "26", "reaction": {"switch": "off"}},
                            {"targetLow": "20", "reaction": {"switch": "on"}}],
                "currentTemperature": "19.0", "currentHumidity": f"{DEFAULT_HUMIDITY:.1f}"}

    def setup(self, device: Device, now: float, rng: random.Random) -> None:
        device.sim["anchor_at"] = now
        device.sim["anchor_temp"] = float(device.attrs.get("currentTemperature", "19.0"))

    def check(self, name: str, value: Any) -> Any:
        if name == "deviceType":
            if value not in DEVICE_TYPES:
                raise ParamError(f"deviceType must be one of {', '.join(DEVICE_TYPES)}, got {value!r}")
            return value
        if name == "targets":
            if not isinstance(value, list) or len(value) > 2:
                raise ParamError("targets must be a list of at most 2 targets")
            for item in value:
                bound = [k for k in ("targetHigh", "targetLow") if k in item] if isinstance(item, dict) else []
                if (len(bound) != 1 or not _number_text(item[bound[0]]) or not isinstance(item.get("reaction"), dict)
                        or item["reaction"].get("switch") not in ("on", "off")):
                    raise ParamError('each target is {"targetHigh" or "targetLow": "<°C>", '
                                     '"reaction": {"switch": "on" or "off"}}')
            return [dict(item) for item in value]
        return super().check(name, value)

    # -- the room model ------------------------------------------------------------------------------
    def _goal(self, device: Device) -> float:
        outdoor = float(device.environment.get("outdoor_temp", DEFAULT_OUTDOOR))
        return outdoor + (HEATER_RISE if device.attrs.get("switch") == "on" else 0.0)

    def temperature(self, device: Device, t: float) -> float:
        goal = self._goal(device)
        start, temp = device.sim["anchor_at"], device.sim["anchor_temp"]
        return goal + (temp - goal) * math.exp(-max(t - start, 0.0) / TAU)

    def _reading_time(self, t: float) -> float:
        return math.floor(t / READING_STEP) * READING_STEP

    def reading(self, device: Device, t: float) -> float:
        return round(self.temperature(device, max(self._reading_time(t), device.sim["anchor_at"])), 1)

    def anchor(self, device: Device, now: float, temp: float | None = None) -> None:
        device.sim["anchor_temp"] = self.temperature(device, now) if temp is None else temp
        device.sim["anchor_at"] = now

    def dynamic(self, device: Device, t: float) -> dict[str, Any]:
        humidity = float(device.environment.get("humidity", DEFAULT_HUMIDITY))
        return {"currentTemperature": f"{self.reading(device, t):.1f}", "currentHumidity": f"{humidity:.1f}"}

    def next_point(self, device: Device, t: float) -> tuple[float, str] | None:
        return self._reading_time(t) + READING_STEP, READING

    def settle(self, device: Device, now: float) -> None:
        super().settle(device, now)
        self.anchor(device, now)

    def environment_changed(self, device: Device, now: float) -> dict[str, Any]:
        if "room_temp" in device.environment:
            self.anchor(device, now, float(device.environment.pop("room_temp")))
        return {}

    # -- auto control ---------------------------------------------------------------------------------
    def _auto(self, device: Device) -> bool:
        return device.attrs.get("deviceType") == "temperature" and device.attrs.get("mainSwitch") == "on"

    def _reaction(self, device: Device, value: float) -> dict[str, Any] | None:
        for target in device.attrs.get("targets") or []:
            reaction = target["reaction"]
            if reaction.get("switch") == device.attrs.get("switch"):
                continue
            if "targetHigh" in target and value >= float(target["targetHigh"]):
                return {"switch": reaction["switch"]}
            if "targetLow" in target and value <= float(target["targetLow"]):
                return {"switch": reaction["switch"]}
        return None

    def _crossing(self, device: Device, after: float) -> Action | None:
        """The first reading after ``after`` at which a target's reaction changes the relay."""
        first = self._reading_time(after) + READING_STEP
        goal = self._goal(device)
        start, temp = device.sim["anchor_at"], device.sim["anchor_temp"]
        estimates = [first]
        for target in device.attrs.get("targets") or []:
            bound = float(target.get("targetHigh", target.get("targetLow", goal)))
            ratio = (bound - goal) / (temp - goal) if temp != goal else 0.0
            if 0 < ratio < 1:
                estimates.append(max(first, self._reading_time(start - TAU * math.log(ratio))))
        for estimate in sorted(set(estimates)):
            for k in range(_LOOKAHEAD):
                moment = estimate + k * READING_STEP
                reaction = self._reaction(device, self.reading(device, moment))
                if reaction is not None:
                    return Action(moment, reaction, "device")
        return None

    def next_action(self, device: EwelinkDevice, after: float) -> Action | None:
        found = [a for a in (super().next_action(device, after),) if a is not None]
        if self._auto(device):
            crossing = self._crossing(device, after)
            if crossing is not None:
                found.append(crossing)
        return min(found, key=lambda a: a.due) if found else None
