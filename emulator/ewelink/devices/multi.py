"""UIID 4: the four-channel switch (Sonoff 4CH): ``switches`` [{switch, outlet}], per-outlet
inching ``pulses`` [{pulse, width, outlet}], power-on states ``configure`` [{startup, outlet}],
``lock`` and ``timers``; channel names live in the thing's ``tags.ck_channel_name``.

A write names only the outlets it changes (``{"switches": [{"switch": "on", "outlet": 2}]}``);
the device always reports all four. ``lock`` 1 is the interlock mode: turning one channel on
turns the others off (the emulator's reading of the seed's ``lock``, which names no meaning).
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from ...core.device import Device
from .device import ON_OFF, Action, EwelinkDevice, EwelinkFamily, ParamError

OUTLETS = 4
_LISTS = {"switches": ("switch", ON_OFF), "pulses": ("pulse", ON_OFF), "configure": ("startup", ("on", "off", "stay"))}


class FourChannels(EwelinkFamily):
    name = "four-channels"
    uiid = 4
    product_model = "4CHPROR3"
    model = "PSF-B04-GL"
    ui = "四通道插座"
    writable: ClassVar[tuple[str, ...]] = ("switches", "pulses", "configure", "lock", "sledOnline", "timers")

    def defaults(self, rng: random.Random) -> dict[str, Any]:
        return {
            "switches": [{"switch": "off", "outlet": n} for n in range(OUTLETS)],
            "pulses": [{"pulse": "off", "width": 1000, "outlet": n} for n in range(OUTLETS)],
            "configure": [{"startup": "off", "outlet": n} for n in range(OUTLETS)],
            "lock": 0, "sledOnline": "on", "fwVersion": "3.5.0", "rssi": -rng.randint(40, 70), "timers": [],
        }

    def check(self, name: str, value: Any) -> Any:
        if name == "lock":
            if value not in (0, 1) or isinstance(value, bool):
                raise ParamError(f"lock must be 0 or 1, got {value!r}")
            return value
        if name not in _LISTS:
            return super().check(name, value)
        key, allowed = _LISTS[name]
        if not isinstance(value, list) or not value or len(value) > OUTLETS:
            raise ParamError(f"{name} must be a list of 1..{OUTLETS} items")
        seen: set[int] = set()
        for item in value:
            if not isinstance(item, dict):
                raise ParamError(f"each item of {name} is an object")
            outlet = item.get("outlet")
            if isinstance(outlet, bool) or not isinstance(outlet, int) or not 0 <= outlet < OUTLETS or outlet in seen:
                raise ParamError(f"each item of {name} names a distinct outlet 0..{OUTLETS - 1}")
            seen.add(outlet)
            if item.get(key) not in allowed:
                raise ParamError(f"{name}[outlet {outlet}].{key} must be one of {', '.join(allowed)}")
            if name == "pulses":
                width = item.get("width", 1000)
                if isinstance(width, bool) or not isinstance(width, int) or not 500 <= width <= 3_600_000:
                    raise ParamError("pulses[].width must be 500..3600000 ms")
        return [dict(item) for item in value]

    def store(self, device: Device, changes: dict[str, Any], now: float) -> None:
        attrs = device.attrs
        turned_on: list[int] = []
        for name, value in changes.items():
            if name not in _LISTS:
                if name == "timers":
                    device.sim["timers_seen"] = now
                attrs[name] = value
                continue
            merged = {item["outlet"]: dict(item) for item in attrs[name]}
            for item in value:
                if name == "switches" and item["switch"] == "on" and merged[item["outlet"]]["switch"] != "on":
                    turned_on.append(item["outlet"])
                merged[item["outlet"]].update(item)
            attrs[name] = [merged[n] for n in sorted(merged)]
        if attrs.get("lock") == 1 and turned_on:
            keep = turned_on[-1]
            attrs["switches"] = [{**item, "switch": "on" if item["outlet"] == keep else "off"}
                                 for item in attrs["switches"]]
        inching = dict(device.sim.get("inching_outlets", {}))
        for item in attrs["switches"]:
            outlet = str(item["outlet"])
            if item["switch"] != "on":
                inching.pop(outlet, None)
        pulses = {item["outlet"]: item for item in attrs["pulses"]}
        now_on = {item["outlet"] for item in attrs["switches"] if item["switch"] == "on"}
        for outlet in turned_on:
            pulse = pulses.get(outlet, {})
            if pulse.get("pulse") == "on" and outlet in now_on:
                inching[str(outlet)] = now + pulse.get("width", 1000) / 1000
        if inching:
            device.sim["inching_outlets"] = inching
        else:
            device.sim.pop("inching_outlets", None)

    def came_online(self, device: Device, now: float) -> dict[str, Any]:
        current = {item["outlet"]: item["switch"] for item in device.attrs["switches"]}
        changes = [{"switch": item["startup"], "outlet": item["outlet"]} for item in device.attrs["configure"]
                   if item["startup"] in ON_OFF and current.get(item["outlet"]) != item["startup"]]
        return {"switches": changes} if changes else {}

    def next_action(self, device: EwelinkDevice, after: float) -> Action | None:
        found = [a for a in (super().next_action(device, after),) if a is not None]
        for outlet, end in device.sim.get("inching_outlets", {}).items():
            found.append(Action(max(end, after), {"switches": [{"switch": "off", "outlet": int(outlet)}]}, "device"))
        return min(found, key=lambda a: a.due) if found else None

    def shift(self, device: Device, seconds: float) -> None:
        super().shift(device, seconds)
        if "inching_outlets" in device.sim:
            device.sim["inching_outlets"] = {k: v + seconds for k, v in device.sim["inching_outlets"].items()}
