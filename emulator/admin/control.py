"""What the test control plane does to the cloud, whoever asks (admin API or Python handle).

Every operation here is atomic: it validates first, and when loading a document fails
halfway it puts the state back as it was. Nothing here knows about HTTP.

Reset speed: loading a fixture builds every user, device and binding again (a few
milliseconds for the demo). The first reset to a given fixture and seed keeps the
resulting snapshot; later resets to the same fixture and seed restore it instead
(about a tenth of a millisecond), which gives exactly the state a fresh load gives,
generators included (see :mod:`emulator.core.randomness`).
"""

from __future__ import annotations

import copy
import json
import weakref
from pathlib import Path
from typing import Any

from ..core.outbox import Message
from ..core.scenario import ScenarioError, scenario_path
from ..gizwits.cloud.cloud import Cloud
from ..gizwits.devices import Device
from ..gizwits.devices.catalog import PROGRAM_POINTS
from ..gizwits.devices.datapoints import InvalidValue
from ..gizwits.devices.program import SLOTS_PER_DAY, slot_mode
from ..gizwits.errors import ApiError, form_invalid
from . import ewelink
from .environment import check_environment
from .timespec import TimeSpecError, parse_duration, parse_instant

Fixture = str | Path | dict[str, Any]

#: Snapshots taken right after loading a fixture, per cloud, by (fixture, seed, ...).
_CACHE: weakref.WeakKeyDictionary[Cloud, dict[str, bytes]] = weakref.WeakKeyDictionary()


def _cache_key(cloud: Cloud, fixture: Fixture) -> str:
    config = cloud.config
    name = json.dumps(fixture, sort_keys=True) if isinstance(fixture, dict) else str(fixture)
    # The clouds of the world are part of the key: a snapshot taken before a cloud was attached
    # lacks that cloud's stores.
    return json.dumps([name, _file_version(fixture), config.seed, config.token_ttl, sorted(config.apps.items()),
                       sorted(cloud.world.parts)])


def _file_version(fixture: Fixture) -> list[int] | None:
    """A scenario file's modification time and size: an edited file is loaded again, not restored."""
    if isinstance(fixture, dict):
        return None
    try:
        status = scenario_path(fixture).stat()
    except (ScenarioError, OSError):
        return None
    return [status.st_mtime_ns, status.st_size]


def reset(cloud: Cloud, fixture: Fixture | None = None, seed: int | None = None) -> None:
    """Forget everything (state, faults, journal, live WebSocket sessions), put the clock back to
    real time, load ``fixture``.

    ``fixture`` defaults to the configured one; ``seed``, when given, becomes the
    configured seed. A fixture that cannot load raises :class:`ScenarioError` (every
    problem) and leaves the state as it was. Journal ids go on from where they were, so a
    follower of the journal (``gizwits-emulator journal --follow``) misses nothing.
    """
    with cloud.lock:
        config, clock = cloud.config, copy.deepcopy(vars(cloud.clock))
        if seed is not None and seed != cloud.config.seed:
            cloud.config = cloud.config.with_changes(seed=seed)
        fixture = cloud.config.fixture if fixture is None else fixture
        cloud.clock.real()
        cache = _CACHE.setdefault(cloud, {})
        key = _cache_key(cloud, fixture)
        cached = cache.get(key)
        if cached is None:
            before = cloud.snapshot()
            try:
                cloud.reset(fixture)  # type: ignore[arg-type]
            except ScenarioError:
                cloud.config = config
                vars(cloud.clock).update(clock)
                cloud.restore(before)
                raise
            import pickle  # on the first reset only: most processes never reset

            cache[key] = pickle.dumps(cloud.snapshot(), protocol=pickle.HIGHEST_PROTOCOL)
        else:
            import pickle

            cloud.restore(pickle.loads(cached), private=True)  # a fresh copy: stores keep it
        cloud.journal.clear()  # the same journal (the world keeps it across resets): ids go on
        cloud.sessions.reset()  # session faults and journaled frames (the sessions were closed)


def seed(cloud: Cloud, fixture: Fixture) -> dict[str, Any]:
    """Add a fixture's apps, users and devices to the current state; all or nothing
    (:class:`ScenarioError` listing every problem)."""
    with cloud.lock:
        before = cloud.snapshot()
        try:
            return cloud.world.seed(fixture)
        except ScenarioError:
            cloud.restore(before)
            raise


def restore(cloud: Cloud, document: Any) -> None:
    """Put back an exported snapshot; all or nothing."""
    if not isinstance(document, dict) or not isinstance(document.get("stores"), dict):
        raise form_invalid('a snapshot is {"format": 1, "stores": {...}} as GET /_emulator/snapshot gives it')
    if document.get("format") != 1:
        raise form_invalid("unknown snapshot format (expected 1)")
    with cloud.lock:
        before = cloud.snapshot()
        try:
            cloud.restore(document)
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            cloud.restore(before)
            raise form_invalid(f"cannot restore snapshot: {type(error).__name__}: {error}") from None


# -- looking ---------------------------------------------------------------------------------
def users(cloud: Cloud) -> list[dict[str, Any]]:
    with cloud.lock:
        return [
            {**user.profile(), "appid": user.appid, "has_password": user.password_hash is not None,
             "phone_id": user.phone_id,
             "created_at": user.created_at,
             "devices": [b.did for b in cloud.bindings.of_user(user.uid)],
             "tokens": [t.body() for t in cloud.users.tokens_of(user.uid)]}
            for user in cloud.users
        ]


