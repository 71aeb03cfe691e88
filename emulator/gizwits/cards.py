"""What a person sees of a Heatzy device, and what they can do to it: the dashboard's cards.

A card is plain JSON in a shape that names no product, so a page can render any device
from what its card says it has (another cloud's devices get cards of the same shape):

- ``did``, ``title`` (the first binding's alias, else the product name), ``product``,
  ``family``, ``online``, ``timezone``, ``updated_at``, ``owners`` ([{uid, user, role, alias}]);
- ``mode``: the mode in effect as a person reads it, ``{value, label, why}`` (plus
  ``raw``, the reported value, when it is translated: the 1st generation's Chinese);
- ``facts``: what the device shows, in order, ``[{name, label, text}]``;
- ``actions``: what can be done to it, ``[{name, label, kind, value, ...}]``, done by
  :func:`perform`. Kinds: ``choice`` (``options`` [{value, label}]), ``number``
  (``min``, ``max``, ``step``, ``unit``, ``submit``), ``toggle`` (true/false, with
  ``on``/``off`` labels) and ``button`` (no value). ``disabled`` says why an action
  would do nothing now (a locked device ignores its own buttons);
- ``program``: the week program (``pX_dataY`` decoded) as a 7 × 48 grid of modes, with
  the slot the device is in and the program's next change; None without a program.

Times are the emulator's (Unix seconds) with labels in the device's local time. The
device's buttons (mode, boost, vacation, program, power) are presses: the device reports
them as its own changes; the room (window, temperature) is its environment; a device
fault is a fault rule on its did. Nothing here knows about HTTP.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from datetime import datetime
from typing import Any

from ..core.localtime import wall
from .cloud.cloud import DEVICE_FAULT_CODES, Cloud
from .cloud.sharing.bindings import Binding
from .devices import Device
from .devices.datapoints import InvalidValue
from .devices.heater import Heater
from .devices.heating import BOOST, NONE, VACATION, Scheduled
from .devices.pilote import Pilote
from .devices.pilote_pro import PilotePro
from .devices.pilote_v1 import MODES as V1_MODES
from .devices.program import (
    PROGRAM_MODES,
    PROGRAM_POINTS,
    SLOTS_PER_DAY,
    encode_day,
    mode_at,
    next_change,
    point_name,
    slot_mode,
)
from .errors import ApiError, form_invalid

MODE_LABELS = {"cft": "Comfort", "cft1": "Comfort -1", "cft2": "Comfort -2", "eco": "Eco",
               "fro": "Frost", "stop": "Off"}
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: What a device fault rule makes an app's command answer (core/faults.py), as a person reads it.
FAULT_LABELS = {"not_delivered": "commands not delivered", "offline": "commands answered offline"}
#: The same, shorter, for the choice of a fault.
FAULT_CHOICES = {"not_delivered": "not delivered", "offline": "offline"}
NO_FAULT = "none"
#: Default lengths offered for a boost (minutes) and a vacation (days).
BOOST_MINUTES, VACATION_DAYS = 60, 3
LOCKED = "locked: the device's own buttons do nothing (unlock it from an app)"


# -- looking --------------------------------------------------------------------------------------
def cards(cloud: Cloud, now: float, dids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The cards of ``dids`` (default: every device, oldest first). Call with the lock held."""
    if dids is None:
        devices = sorted(cloud.devices, key=lambda d: d.created_at)
    else:
        devices = [cloud.devices.require(did) for did in dids]
    bindings = _bindings_by_device(cloud)
    return [card(cloud, device, now, bindings.get(device.did, [])) for device in devices]


def overview(cloud: Cloud, now: float) -> dict[str, Any]:
    """Every card, the time zone most devices live in and the next program change of any device."""
    every = cards(cloud, now)
    zones = Counter(c["timezone"] for c in every)
    upcoming = next_program_change(cloud, now)
    return {
        "now": now,
        "timezone": zones.most_common(1)[0][0] if zones else "UTC",
        "next_program_change": None if upcoming is None else {
            "at": upcoming[0], "did": upcoming[1],
            "label": _at_label(upcoming[0], cloud.devices.require(upcoming[1]).timezone)},
        "cards": every,
    }


