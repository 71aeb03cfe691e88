"""What a person sees of an eWeLink device and can do to it: dashboard cards, in the shape the
Gizwits cards have (``did``, ``title``, ``product``, ``family``, ``online``, ``timezone``,
``updated_at``, ``owners``, ``mode``, ``facts``, ``actions``, ``program``; see
:mod:`emulator.gizwits.cards`), so the dashboard renders them as it renders any device.

A card's actions are the device's own buttons (a press: the relay, each channel, the door),
its environment (the load of a power meter, the room of a thermostat), its connection and a
device fault rule on its deviceid. Nothing here knows about HTTP: a refused action is a
:class:`CardError` saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .cloud.cloud import DEVICE_FAULT_CODES, EwelinkCloud
from .devices import EwelinkDevice
from .devices.door import DoorSensor
from .devices.multi import FourChannels
from .devices.power import PowerSwitch
from .devices.thermostat import Thermostat

NO_FAULT = "none"
FAULT_CHOICES = {"not_delivered": "not delivered", "offline": "offline"}


class CardError(ValueError):
    """An action that is unknown, or a value that does not fit it; the message says why."""


def _owners(cloud: EwelinkCloud, deviceid: str) -> list[dict[str, Any]]:
    thing = cloud.things.get(deviceid)
    if thing is None:
        return []
    found = []
    for apikey, role in [(thing.owner, "owner"), *((s["apikey"], "shared") for s in thing.shares)]:
        account = cloud.accounts.get(apikey)
        found.append({"uid": apikey, "user": account.account if account else apikey, "role": role,
                      "alias": thing.name})
    return found


def _fault(cloud: EwelinkCloud, deviceid: str) -> tuple[str, str] | None:
    for rule in cloud.world.faults.rules:
        if rule.action == "device" and rule.did == deviceid and rule.device in DEVICE_FAULT_CODES:
            return rule.id, rule.device
    return None


def _fact(name: str, label: str, text: str) -> dict[str, str]:
    return {"name": name, "label": label, "text": text}


def _facts(cloud: EwelinkCloud, device: EwelinkDevice, params: dict[str, Any]) -> list[dict[str, str]]:
    family = device.family
    facts = [_fact("uiid", "UIID", f"{device.uiid} ({family.product_model})")]
    if isinstance(family, FourChannels):
        names = (cloud.things.get(device.did).tags.get("ck_channel_name", {})  # type: ignore[union-attr]
                 if cloud.things.get(device.did) else {})
        for item in params["switches"]:
            label = names.get(str(item["outlet"])) or f"Channel {item['outlet'] + 1}"
            facts.append(_fact(f"channel_{item['outlet']}", label, item["switch"]))
    if isinstance(family, PowerSwitch):
        facts.append(_fact("power", "Power", f"{params['power']} W, {params['voltage']} V, {params['current']} A"))
    if isinstance(family, Thermostat):
        facts.append(_fact("temperature", "Temperature", f"{params['currentTemperature']} °C, "
                                                          f"{params['currentHumidity']} %"))
        auto = params.get("deviceType") == "temperature" and params.get("mainSwitch") == "on"
        facts.append(_fact("auto", "Auto control", "on" if auto else "off"))
    if isinstance(family, DoorSensor):
        facts.append(_fact("door", "Door", "open" if params["switch"] == "on" else "closed"))
        facts.append(_fact("battery", "Battery", f"{params['battery']} %"))
    timers = [t for t in params.get("timers") or [] if t.get("enabled") == 1]
    if timers:
        facts.append(_fact("timers", "Timers", f"{len(timers)} enabled"))
    fault = _fault(cloud, device.did)
    if fault is not None:
        facts.append(_fact("fault", "Device fault", f"{FAULT_CHOICES[fault[1]]} ({DEVICE_FAULT_CODES[fault[1]]})"))
    return facts


Perform = Callable[[EwelinkCloud, EwelinkDevice, Any], None]


def _press(make: Callable[[Any], dict[str, Any]]) -> Perform:
    def perform(cloud: EwelinkCloud, device: EwelinkDevice, value: Any) -> None:
        cloud.press(device, make(value))

    return perform


def _environment(name: str) -> Perform:
    def perform(cloud: EwelinkCloud, device: EwelinkDevice, value: Any) -> None:
        cloud.set_environment(device, {name: value})

    return perform


def _online(cloud: EwelinkCloud, device: EwelinkDevice, value: Any) -> None:
    cloud.set_online(device, bool(value))


def _set_fault(cloud: EwelinkCloud, device: EwelinkDevice, value: Any) -> None:
    for rule in [r for r in cloud.world.faults.rules if r.action == "device" and r.did == device.did]:
        cloud.world.faults.delete(rule.id)
    if value != NO_FAULT:
        cloud.world.faults.add({"device": value, "did": device.did})


def _actions(cloud: EwelinkCloud, device: EwelinkDevice, params: dict[str, Any]) -> list[dict[str, Any]]:
    family = device.family
    actions: list[dict[str, Any]] = []
    if isinstance(family, FourChannels):
        for item in params["switches"]:
            outlet = item["outlet"]
            actions.append({"name": f"channel_{outlet}", "label": f"Channel {outlet + 1}", "kind": "toggle",
                            "on": "on", "off": "off", "value": item["switch"] == "on",
                            "perform": _press(lambda on, o=outlet: {"switches": [{"switch": "on" if on else "off",
                                                                                  "outlet": o}]})})
    elif isinstance(family, DoorSensor):
        actions.append({"name": "door", "label": "Door", "kind": "toggle", "on": "open", "off": "closed",
                        "value": params["switch"] == "on",
                        "perform": _press(lambda on: {"switch": "on" if on else "off"})})
    else:
        actions.append({"name": "switch", "label": "Relay", "kind": "toggle", "on": "on", "off": "off",
                        "value": params.get("switch") == "on",
                        "perform": _press(lambda on: {"switch": "on" if on else "off"})})
    if isinstance(family, PowerSwitch):
        actions.append({"name": "load", "label": "Load", "kind": "number", "unit": "W", "min": 0, "max": 3500,
                        "step": 1, "value": device.environment.get("load", 60), "submit": "Set",
                        "perform": _environment("load")})
    if isinstance(family, Thermostat):
        actions.append({"name": "room_temperature", "label": "Room temperature", "kind": "number", "unit": "°C",
                        "min": -20, "max": 40, "step": 0.5, "value": float(params["currentTemperature"]),
                        "submit": "Set", "perform": _environment("room_temp")})
    actions.append({"name": "online", "label": "Online", "kind": "toggle", "on": "online", "off": "offline",
                    "value": device.online, "perform": _online})
    fault = _fault(cloud, device.did)
    actions.append({"name": "fault", "label": "Device fault", "kind": "choice",
                    "value": fault[1] if fault else NO_FAULT,
                    "options": [{"value": NO_FAULT, "label": "none"},
                                *({"value": k, "label": f"{FAULT_CHOICES[k]} ({code})"}
                                  for k, code in DEVICE_FAULT_CODES.items())],
                    "perform": _set_fault})
    return actions


def _public(action: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in action.items() if k != "perform"}


def card(cloud: EwelinkCloud, device: EwelinkDevice, now: float) -> dict[str, Any]:
    """One device's card. Call with the lock held, after the world's sync."""
    cloud.observe(device, now)
    params = device.read(now)
    thing = cloud.things.get(device.did)
    relay = params.get("switch")
    mode = None if isinstance(device.family, FourChannels | DoorSensor) else {
        "value": relay, "label": "On" if relay == "on" else "Off", "why": "the relay"}
    return {
        "cloud": "ewelink", "did": device.did, "title": thing.name if thing else f"{device.family.product_model} "
        "(not added)", "product": device.family.product_model, "product_key": f"UIID {device.uiid}",
        "family": device.family.name, "online": device.online, "timezone": "UTC", "updated_at": device.updated_at,
        "owners": _owners(cloud, device.did), "mode": mode, "facts": _facts(cloud, device, params),
        "actions": [_public(a) for a in _actions(cloud, device, params)], "program": None,
    }


def cards(cloud: EwelinkCloud, now: float) -> list[dict[str, Any]]:
    return [card(cloud, device, now) for device in sorted(cloud.devices, key=lambda d: d.created_at)]


def perform(cloud: EwelinkCloud, device: EwelinkDevice, name: str, value: Any, now: float) -> None:
    """Do the card's action ``name`` with ``value`` (CardError saying why when it does not fit)."""
    actions = {a["name"]: a for a in _actions(cloud, device, device.read(now))}
    action = actions.get(name)
    if action is None:
        raise CardError(f"{device.family.product_model} {device.did} has no action {name!r}; it has {sorted(actions)}")
    kind = action["kind"]
    if kind == "toggle" and not isinstance(value, bool):
        raise CardError(f"{name} takes true or false")
    if kind == "choice" and value not in [o["value"] for o in action["options"]]:
        raise CardError(f"{name} is one of {[o['value'] for o in action['options']]}, got {value!r}")
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)
                             or not action["min"] <= value <= action["max"]):
        raise CardError(f"{name} is {action['min']}..{action['max']} {action['unit']}, got {value!r}")
    action["perform"](cloud, device, value)
