"""Devices as the cloud keeps them (the physical :class:`EwelinkDevice`, and the user's side:
owner, name, tags, settings, who it is shared with) and device groups.

A device has one owner (``apikey``) and may be shared with other accounts (``shareTo``),
each with a ``permit`` (the sum of 1 create timer, 2 edit, 4 delete, 8 enable, L1413). A
group has a main device and member devices of its owner; its ``params`` are only saved
(L1368), while controlling it (thing status with type 2) sends to every member.

Both stores are record stores (:mod:`emulator.core.persist`): what they hand out counts as
touched (the simulation changes a device after looking it up, as in the Gizwits registry).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from msgspec import Struct, field

from ...core.persist import RecordMaps, Touched, changed_rows, from_rows, owned, rows
from ...core.randomness import DrawnRandom
from ..devices import FAMILIES, EwelinkDevice
from ..errors import EwelinkError
from .ids import EwelinkIds

#: Default user settings of a device (L866-870).
DEFAULT_SETTINGS = {"opsNotify": 0, "opsHistory": 1, "alarmNotify": 1}


class Thing(Struct):
    deviceid: str
    owner: str
    name: str
    created_at: float
    tags: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SETTINGS))
    #: ``[{"apikey", "permit", "comment", "shareTime"}]``
    shares: list[dict[str, Any]] = field(default_factory=list)

    def share_of(self, apikey: str) -> dict[str, Any] | None:
        return next((s for s in self.shares if s["apikey"] == apikey), None)


class Group(Struct):
    id: str
    owner: str
    name: str
    main_device: str
    created_at: float
    deviceids: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)


class DeviceRegistry:
    """The physical devices, by deviceid (what the simulation drives)."""

    def __init__(self, ids: EwelinkIds) -> None:
        self._ids = ids
        self._devices: dict[str, EwelinkDevice] = {}
        #: Seeded randomness for initial device state.
        self.rng = DrawnRandom(ids.random.random())
        self.touched = Touched()

    def __iter__(self) -> Iterator[EwelinkDevice]:
        self.touched.touch_all(self._devices)
        return iter(self._devices.values())

    def __len__(self) -> int:
        return len(self._devices)

    def peek(self) -> Iterator[EwelinkDevice]:
        """Every device, to read only: not counted as touched (see the Gizwits registry's ``peek``)."""
        return iter(list(self._devices.values()))

    def get(self, deviceid: str) -> EwelinkDevice | None:
        device = self._devices.get(deviceid)
        if device is not None:
            self.touched.touch(deviceid)
        return device

    def create(self, uiid: int, now: float, *, deviceid: str | None = None, params: dict[str, Any] | None = None,
               online: bool = True) -> EwelinkDevice:
        family = FAMILIES.get(uiid)
        if family is None:
            raise ValueError(f"no emulated device of UIID {uiid} (there are {sorted(FAMILIES)})")
        deviceid = deviceid or self._ids.deviceid()
        if deviceid in self._devices:
            raise ValueError(f"deviceid {deviceid!r} already exists")
        attrs = family.defaults(self.rng)
        if params:
            attrs.update(family.validate(params, by_app=False) if family.writable else params)
        device = EwelinkDevice(did=deviceid, family=family, uiid=uiid, mac=self._ids.mac(), chipid=self._ids.chipid(),
                               devicekey=self._ids.uuid(), attrs=attrs, created_at=now, online=online, updated_at=now,
                               state_changed_at=now)
        family.setup(device, now, self.rng)
        self._devices[deviceid] = device
        self.touched.touch(deviceid)
        return device

    def remove(self, deviceid: str) -> None:
        self._devices.pop(deviceid, None)
        self.touched.touch(deviceid)

    def dump(self) -> list[dict[str, Any]]:
        return [device.dump() for device in self._devices.values()]

    def load(self, data: list[dict[str, Any]]) -> None:
        data = owned(data)  # the snapshot stays as it was, whatever the state does next
        self._devices = {}
        for item in data:
            device = EwelinkDevice(family=FAMILIES[item["uiid"]], **item)
            self._devices[device.did] = device
        self.touched.reload()

    def records(self) -> Iterator[tuple[str, Any]]:
        return ((did, device.dump()) for did, device in self._devices.items())

    def changed_records(self) -> dict[str, Any] | None:
        return changed_rows(self.touched, self._devices, EwelinkDevice.dump)

    def load_records(self, records: Iterable[tuple[str, Any]]) -> None:
        self.load([row for _, row in records])


class ThingStore(RecordMaps):
    """The cloud's side of devices (:class:`Thing`) and the groups."""

    def __init__(self, ids: EwelinkIds) -> None:
        self._ids = ids
        self._things: dict[str, Thing] = {}
        self._groups: dict[str, Group] = {}
        self.touched = Touched()

    def _handed(self, things: Iterable[Thing]) -> None:
        self.touched.touch_all(("things", thing.deviceid) for thing in things)

    def _handed_groups(self, groups: Iterable[Group]) -> None:
        self.touched.touch_all(("groups", group.id) for group in groups)

    def __iter__(self) -> Iterator[Thing]:
        self._handed(self._things.values())
        return iter(self._things.values())

    def get(self, deviceid: str) -> Thing | None:
        thing = self._things.get(deviceid)
        if thing is not None:
            self._handed((thing,))
        return thing

    def add(self, thing: Thing) -> Thing:
        self._things[thing.deviceid] = thing
        self._handed((thing,))
        return thing

    def remove(self, deviceid: str) -> None:
        self._things.pop(deviceid, None)
        self.touched.touch(("things", deviceid))

    def visible_to(self, apikey: str, deviceid: str) -> Thing | None:
        """The device if ``apikey`` owns it or it is shared with ``apikey``."""
        thing = self._things.get(deviceid)
        if thing is None or (thing.owner != apikey and thing.share_of(apikey) is None):
            return None
        self._handed((thing,))
        return thing

    def require_visible(self, apikey: str, deviceid: str) -> Thing:
        """405 when the account has no such device (what the official SDK's tests expect)."""
        thing = self.visible_to(apikey, deviceid)
        if thing is None:
            raise EwelinkError(405, f"no device {deviceid!r} for this account")
        return thing

    def require_owned(self, apikey: str, deviceid: str) -> Thing:
        thing = self.require_visible(apikey, deviceid)
        if thing.owner != apikey:
            raise EwelinkError(406, "only the owner of the device may do this")
        return thing

    def owned_by(self, apikey: str) -> list[Thing]:
        things = [t for t in self._things.values() if t.owner == apikey]
        self._handed(things)
        return things

    def shared_with(self, apikey: str) -> list[Thing]:
        things = [t for t in self._things.values() if t.share_of(apikey) is not None]
        self._handed(things)
        return things

    # -- groups -------------------------------------------------------------------------------------
    def group(self, group_id: str) -> Group | None:
        group = self._groups.get(group_id)
        if group is not None:
            self._handed_groups((group,))
        return group

    def require_group(self, apikey: str, group_id: str) -> Group:
        group = self._groups.get(group_id)
        if group is None or group.owner != apikey:
            raise EwelinkError(400, f"no group {group_id!r} of this account")
        self._handed_groups((group,))
        return group

    def groups_of(self, apikey: str) -> list[Group]:
        groups = [g for g in self._groups.values() if g.owner == apikey]
        self._handed_groups(groups)
        return groups

    def add_group(self, owner: str, name: str, main_device: str, now: float) -> Group:
        group = Group(self._ids.object_id(), owner, name, main_device, now, [main_device])
        self._groups[group.id] = group
        self._handed_groups((group,))
        return group

    def remove_group(self, group_id: str) -> None:
        self._groups.pop(group_id, None)
        self.touched.touch(("groups", group_id))

    def groups_with(self, deviceid: str) -> list[Group]:
        groups = [g for g in self._groups.values() if deviceid in g.deviceids]
        self._handed_groups(groups)
        return groups

    def record_maps(self) -> Mapping[str, Mapping[str, Any]]:
        return {"things": self._things, "groups": self._groups}

    def dump(self) -> dict[str, Any]:
        return {"things": rows(self._things.values()), "groups": rows(self._groups.values())}

    def load(self, data: dict[str, Any]) -> None:
        data = owned(data)  # the snapshot stays as it was, whatever the state does next
        self._things = {t.deviceid: t for t in from_rows(Thing, data["things"])}
        self._groups = {g.id: g for g in from_rows(Group, data["groups"])}
        self.touched.reload()