def card(cloud: Cloud, device: Device, now: float, bindings: list[Binding] | None = None) -> dict[str, Any]:
    """One device's card (see the module docstring). Call with the lock held, after ``cloud.sync()``."""
    cloud.observe(device, now)
    bindings = cloud.bindings.of_device(device.did) if bindings is None else bindings
    reported = device.read(now)
    owners = []
    for binding in bindings:
        user = cloud.users.get(binding.uid)
        who = (user.email or user.username or user.uid) if user is not None else binding.uid
        owners.append({"uid": binding.uid, "user": who, "role": binding.role, "alias": binding.dev_alias})
    return {
        "did": device.did,
        "title": next((b.dev_alias for b in bindings if b.dev_alias), device.product.name),
        "product": device.product.name,
        "product_key": device.product_key,
        "family": device.family.name,
        "online": device.online,
        "timezone": device.timezone,
        "updated_at": device.updated_at,
        "owners": owners,
        "mode": _mode(device, reported, now),
        "facts": _facts(cloud, device, reported, now),
        "actions": [_public(action) for action in _actions(cloud, device, reported, now)],
        "program": program_view(device, now),
    }


def roster(cloud: Cloud) -> Hashable:
    """Which devices exist and who they are bound to (roles, aliases): changes when a card
    appears, goes or changes owner. Call with the lock held."""
    bindings = _bindings_by_device(cloud)
    return tuple((device.did, tuple((b.uid, b.role, b.dev_alias) for b in bindings.get(device.did, ())))
                 for device in cloud.devices)


def _bindings_by_device(cloud: Cloud) -> dict[str, list[Binding]]:
    """Every device's bindings, oldest first, in one pass over the bindings."""
    found: dict[str, list[Binding]] = {}
    for binding in sorted(cloud.bindings, key=lambda b: b.created_at):
        found.setdefault(binding.did, []).append(binding)
    return found


# -- the mode --------------------------------------------------------------------------------------
def _mode_code(value: str) -> str:
    """A reported or written mode as the later generations spell it (the 1st speaks Chinese)."""
    return V1_MODES.get(value, value)


def _mode(device: Device, reported: dict[str, Any], now: float) -> dict[str, Any] | None:
    family = device.family
    if not isinstance(family, Scheduled):
        raw = reported.get("mode")
        if raw is None:
            return None
        code = _mode_code(raw)
        return {"value": code, "label": MODE_LABELS.get(code, str(raw)), "raw": raw,
                "why": "as set (this generation keeps no program: the cloud scheduler drives it)"}
    derog, _ = family.derogation(device, now)
    code = family.effective_mode(device, now, derog)
    return {"value": code, "label": MODE_LABELS.get(code, code), "why": _why(device, family, derog, now)}


#: Why a device is in its mode, by regime (``Scheduled.regime``).
_REGIMES = {"off": "switched off", "vacation": "vacation", "boost": "boost", "presence": "presence detection"}


def _why(device: Device, family: Scheduled, derog: int, now: float) -> str:
    regime = family.regime(device, now, derog)
    if regime != "scheduled":
        return _REGIMES[regime]
    if family.program_on(device):
        until = family.override_until(device, now)
        if until is None:
            return "week program"
        if until >= _FAR:
            return "set by hand (the program never changes)"
        return f"set by hand until {_at_label(until, device.timezone)} (the program's next change)"
    return "set by hand"


#: Instants past this are "never" (an override of a program that never changes).
_FAR = 1e18


# -- facts -------------------------------------------------------------------------------------------
def _fact(name: str, label: str, text: str) -> dict[str, str]:
    return {"name": name, "label": label, "text": text}


def _degrees(value: float) -> str:
    return f"{value:.1f} °C"


def _facts(cloud: Cloud, device: Device, reported: dict[str, Any], now: float) -> list[dict[str, str]]:
    family = device.family
    points = device.product.datapoints.by_name
    facts: list[dict[str, str]] = []
    if isinstance(family, Scheduled):
        code, remaining = family.derogation(device, now)
        end = family.derogation_end(device, now)
        ends = f" · until {_at_label(end, device.timezone)}" if end is not None else ""
        if code == BOOST:
            facts.append(_fact("boost", "Boost", f"{remaining} min left{ends}"))
        elif code == VACATION:
            facts.append(_fact("vacation", "Vacation", f"{remaining} day{'s' if remaining != 1 else ''} left{ends}"))
    if isinstance(family, Heater):
        facts.append(_fact("room_temperature", "Room", _degrees(family.reported_room(reported))))
        if "cur_humi" in reported:
            facts.append(_fact("humidity", "Humidity", f"{reported['cur_humi']} %"))
        facts.append(_fact("comfort_temperature", "Comfort set point", _degrees(family.comfort(device))))
        facts.append(_fact("eco_temperature", "Eco set point", _degrees(family.eco(device))))
        facts.append(_fact("window", "Window", _window(device, family, now)))
    if isinstance(family, PilotePro):
        facts.append(_fact("heating", "Heating", _heating(device, family, reported, now)))
        signal = reported.get("cur_signal")
        if signal is not None:
            facts.append(_fact("signal", "Pilot wire", MODE_LABELS.get(signal, str(signal))))
    if isinstance(family, Scheduled) and family.power_point is not None:
        facts.append(_fact("power", "Power", "on" if device.attrs.get(family.power_point, 1) else "off"))
    if "lock_switch" in points or "LOCK_C" in points:
        facts.append(_fact("lock", "Lock", "locked" if family.locked(device) else "unlocked"))
    fault = device_fault(cloud, device.did)
    if fault is not None:
        facts.append(_fact("fault", "Device fault", f"{FAULT_LABELS[fault[1]]} ({DEVICE_FAULT_CODES[fault[1]]})"))
    if not device.online:
        facts.append(_fact("offline", "Offline", f"since {_at_label(device.state_changed_at, device.timezone)}: "
                                                 "shows its last report"))
    return facts


