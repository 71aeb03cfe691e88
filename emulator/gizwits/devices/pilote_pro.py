"""Pilote Pro (``Pilote_Pro``): a Pilote with a temperature and humidity sensor.

Temperatures are tenths of a degree (``cft_temp``, ``eco_temp``, ``cur_temp``). As the
Heatzy documentation says, ``mode`` is the manual mode, ``cur_mode`` the mode in effect
(derogation > program > manual, :mod:`.heating`) and ``cur_signal`` the order on the pilot
wire. ``derog_mode`` 3 is presence detection: comfort while someone is there and for
:data:`PRESENCE_TIMEOUT` after they leave, eco otherwise (environment key ``presence``).

``heating_state`` says whether the target of the mode in effect is reached (Heatzy doc:
"indique si la température cible a été atteinte"): 1 when the room is at the target
(comfort ``cft_temp``, comfort-1/-2 one/two degrees less, eco ``eco_temp``, frost 7 °C),
0 below it, in ``stop`` and while an open window is detected.

Open-window detection (``window_switch`` = 1): a sharp drop of the room temperature —
:data:`WINDOW_DROP` °C since the window opened, noticed at the next whole minute, or a
room temperature set at once that much lower — makes the Pro stop heating: it reports
``cur_signal`` ``"fro"`` and ``heating_state`` 0 until the window is closed (for a sudden
drop: until the room temperature is set back up); then it heats again and ``heating_state`` returns to 1 when
the temperature has recovered. ``com_temp`` calibrates the sensor (50 = none, tenths).
The Pro reports ``time_min`` 0 (captured Pilote_Pro).
"""

from __future__ import annotations

import math
import random
from typing import Any, ClassVar

from .catalog import Product
from .device import DEVICE, Device
from .heater import Heater
from .heating import PRESENCE
from .pilote import Pilote
from .thermal import FROST_TEMP, seconds_to_fall

#: °C the room must fall, from when a window opens, for the Pro to notice it.
WINDOW_DROP = 0.5
#: Seconds a presence-detecting Pro stays in comfort after the room is left.
PRESENCE_TIMEOUT = 30 * 60
#: Relative humidity points lost per °C the room warms.
HUMIDITY_PER_DEGREE = 3
#: Below the target by less than this (°C), the target counts as reached.
REACHED_MARGIN = 0.05