def device_summary(cloud: Cloud, device: Device) -> dict[str, Any]:
    return {
        "did": device.did, "product_name": device.product.name, "product_key": device.product_key,
        "mac": device.mac, "passcode": device.passcode, "is_online": device.online,
        "is_disabled": device.is_disabled,
        "bound_to": [{"uid": b.uid, "role": b.role, "dev_alias": b.dev_alias}
                     for b in cloud.bindings.of_device(device.did)],
    }


def devices(cloud: Cloud) -> list[dict[str, Any]]:
    with cloud.lock:
        return [device_summary(cloud, device) for device in cloud.devices.peek()]


def program(device: Device) -> dict[str, list[str]] | None:
    """The week program as modes per half hour, day 1 (Monday) to 7; None if the device has none."""
    if PROGRAM_POINTS[0] not in device.attrs:
        return None
    return {str(day): [slot_mode(device.attrs, day, slot) for slot in range(SLOTS_PER_DAY)] for day in range(1, 8)}


def device_state(cloud: Cloud, did: str) -> dict[str, Any]:
    """Everything the cloud knows of one device, including its program and pending events."""
    if ewelink.owns(cloud.world, did):
        return ewelink.device_state(cloud.world, did)
    with cloud.lock:
        now = cloud.sync()
        device = cloud.devices.require(did)
        return {
            **device_summary(cloud, device),
            "state": device.dump(),
            "reported": device.read(now),
            "program": program(device),
            "pending_events": [e.as_dict() for e in cloud.events.pending() if e.data.get("did") == did],
            "history": len(cloud.history.of(did)),
        }


def outbox(cloud: Cloud, kind: str | None = None, to: str | None = None) -> list[Message]:
    """Mails (``kind="mail"``) and SMS (``"sms"``) the cloud sent, optionally to one address."""
    with cloud.lock:
        return [m for m in cloud.outbox.messages if (kind is None or m.kind == kind) and (to is None or m.to == to)]


# -- the physical world -------------------------------------------------------------------------
def set_online(cloud: Cloud, did: str, online: bool) -> None:
    if ewelink.owns(cloud.world, did):
        ewelink.set_online(cloud.world, did, online)
        return
    with cloud.lock:
        cloud.sync()
        cloud.set_online(cloud.devices.require(did), online)


def press(cloud: Cloud, did: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Someone uses the device's buttons; returns what changed."""
    if not changes:
        raise form_invalid("say which data points change, e.g. {\"mode\": \"eco\"}")
    if ewelink.owns(cloud.world, did):
        return ewelink.press(cloud.world, did, changes)
    with cloud.lock:
        cloud.sync()
        device = cloud.devices.require(did)
        try:
            return cloud.press(device, changes)
        except InvalidValue as error:
            raise ApiError(9025, str(error)) from None


#: The world around a device (docs/simulation.md): ``room_temp`` and ``humidity`` set the room
#: now (it then evolves), ``outdoor_temp``, ``window_open`` and ``presence`` stay until changed.
ENVIRONMENT = {"room_temp": (int, float), "outdoor_temp": (int, float), "window_open": (bool,),
               "humidity": (int, float), "presence": (bool,)}


def set_environment(cloud: Cloud, did: str, values: dict[str, Any]) -> dict[str, Any]:
    """Change the world around ``did``; return the reported values that changed at once."""
    if ewelink.owns(cloud.world, did):
        return ewelink.set_environment(cloud.world, did, values)
    check_environment(values, ENVIRONMENT, "environment")
    with cloud.lock:
        cloud.sync()
        return cloud.set_environment(cloud.devices.require(did), **values)


# -- the clock ----------------------------------------------------------------------------------
CLOCK_ACTIONS = ("freeze", "offset", "speed", "advance", "real")


def set_clock(cloud: Cloud, action: str, value: Any = None) -> dict[str, Any]:
    """``freeze`` (at an instant, or now), ``offset`` (a duration, may be negative), ``speed``
    (a factor), ``advance`` (a duration; due events run in order) or ``real``."""
    try:
        with cloud.lock:
            cloud.sync()
            if action == "freeze":
                cloud.clock.freeze(None if value is None or value is True else parse_instant(value))
            elif action == "offset":
                cloud.clock.set_offset(_signed_duration(value))
            elif action == "speed":
                if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1_000_000:
                    raise form_invalid("speed must be a factor > 0 (e.g. 60: a minute per second)")
                cloud.clock.set_speed(float(value))
            elif action == "advance":
                seconds = parse_duration(value)
                if seconds < 0:
                    raise form_invalid("advance only moves forward")
                cloud.advance(seconds)
            elif action == "real":
                cloud.clock.real()
            else:
                raise form_invalid(f"clock actions are {list(CLOCK_ACTIONS)}")
            cloud.sync()
            return cloud.clock.describe()
    except TimeSpecError as error:
        raise form_invalid(str(error)) from None


def _signed_duration(value: Any) -> float:
    if isinstance(value, str) and value.startswith("-"):
        return -parse_duration(value[1:])
    return parse_duration(value)