def _window(device: Device, family: Heater, now: float) -> str:
    text = "open" if family.window_open(device) else "closed"
    if isinstance(family, PilotePro):
        if family.window_detected(device, now):
            return f"{text} · detected: heating stopped"
        return f"{text} · detection {'on' if device.attrs.get('window_switch') else 'off'}"
    return text


def _heating(device: Device, family: PilotePro, reported: dict[str, Any], now: float) -> str:
    derog, _ = family.derogation(device, now)
    if family.effective_mode(device, now, derog) == "stop":
        return "off"
    if family.window_detected(device, now):
        return "stopped (open window)"
    return "target reached" if reported.get("heating_state") else "heating up"


def device_fault(cloud: Cloud, did: str) -> tuple[str, str] | None:
    """``(rule id, kind)`` of the device fault rule aimed at ``did`` alone, if any."""
    for rule in cloud.faults.rules:
        if rule.action == "device" and rule.did == did and rule.device in DEVICE_FAULT_CODES:
            return rule.id, rule.device
    return None


# -- the program ------------------------------------------------------------------------------------
def has_program(device: Device) -> bool:
    return PROGRAM_POINTS[0] in device.attrs and isinstance(device.family, Scheduled)


def _slot_of(moment: datetime) -> tuple[int, int]:
    """(day 1..7, half-hour slot 0..47) of a local time."""
    return moment.isoweekday(), moment.hour * 2 + moment.minute // 30


def _slot_label(day: int, slot: int) -> str:
    return f"{DAY_NAMES[day - 1]} {slot // 2:02d}:{30 * (slot % 2):02d}"


def _at_label(moment: float, tz: str) -> str:
    local = wall(moment, tz)
    return f"{DAY_NAMES[local.isoweekday() - 1][:3]} {local:%H:%M}"


def program_view(device: Device, now: float) -> dict[str, Any] | None:
    """The week program as a grid of modes, the slot the device is in and the next change."""
    family = device.family
    if not has_program(device) or not isinstance(family, Scheduled):
        return None
    grid = [[slot_mode(device.attrs, day, slot) for slot in range(SLOTS_PER_DAY)] for day in range(1, 8)]
    day, slot = _slot_of(wall(now, device.timezone))
    compiled = family.program(device)
    current = grid[day - 1][slot]
    change = next_change(compiled, device.timezone, now)
    upcoming = None
    if change is not None:
        next_day, next_slot = _slot_of(wall(change, device.timezone))
        mode = mode_at(compiled, device.timezone, change)
        upcoming = {"at": change, "day": next_day, "slot": next_slot, "mode": mode,
                    "label": f"{MODE_LABELS[mode]} from {_at_label(change, device.timezone)}"}
    on = family.program_on(device)
    later = upcoming["label"] if upcoming else "never changes"
    now_mode = MODE_LABELS[current]
    summary = f"on · {now_mode} now · {later}" if on else f"off · would be {now_mode} now, {later}"
    return {
        "on": on,
        "summary": summary,
        "days": list(DAY_NAMES),
        "slot_minutes": 30,
        "modes": [{"value": m, "label": MODE_LABELS[m]} for m in PROGRAM_MODES],
        "grid": grid,
        "now": {"day": day, "slot": slot, "mode": current, "label": _slot_label(day, slot)},
        "next": upcoming,
    }