class PilotePro(Heater, Pilote):
    name: ClassVar[str] = "pilote_pro"

    def initial_state(self, product: Product, rng: random.Random) -> dict[str, Any]:
        state = super().initial_state(product, rng)
        state.update(
            cft_temp=190, eco_temp=165, com_temp=50, temp_set_step="off", cur_temp=185 + rng.randint(0, 20),
            cur_humi=rng.randint(40, 60), heating_state=0, window_switch=0,
        )
        return state

    def setup(self, device: Device, now: float, rng: random.Random) -> None:
        super().setup(device, now, rng)
        room = device.sim["temp"][1]
        device.sim["humi"] = device.attrs["cur_humi"] + HUMIDITY_PER_DEGREE * (room - 20)

    def initial_room(self, device: Device) -> float:
        return (device.attrs["cur_temp"] - self.calibration(device)) / 10

    def reported_room(self, values: dict[str, Any]) -> float:
        return values["cur_temp"] / 10

    def comfort(self, device: Device) -> float:
        return device.attrs["cft_temp"] / 10

    def eco(self, device: Device) -> float:
        return device.attrs["eco_temp"] / 10

    def reports_minutes(self, device: Device) -> bool:
        return False

    # -- what the Pro aims at ---------------------------------------------------------------------
    @staticmethod
    def calibration(device: Device) -> int:
        return int(device.attrs.get("com_temp", 50)) - 50

    def window_detected(self, device: Device, t: float) -> bool:
        window = device.sim.get("window")
        return bool(window and device.attrs.get("window_switch") and window["detect"] is not None
                    and window["detect"] <= t)

    def presence_mode(self, device: Device, t: float) -> str:
        if device.environment.get("presence"):
            return "cft"
        absent_at = device.sim.get("absent_at")
        return "cft" if absent_at is not None and t < absent_at + PRESENCE_TIMEOUT else "eco"

    def setpoint(self, device: Device, t: float) -> float | None:
        if self.window_detected(device, t):
            return FROST_TEMP
        return super().setpoint(device, t)

    # -- timeline ----------------------------------------------------------------------------------
    def _own_points(self, device: Device, t: float) -> list[float]:
        """Window detection and presence timeout after ``t``: they change the regime."""
        points = []
        window = device.sim.get("window")
        if window and window["detect"] is not None and window["detect"] > t and device.attrs.get("window_switch"):
            points.append(window["detect"])
        absent_at = device.sim.get("absent_at")
        if (absent_at is not None and device.attrs.get("derog_mode") == PRESENCE
                and absent_at + PRESENCE_TIMEOUT > t):
            points.append(absent_at + PRESENCE_TIMEOUT)
        return points

    def regime_point(self, device: Device, t: float) -> float | None:
        return _earliest(self._own_points(device, t), self.mode_point(device, t))

    def next_point(self, device: Device, t: float) -> tuple[float, str] | None:
        best = (self.next_reading(t), DEVICE)
        scheduled = self.schedule_point(device, t)
        if scheduled is not None and scheduled[0] <= best[0]:
            best = scheduled
        for point in self._own_points(device, t):
            if point < best[0]:
                best = (point, DEVICE)
        return best

    def wake_point(self, device: Device, t: float) -> float | None:
        return _earliest(self._own_points(device, t), self.derogation_end(device, t))

    def dynamic(self, device: Device, t: float) -> dict[str, Any]:
        derog, remaining = self.derogation(device, t)
        mode = self.effective_mode(device, t, derog)
        detected = self.window_detected(device, t)
        room, noise = self.reading(device, t)
        target = None if detected else self.target(device, mode)
        reached = target is not None and room >= target - REACHED_MARGIN
        humidity = round(device.sim["humi"] - HUMIDITY_PER_DEGREE * (room - 20)) + noise
        return {
            "derog_mode": derog,
            "derog_time": remaining,
            "cur_mode": mode,
            "cur_signal": "fro" if detected else mode,
            "heating_state": 1 if reached else 0,
            "cur_temp": self.tenths(room, noise + self.calibration(device)),
            "cur_humi": min(100, max(0, humidity)),
        }

    # -- changes ----------------------------------------------------------------------------------
    def shift(self, device: Device, seconds: float) -> None:
        super().shift(device, seconds)
        sim = device.sim
        window = sim.get("window")
        if window is not None:
            for key in ("at", "detect"):
                if window.get(key) is not None:
                    window[key] += seconds
        if "absent_at" in sim:
            sim["absent_at"] += seconds

    def environment_changed(self, device: Device, now: float) -> dict[str, Any]:
        env, sim = device.environment, device.sim
        room = sim["temp"][1]
        window = sim.get("window")
        if "room_temp" in env:
            new_room = float(env.pop("room_temp"))
            if window and window.get("sudden") and new_room >= window["level"] - WINDOW_DROP:
                sim.pop("window")  # the room is back: a sudden drop is over
            elif window is None and new_room <= room - WINDOW_DROP:
                sim["window"] = {"at": now, "detect": now, "level": room, "sudden": True}
            self.anchor(device, now, new_room)
            room = new_room
        if "humidity" in env:
            sim["humi"] = float(env.pop("humidity")) + HUMIDITY_PER_DEGREE * (room - 20)
        window = sim.get("window")
        if env.get("window_open") and (window is None or window.get("sudden")):
            fall = seconds_to_fall(room, WINDOW_DROP, self.outdoor(device))
            detect = None if fall is None else math.ceil((now + fall) / 60) * 60
            sim["window"] = {"at": now, "detect": detect, "level": room}
        elif not env.get("window_open") and window is not None and not window.get("sudden"):
            sim.pop("window")
        present = bool(env.get("presence", False))
        if present:
            sim.pop("absent_at", None)
        elif sim.get("present"):
            sim["absent_at"] = now  # the room was just left
        sim["present"] = present
        return {}


def _earliest(points: list[float], other: float | None) -> float | None:
    if other is not None:
        points.append(other)
    return min(points) if points else None
