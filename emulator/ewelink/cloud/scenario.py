"""Loading the ``ewelink`` part of a scenario: apps, accounts with their home and rooms,
devices (owner, room, params, environment, shares) and groups. See ``fixtures/README.md``.

Identifiers left out (apikeys, deviceids, MACs, chip ids) come from the seeded generator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core.scenario import ScenarioError
from ..devices import FAMILIES
from ..regions import REGIONS

if TYPE_CHECKING:
    from .cloud import EwelinkCloud
    from .users import Account


def load_scenario(cloud: EwelinkCloud, section: dict[str, Any]) -> None:
    if not isinstance(section, dict):
        raise ScenarioError("the ewelink part of a scenario is an object")
    for item in section.get("apps", []):
        cloud.add_app(item["appid"], item["secret"], item.get("name", ""), lenient=bool(item.get("lenient")))
    refs: dict[str, Account] = {}
    for item in section.get("accounts", []):
        region = item.get("region", "eu")
        if region not in REGIONS:
            raise ScenarioError(f"an eWeLink account's region is one of {', '.join(REGIONS)}, got {region!r}")
        account = cloud.create_account(region=region, password=item["password"], email=item.get("email", ""),
                                       phone=item.get("phoneNumber", ""), country_code=item.get("countryCode", ""),
                                       nickname=item.get("nickname", ""), apikey=item.get("apikey"),
                                       home=item.get("home", "My Home"), rooms=item.get("rooms", []))
        refs[item.get("ref") or item.get("email") or item.get("phoneNumber")] = account
    devices: dict[str, str] = {}
    for item in section.get("devices", []):
        uiid = item.get("uiid")
        if uiid not in FAMILIES:
            raise ScenarioError(f"no emulated eWeLink device of UIID {uiid!r} (there are {sorted(FAMILIES)})")
        owner = _account(refs, item["owner"]) if item.get("owner") is not None else None
        home = cloud.current_home(owner) if owner is not None else None
        roomid = _room(home, item.get("room")) if home is not None else ""
        device = cloud.add_device(owner, uiid, name=item.get("name", ""), deviceid=item.get("deviceid"),
                                  params=item.get("params"), online=item.get("online", True), home=home,
                                  roomid=roomid, sort=2, settings=item.get("settings"), tags=item.get("tags"))
        if item.get("environment"):
            cloud.set_environment(device, dict(item["environment"]))
        if item.get("gsmId"):
            device.sim["gsm_id"] = str(item["gsmId"])
        devices[item.get("ref") or device.did] = device.did
        for share in item.get("shared_with", []) if owner is not None else []:
            cloud.share(owner, [device.did], _account(refs, share["account"]), int(share.get("permit", 15)),
                        share.get("comment", ""))
    for item in section.get("groups", []):
        owner = _account(refs, item.get("owner"))
        members = [devices.get(ref, ref) for ref in item.get("devices", [])]
        if not members:
            raise ScenarioError("an eWeLink group needs its devices (the first is the main device)")
        home = cloud.current_home(owner)
        group = cloud.add_group(owner, item["name"], members[0], home=home, roomid=_room(home, item.get("room")),
                                sort=2)
        group.deviceids = members


def _account(refs: dict[str, Account], ref: Any) -> Account:
    if ref not in refs:
        raise ScenarioError(f"no eWeLink account {ref!r} in the scenario")
    return refs[ref]


def _room(home: Any, name: str | None) -> str:
    if not name:
        return ""
    for room in home.rooms:
        if room["name"] == name:
            return str(room["id"])
    raise ScenarioError(f"no room {name!r} in the home {home.name!r}")