def program_changes(device: Device, days: Any) -> dict[str, int]:
    """The ``pX_dataY`` values for ``days`` (``{"1": [48 modes], ...}``, day 1 = Monday; the
    days not given stay as they are); 9015 saying what is wrong otherwise."""
    if not has_program(device):
        raise form_invalid(f"{device.product.name} keeps no week program on the device")
    if not isinstance(days, dict) or not days:
        raise form_invalid('days must be an object {"1": [48 modes], ...} with day 1 = Monday .. 7 = Sunday')
    values: dict[str, int] = {}
    for key, modes in days.items():
        if str(key) not in {str(d) for d in range(1, 8)}:
            raise form_invalid(f"days are 1 (Monday) .. 7 (Sunday), got {key!r}")
        if not isinstance(modes, list) or len(modes) != SLOTS_PER_DAY:
            raise form_invalid(f"day {key} must list {SLOTS_PER_DAY} half-hour modes")
        unknown = sorted({repr(m) for m in modes if m not in PROGRAM_MODES})
        if unknown:
            raise form_invalid(f"a program slot is one of {list(PROGRAM_MODES)}, got {', '.join(unknown)}")
        codes = encode_day([PROGRAM_MODES.index(m) for m in modes])
        values.update({point_name(int(key), block): code for block, code in enumerate(codes, start=1)})
    return values


def set_program(cloud: Cloud, device: Device, days: Any) -> dict[str, Any]:
    """Write the program's ``days``; the device reports the new ``pX_dataY`` as its own change.

    A program is written from an app on a real device, not with its buttons, so a lock
    does not stop it. Returns what changed.
    """
    values = program_changes(device, days)
    return cloud.apply(device, device.product.datapoints.validate_state(values), source="device")


def next_program_change(cloud: Cloud, now: float) -> tuple[float, str] | None:
    """``(instant, did)`` of the earliest next change among devices whose week program runs."""
    best: tuple[float, str] | None = None
    for device in cloud.devices:
        family = device.family
        if has_program(device) and isinstance(family, Scheduled) and family.program_on(device):
            change = next_change(family.program(device), device.timezone, now)
            if change is not None and (best is None or change < best[0]):
                best = (change, device.did)
    return best


# -- actions ------------------------------------------------------------------------------------------
Perform = Callable[[Cloud, Device, Any], None]


def _public(action: dict[str, Any]) -> dict[str, Any]:
    """The action as a card lists it: every action says whether (and why) it is disabled."""
    return {"disabled": None, **{k: v for k, v in action.items() if k != "perform"}}


def _press(changes: Callable[[Any], dict[str, Any]]) -> Perform:
    def perform(cloud: Cloud, device: Device, value: Any) -> None:
        try:
            cloud.press(device, changes(value))
        except InvalidValue as error:
            raise ApiError(9025, str(error)) from None

    return perform


def _environment(name: str) -> Perform:
    def perform(cloud: Cloud, device: Device, value: Any) -> None:
        cloud.set_environment(device, **{name: value})

    return perform


def _online(cloud: Cloud, device: Device, value: Any) -> None:
    cloud.set_online(device, bool(value))


def _fault(cloud: Cloud, device: Device, value: Any) -> None:
    existing = device_fault(cloud, device.did)
    if existing is not None:
        cloud.faults.delete(existing[0])
    if value != NO_FAULT:
        cloud.faults.add({"did": device.did, "device": value})


def _mode_press(device: Device) -> Callable[[Any], dict[str, Any]]:
    if isinstance(device.family, Scheduled):
        return lambda value: {"mode": value}
    spelled = {code: raw for raw, code in V1_MODES.items()}
    return lambda value: {"mode": spelled[value]}


def _mode_options(device: Device) -> list[str]:
    point = device.product.datapoints.by_name.get("mode")
    if point is None:
        return []
    codes = [_mode_code(value) for value in point.enum]
    family = device.family
    if isinstance(family, Pilote):
        codes = [code for code in codes if family.supported(device, code) == code]
    return [code for code in codes if code in MODE_LABELS]


