"""The eWeLink cloud: its stores and engines, assembled on the world's core pieces.

``EwelinkCloud`` is the eWeLink part of a :class:`~emulator.core.world.World`: it builds its
stores (apps, accounts and tokens, codes, homes, things and groups, messages, operation
history, the physical devices) on the world's clock, event queue, change feed and
simulation, registers them for snapshots (names ``ewelink.*``) and its devices with the
world's directory, and loads the ``ewelink`` part of scenarios (see ``fixtures/README.md``).

The operations that touch several stores are here (creating an account with its home,
adding, controlling, sharing and deleting devices); routes call them, or the stores'
own methods, and never compute device behaviour. Every device change goes through the
simulation onto the feed; :meth:`EwelinkCloud.audience` says whose sessions it concerns (the
owner and the accounts the device is shared with), for pushes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ...core.faults import identities
from ...core.outbox import Outbox
from ...core.randomness import RandomStates
from ...core.scenario import Problem, ScenarioError
from ...core.world import World
from ..devices import EwelinkDevice, ParamError
from ..errors import ERRORS, EwelinkError, bad_params
from ..regions import REGIONS
from .actions import ActionRunner
from .apps import App, AppRegistry
from .codes import CodeStore
from .homes import DEFAULT_HOME, DEVICE, GROUP, Home, HomeStore
from .ids import EwelinkIds
from .messages import CANCEL_SHARE, SHARE, NoticeStore
from .operations import JOINED, OperationLog
from .things import DeviceRegistry, Group, Thing, ThingStore
from .users import Account, AccountStore

#: What a device-level fault rule makes an app's command answer (HTTP; the WebSocket answers 504).
DEVICE_FAULT_CODES = {"not_delivered": 4002, "offline": 4002}
PERMITS = 15


class EwelinkCloud:
    name = "ewelink"

    def __init__(self, world: World) -> None:
        self.world = world
        self._replaced: list[Callable[[EwelinkCloud], None]] = []
        world.attach(self)

    def on_state_replaced(self, hook: Callable[[EwelinkCloud], None]) -> None:
        """Call ``hook(cloud)`` now and after every reset and restore: live wiring that is not state
        (the WebSocket's pushes) attaches itself to the new feed there. Once per hook."""
        if hook not in self._replaced:
            self._replaced.append(hook)
            hook(self)

    @property
    def lock(self) -> threading.RLock:
        return self.world.lock  # type: ignore[return-value]

    def now(self) -> float:
        return self.world.clock.now()

    # -- the world's part -------------------------------------------------------------------------------
    def build(self, world: World) -> None:
        self.ids = EwelinkIds(world.config.seed)
        self.apps = AppRegistry()
        self.accounts = AccountStore(self.ids)
        self.outbox = Outbox()
        self.codes = CodeStore(self.ids, self.outbox)
        self.homes = HomeStore(self.ids)
        self.things = ThingStore(self.ids)
        self.devices = DeviceRegistry(self.ids)
        self.notices = NoticeStore(self.ids)
        self.operations = OperationLog(world.feed, wants=self._logs_operations, account=self._account_name)
        self.actions = ActionRunner(world.events, world.simulation, self.devices.get)
        world.devices.register(self.name, self.devices)
        world.register_stores({
            "ewelink.apps": self.apps, "ewelink.accounts": self.accounts, "ewelink.outbox": self.outbox,
            "ewelink.codes": self.codes, "ewelink.homes": self.homes, "ewelink.things": self.things,
            "ewelink.devices": self.devices, "ewelink.notices": self.notices, "ewelink.operations": self.operations,
            "ewelink.random": RandomStates({"ids": self.ids.random, "devices": self.devices.rng}),
        })

    def scenario_problems(self, document: dict[str, Any]) -> list[Problem]:
        from .scenario import scenario_problems

        return scenario_problems(self, document.get("ewelink") or {})

    def load(self, document: dict[str, Any]) -> None:
        from .scenario import load_scenario

        try:
            load_scenario(self, document.get("ewelink") or {})
        except (EwelinkError, ParamError) as error:  # a duplicate account, bad params: the scenario is wrong
            raise ScenarioError.at(["ewelink"], str(error)) from None

    @staticmethod
    def knows_error(code: int) -> bool:
        return code in ERRORS

    def state_replaced(self) -> None:
        """The world replaced the state (a reset, a restore): the hooks attach to the new pieces."""
        for hook in self._replaced:
            hook(self)

    def _logs_operations(self, deviceid: str) -> bool:
        thing = self.things.get(deviceid)
        return thing is not None and thing.settings.get("opsHistory", 1) == 1

    def _account_name(self, apikey: str | None) -> str:
        account = self.accounts.get(apikey)
        return account.account if account is not None else ""

    # -- accounts ---------------------------------------------------------------------------------------
    def create_account(self, *, region: str, password: str, email: str = "", phone: str = "", country_code: str = "",
                       nickname: str = "", apikey: str | None = None, home: str = DEFAULT_HOME,
                       rooms: list[str] = ()) -> Account:
        """A new account with its first home (its current home)."""
        if region not in REGIONS:
            raise ValueError(f"region must be one of {REGIONS}, got {region!r}")
        now = self.now()
        account = self.accounts.create(now, region=region, password=password, email=email, phone=phone,
                                       country_code=country_code, nickname=nickname, apikey=apikey)
        account.current_family = self.homes.create(account.apikey, home, now, room_names=list(rooms)).id
        return account

    def close_account(self, account: Account) -> None:
        """The account goes, with its devices, groups, homes and messages; shares with it end."""
        for thing in self.things.owned_by(account.apikey):
            self.delete_device(account, thing.deviceid)
        for thing in self.things.shared_with(account.apikey):
            self.delete_device(account, thing.deviceid)
        for group in self.things.groups_of(account.apikey):
            self.delete_group(group)
        self.notices.forget(account.apikey)
        self.accounts.remove(account)

    def current_home(self, account: Account) -> Home:
        home = self.homes.get(account.current_family)
        if home is None or home.apikey != account.apikey:
            homes = self.homes.homes_of(account.apikey)
            home = homes[0] if homes else self.homes.create(account.apikey, DEFAULT_HOME, self.now())
            account.current_family = home.id
        return home

    def home_of(self, account: Account, familyid: str | None) -> Home:
        """The account's home ``familyid``, or its current home when none is named."""
        return self.homes.require(account.apikey, familyid) if familyid else self.current_home(account)

    # -- devices ----------------------------------------------------------------------------------------
    def add_device(self, owner: Account | None, uiid: int, *, name: str = "", deviceid: str | None = None,
                   params: dict[str, Any] | None = None, online: bool = True, home: Home | None = None,
                   roomid: str = "", sort: int = 1, settings: dict[str, int] | None = None,
                   tags: dict[str, Any] | None = None) -> EwelinkDevice:
        """A device joins the cloud, owned by ``owner``, in ``home`` (default: the current one);
        with no owner it is a spare that an app adds (``/v2/device/add``)."""
        now = self.now()
        home = home or (self.current_home(owner) if owner is not None else None)
        if roomid and home is not None and not any(r["id"] == roomid for r in home.rooms):
            raise EwelinkError(405, f"no room {roomid!r} in this home")
        device = self.devices.create(uiid, now, deviceid=deviceid, params=params, online=online)
        if owner is not None and home is not None:
            thing = Thing(device.did, owner.apikey, name or f"{device.family.product_model} {device.did[-4:]}", now,
                          dict(tags or {}))
            if settings:
                thing.settings.update(settings)
            self.things.add(thing)
            self.homes.place(owner.apikey, DEVICE, device.did, home, roomid=roomid, sort=sort)
        self.world.simulation.register(device, now, source=JOINED)
        self.actions.arm(device, now)
        return device

    def device(self, deviceid: str) -> EwelinkDevice:
        device = self.devices.get(deviceid)
        if device is None:
            raise EwelinkError(405, f"no device {deviceid!r}")
        return device

    def observe(self, device: EwelinkDevice, now: float | None = None) -> EwelinkDevice:
        """Publish what the device reported up to ``now`` before reading it."""
        return self.world.simulation.observe(device, self.now() if now is None else now)

    def delete_device(self, account: Account, deviceid: str) -> None:
        """The owner deletes the device (it leaves the cloud); an account it is shared with only
        leaves the share (L1195: "deleting devices shared by others is also done through this")."""
        thing = self.things.require_visible(account.apikey, deviceid)
        if thing.owner != account.apikey:
            self.unshare(self.accounts.get(thing.owner) or account, deviceid, account.apikey)
            return
        for share in list(thing.shares):
            self.homes.unplace(share["apikey"], DEVICE, deviceid)
        for group in self.things.groups_with(deviceid):
            if group.main_device == deviceid:
                self.delete_group(group)
            else:
                group.deviceids.remove(deviceid)
        self.homes.unplace_everywhere(DEVICE, deviceid)
        self.actions.disarm(deviceid)
        self.things.remove(deviceid)
        self.devices.remove(deviceid)
        self.operations.clear(deviceid)
        self.world.history.forget(deviceid)

    def control(self, account: Account, deviceid: str, params: dict[str, Any], *, appid: str | None = None,
                source: str = "app") -> dict[str, Any]:
        """An app writes ``params`` to a device it owns or that is shared with it: 405 unknown,
        400 bad params, 4002 offline (or a device fault rule); returns what changed."""
        self.things.require_visible(account.apikey, deviceid)
        device = self.device(deviceid)
        if not isinstance(params, dict):
            raise bad_params("params must be an object")
        try:
            changes = device.family.validate(params, by_app=True)
        except ParamError as error:
            raise bad_params(str(error)) from None
        if not device.online:
            raise EwelinkError(4002, f"device {deviceid!r} is offline")
        rule = self.world.faults.command_fault(appid, deviceid, *self.identities(account))
        if rule is not None:
            raise EwelinkError(DEVICE_FAULT_CODES[rule.device or ""], f"fault rule {rule.id}")
        return self.write(device, changes, source=source, uid=account.apikey, appid=appid)

    def write(self, device: EwelinkDevice, changes: dict[str, Any], *, source: str, uid: str | None = None,
              appid: str | None = None) -> dict[str, Any]:
        """Write checked ``changes`` now, publish what changed, re-arm the device's actions."""
        now = self.now()
        changed = self.world.simulation.apply(device, changes, now, source=source, uid=uid, appid=appid)
        self.actions.arm(device, now)
        return changed

    def control_group(self, account: Account, group: Group, params: dict[str, Any], *,
                      appid: str | None = None) -> None:
        """Send ``params`` to every member; offline members and refusals are ignored (L1029)."""
        if not isinstance(params, dict) or not params:
            raise bad_params("params must be an object naming at least one param")
        for deviceid in list(group.deviceids):
            try:
                self.control(account, deviceid, params, appid=appid)
            except EwelinkError:
                continue

    @staticmethod
    def identities(account: Account) -> tuple[str, ...]:
        return identities(account.apikey, account.email, account.phone)

    # -- the physical world ---------------------------------------------------------------------------------
    def press(self, device: EwelinkDevice, params: dict[str, Any]) -> dict[str, Any]:
        """Someone uses the device's own buttons (or the door opens): a change the device reports."""
        try:
            changes = device.family.validate(params, by_app=False)
        except ParamError as error:
            raise bad_params(str(error)) from None
        return self.write(device, changes, source="device")

    def set_environment(self, device: EwelinkDevice, values: dict[str, Any]) -> dict[str, Any]:
        changed = self.world.simulation.set_environment(device, values, self.now())
        self.actions.arm(device, self.now())
        return changed

    def set_online(self, device: EwelinkDevice, online: bool, *, back_after: float | None = None) -> None:
        self.world.simulation.set_online(device, online, self.now(), back_after=back_after)
        self.actions.arm(device, self.now())

    # -- groups ----------------------------------------------------------------------------------------------
    def add_group(self, owner: Account, name: str, main_device: str, *, home: Home, roomid: str = "",
                  sort: int = 1) -> Group:
        self.things.require_visible(owner.apikey, main_device)
        if len(self.things.groups_of(owner.apikey)) >= 100:
            raise EwelinkError(30009)
        group = self.things.add_group(owner.apikey, name, main_device, self.now())
        self.homes.place(owner.apikey, GROUP, group.id, home, roomid=roomid, sort=sort)
        return group

    def delete_group(self, group: Group) -> None:
        self.homes.unplace_everywhere(GROUP, group.id)
        self.things.remove_group(group.id)

    # -- sharing ----------------------------------------------------------------------------------------------
    def share(self, owner: Account, deviceids: list[str], target: Account, permit: int, comment: str) -> list[str]:
        """Share devices with ``target`` (silently, the seed's default shareType 1)."""
        if target.apikey == owner.apikey:
            raise bad_params("a device cannot be shared with its owner")
        things = [self.things.require_owned(owner.apikey, deviceid) for deviceid in deviceids]
        now = self.now()
        home = self.current_home(target)
        for thing in things:
            share = thing.share_of(target.apikey)
            if share is None:
                thing.shares.append({"apikey": target.apikey, "permit": permit, "comment": comment,
                                     "shareTime": int(now * 1000)})
                self.homes.place(target.apikey, DEVICE, thing.deviceid, home)
            else:
                share.update(permit=permit, comment=comment)
        self.notices.post(target.apikey, home.id, SHARE, {"deviceidList": list(deviceids), "fromAccount":
                                                             owner.account, "fromApikey": owner.apikey}, now)
        return [thing.deviceid for thing in things]

    def share_record(self, owner: Account, deviceid: str, apikey: str) -> tuple[Thing, dict[str, Any]]:
        """The share of ``deviceid`` with ``apikey``: 500 when there is none (as the official SDK's
        tests find the real cloud answering)."""
        thing = self.things.require_owned(owner.apikey, deviceid)
        share = thing.share_of(apikey)
        if share is None:
            raise EwelinkError(500, f"device {deviceid!r} is not shared with {apikey!r}")
        return thing, share

    def unshare(self, owner: Account, deviceid: str, apikey: str) -> Thing:
        thing, share = self.share_record(owner, deviceid, apikey)
        thing.shares.remove(share)
        self.homes.unplace(apikey, DEVICE, deviceid)
        for group in self.things.groups_of(apikey):
            if group.main_device == deviceid:
                self.delete_group(group)
            elif deviceid in group.deviceids:
                group.deviceids.remove(deviceid)
        target = self.accounts.get(apikey)
        if target is not None:
            self.notices.post(apikey, self.current_home(target).id, CANCEL_SHARE,
                              {"deviceid": deviceid, "fromAccount": owner.account}, self.now())
        return thing

    def audience(self, deviceid: str) -> list[str]:
        """The accounts whose sessions a change of ``deviceid`` concerns: its owner and sharers."""
        thing = self.things.get(deviceid)
        if thing is None:
            return []
        return [thing.owner, *(share["apikey"] for share in thing.shares)]

    # -- apps ----------------------------------------------------------------------------------------------
    def add_app(self, appid: str, secret: str, name: str = "", *, lenient: bool = False) -> App:
        return self.apps.add(App(appid, secret, name, lenient))
