"""An eWeLink device and the behaviour interface every UIID family implements.

:class:`EwelinkDevice` adds what the eWeLink cloud knows of the physical device to the core's
:class:`~emulator.core.device.Device`: its UIID, MAC, chip id, factory apikey (``devicekey``)
and model. Its ``attrs`` are the device's ``params`` as it reports them; who owns it, its name,
home, room, tags and settings are the cloud's (:mod:`emulator.ewelink.cloud.things`).

An :class:`EwelinkFamily` (one module per UIID family) says which params exist and which an
app may write (:meth:`EwelinkFamily.validate`), merges partial writes (``switches`` of one
outlet), and names the device's own timed actions (:meth:`EwelinkFamily.next_action`: an
inching pulse ending, a timer firing, the thermostat's auto control) that
:mod:`emulator.ewelink.cloud.actions` runs from the event queue. What changes by itself
between writes (sensor readings, a battery draining) is the core's timeline (``dynamic``).
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from msgspec import Struct

from ...core.device import Device, Family, copy_json
from . import timers

#: The cause of sensor readings on the timeline (they are not operations: no ops history).
READING = "sensor"
ON_OFF = ("on", "off")


class ParamError(ValueError):
    """A param an app may not write, or a value the device does not take; the message says which."""


class EwelinkDevice(Device, kw_only=True):
    family: EwelinkFamily
    uiid: int
    mac: str
    chipid: str
    devicekey: str
    fw_version: str = "3.5.0"

    @property
    def deviceid(self) -> str:
        return self.did

    def dump(self) -> dict[str, Any]:
        return {
            "did": self.did, "uiid": self.uiid, "mac": self.mac, "chipid": self.chipid, "devicekey": self.devicekey,
            "fw_version": self.fw_version, "attrs": copy_json(self.attrs), "created_at": self.created_at,
            "online": self.online, "updated_at": self.updated_at, "state_changed_at": self.state_changed_at,
            "environment": dict(self.environment), "sim": copy_json(self.sim),
        }


class Action(Struct, frozen=True):
    """A timed action of the device: when, what it sets, and who caused it (``timer`` or ``device``)."""

    due: float
    params: dict[str, Any]
    cause: str
    #: The timers cursor moves to ``due`` once a timer action is done.
    timer: bool = False


class EwelinkFamily(Family):
    """Behaviour of one UIID family. Stateless: all state lives on the device."""

    uiid: ClassVar[int] = 0
    #: What the thing list shows: ``productModel``, ``extra.model`` (firmware), ``extra.ui``.
    product_model: ClassVar[str] = ""
    model: ClassVar[str] = ""
    ui: ClassVar[str] = ""
    #: Params an app may write, with a checker each (see :meth:`validate`).
    writable: ClassVar[tuple[str, ...]] = ()
    #: Environment keys (admin control plane) and their kinds.
    environment_keys: ClassVar[dict[str, tuple[type, ...]]] = {}

    def defaults(self, rng: random.Random) -> dict[str, Any]:
        return {}

    # -- writes ------------------------------------------------------------------------------------
    def validate(self, params: dict[str, Any], *, by_app: bool) -> dict[str, Any]:
        """The params to store from a write (an app's or the device's own buttons); ParamError when
        one is not writable or has a bad value. Unknown params are refused too: the emulator
        says so rather than pretend a device took them."""
        if not params:
            raise ParamError("params must name at least one param")
        out: dict[str, Any] = {}
        for name, value in params.items():
            if name not in self.writable:
                raise ParamError(f"{name!r} is not a param this UIID {self.uiid} device takes "
                                 f"(it takes {', '.join(self.writable)})")
            out[name] = self.check(name, value)
        return out

    def check(self, name: str, value: Any) -> Any:
        """One param's value, checked (families extend this for their own params)."""
        if name in ("switch", "startup", "pulse", "sledOnline", "mainSwitch"):
            allowed = ("on", "off", "stay") if name == "startup" else ON_OFF
            if value not in allowed:
                raise ParamError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
            return value
        if name == "pulseWidth":
            if isinstance(value, bool) or not isinstance(value, int) or not 500 <= value <= 3_600_000 or value % 500:
                raise ParamError(f"pulseWidth must be 500..3600000 ms in steps of 500, got {value!r}")
            return value
        if name == "timers":
            try:
                return timers.parse_timers(value)
            except timers.TimerError as error:
                raise ParamError(str(error)) from None
        raise ParamError(f"{name!r} is not a param this device takes")

    def store(self, device: Device, changes: dict[str, Any], now: float) -> None:
        assert isinstance(device, EwelinkDevice)
        if "timers" in changes:
            device.sim["timers_seen"] = now
        before = device.attrs.get("switch")
        device.attrs.update(changes)
        if changes.get("switch") == "on" and before != "on" and device.attrs.get("pulse") == "on":
            device.sim["inching"] = now + device.attrs.get("pulseWidth", 500) / 1000
        elif "switch" in changes and changes["switch"] != "on":
            device.sim.pop("inching", None)

    def came_online(self, device: Device, now: float) -> dict[str, Any]:
        """``startup``: the relay's state when power comes back (on, off, or as it was)."""
        startup = device.attrs.get("startup")
        if startup in ON_OFF and device.attrs.get("switch") != startup:
            return {"switch": startup}
        return {}

    # -- the device's own timed actions --------------------------------------------------------------
    def next_action(self, device: EwelinkDevice, after: float) -> Action | None:
        """The device's next own action strictly after ``after``: the earliest of an inching
        pulse ending and a timer firing (families add theirs)."""
        found: list[Action] = []
        end = device.sim.get("inching")
        if end is not None:
            found.append(Action(max(end, after), {"switch": "off"}, "device"))
        timer = timers.next_firing(device.attrs.get("timers") or [], device.sim.get("timers_seen", after))
        if timer is not None:
            found.append(Action(timer[0], self.timer_params(device, timer[1]), "timer", timer=True))
        return min(found, key=lambda a: a.due) if found else None

    def timer_params(self, device: EwelinkDevice, do: dict[str, Any]) -> dict[str, Any]:
        """What a timer's ``do`` sets on this device (only the params it takes)."""
        return {k: v for k, v in do.items() if k in self.writable and k != "timers"}

    def done(self, device: EwelinkDevice, action: Action) -> None:
        """Bookkeeping after ``action`` ran."""
        if action.timer:
            device.sim["timers_seen"] = action.due
        elif action.cause == "device" and device.sim.get("inching") is not None and action.params == {"switch": "off"}:
            device.sim.pop("inching", None)

    def shift(self, device: Device, seconds: float) -> None:
        for key in ("inching", "timers_seen", "ui_until", "anchor_at", "battery_at", "energy_at"):
            if device.sim.get(key) is not None:
                device.sim[key] += seconds