def _actions(cloud: Cloud, device: Device, reported: dict[str, Any], now: float) -> list[dict[str, Any]]:
    family = device.family
    points = device.product.datapoints.by_name
    locked = LOCKED if family.locked(device) else None
    actions: list[dict[str, Any]] = []
    options = _mode_options(device)
    if options:
        current = _mode(device, reported, now)
        actions.append({"name": "mode", "label": "Mode", "kind": "choice", "disabled": locked,
                        "value": current["value"] if current else None,
                        "options": [{"value": code, "label": MODE_LABELS[code]} for code in options],
                        "perform": _press(_mode_press(device))})
    if isinstance(family, Scheduled) and "derog_mode" in points:
        code, remaining = family.derogation(device, now)
        limit = points["derog_time"].max
        actions.append({"name": "boost", "label": "Boost", "kind": "number", "unit": "min", "min": 1, "max": limit,
                        "step": 1, "value": remaining if code == BOOST else BOOST_MINUTES, "submit": "Start",
                        "disabled": locked,
                        "perform": _press(lambda minutes: {"derog_mode": BOOST, "derog_time": minutes})})
        actions.append({"name": "vacation", "label": "Vacation", "kind": "number", "unit": "days", "min": 1,
                        "max": limit, "step": 1, "value": remaining if code == VACATION else VACATION_DAYS,
                        "submit": "Start", "disabled": locked,
                        "perform": _press(lambda days: {"derog_mode": VACATION, "derog_time": days})})
        if code != NONE:
            actions.append({"name": "end_derogation", "label": "End boost or vacation", "kind": "button",
                            "disabled": locked, "perform": _press(lambda _: {"derog_mode": NONE, "derog_time": 0})})
    if isinstance(family, Heater):
        actions.append({"name": "room_temperature", "label": "Room temperature", "kind": "number", "unit": "°C",
                        "min": -20, "max": 40, "step": 0.5, "value": round(family.reported_room(reported), 1),
                        "submit": "Set", "perform": _environment("room_temp")})
    if isinstance(family, Scheduled) and "timer_switch" in points:
        actions.append(_toggle("program", "Week program", family.program_on(device), "timer_switch", locked))
    if isinstance(family, Scheduled) and family.power_point is not None:
        actions.append(_toggle("power", "Power", bool(device.attrs.get(family.power_point, 1)),
                               family.power_point, locked))
    if isinstance(family, PilotePro):
        actions.append(_toggle("window_detection", "Open-window detection", bool(device.attrs.get("window_switch")),
                               "window_switch", locked))
    if isinstance(family, Heater):
        actions.append({"name": "window", "label": "Window open", "kind": "toggle", "on": "open", "off": "closed",
                        "value": family.window_open(device), "perform": _environment("window_open")})
    actions.append({"name": "online", "label": "Online", "kind": "toggle", "on": "online", "off": "offline",
                    "value": device.online, "perform": _online})
    fault = device_fault(cloud, device.did)
    actions.append({"name": "fault", "label": "Device fault", "kind": "choice",
                    "value": fault[1] if fault else NO_FAULT,
                    "options": [{"value": NO_FAULT, "label": "none"},
                                *({"value": k, "label": f"{FAULT_CHOICES[k]} ({code})"}
                                  for k, code in DEVICE_FAULT_CODES.items())],
                    "perform": _fault})
    return actions


def _toggle(name: str, label: str, value: bool, point: str, locked: str | None) -> dict[str, Any]:
    return {"name": name, "label": label, "kind": "toggle", "on": "on", "off": "off", "value": value,
            "disabled": locked, "perform": _press(lambda on: {point: 1 if on else 0})}


def perform(cloud: Cloud, device: Device, name: str, value: Any, now: float) -> None:
    """Do the card's action ``name`` with ``value``; 9015 saying why when the action is unknown,
    the value does not fit it, or it would do nothing now. Call with the lock held."""
    actions = {a["name"]: a for a in _actions(cloud, device, device.read(now), now)}
    action = actions.get(name)
    if action is None:
        raise form_invalid(f"{device.product.name} {device.did} has no action {name!r}; it has {sorted(actions)}")
    if action.get("disabled"):
        raise form_invalid(f"{name}: {action['disabled']}")
    action["perform"](cloud, device, _checked(action, value))


def _checked(action: dict[str, Any], value: Any) -> Any:
    kind, name = action["kind"], action["name"]
    if kind == "button":
        return None
    if kind == "toggle":
        if not isinstance(value, bool):
            raise form_invalid(f"{name} takes true or false")
        return value
    if kind == "choice":
        allowed = [o["value"] for o in action["options"]]
        if value not in allowed:
            raise form_invalid(f"{name} is one of {allowed}, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise form_invalid(f"{name} takes a number ({action['unit']})")
    if not action["min"] <= value <= action["max"]:
        raise form_invalid(f"{name} is {action['min']}..{action['max']} {action['unit']}, got {value}")
    if action["step"] == 1 and value != int(value):
        raise form_invalid(f"{name} takes whole {action['unit']}, got {value}")
    return int(value) if action["step"] == 1 else float(value)
