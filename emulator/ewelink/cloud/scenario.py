"""Loading the ``ewelink`` part of a scenario: apps, accounts with their home and rooms,
devices (owner, room, params, environment, shares) and groups. See ``fixtures/README.md``.

Identifiers left out (apikeys, deviceids, MACs, chip ids) come from the seeded generator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core.scenario import Problem, ScenarioError
from ..devices import FAMILIES
from ..regions import REGIONS

if TYPE_CHECKING:
    from .cloud import EwelinkCloud
    from .users import Account


def _items(section: dict[str, Any], key: str) -> list[dict[str, Any]]:
    values = section.get(key)
    return [item if isinstance(item, dict) else {} for item in values] if isinstance(values, list) else []


def scenario_problems(cloud: EwelinkCloud, section: Any) -> list[Problem]:
    """What the schema cannot tell of the ``ewelink`` part: a known UIID, owners, sharers and group
    owners that are accounts of the part, rooms of the owner's home, e-mails and phones taken twice
    (within the part or by the current state). Shapes are the schema's: odd items are skipped."""
    found: list[Problem] = []
    if not isinstance(section, dict):
        return found
    refs: dict[str, dict[str, Any]] = {}
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(_items(section, "accounts")):
        ref = next((item[k] for k in ("ref", "email", "phoneNumber") if isinstance(item.get(k), str)), None)
        if ref is not None:
            refs[ref] = item
        for key in ("email", "phoneNumber"):
            value = item.get(key)
            if not isinstance(value, str) or not value:
                continue
            where = ["ewelink", "accounts", index, key]
            if (key, value.lower()) in seen:
                found.append(Problem.at_path(where, f"{key} {value!r} is given to an earlier account"))
            elif cloud.accounts.find(**{"email" if key == "email" else "phone": value}) is not None:
                found.append(Problem.at_path(where, f"{key} {value!r} is already registered"))
            seen.add((key, value.lower()))
    known = f" (accounts: {', '.join(sorted(refs))})" if refs else " (the part has no accounts)"
    devices: set[str] = set()
    for index, item in enumerate(_items(section, "devices")):
        here = ["ewelink", "devices", index]
        uiid = item.get("uiid")
        if isinstance(uiid, int) and uiid not in FAMILIES:
            found.append(Problem.at_path([*here, "uiid"], f"no emulated eWeLink device of UIID {uiid} "
                                                          f"(there are {', '.join(map(str, sorted(FAMILIES)))})"))
        owner = item.get("owner")
        if isinstance(owner, str) and owner not in refs:
            found.append(Problem.at_path([*here, "owner"], f"no account with ref {owner!r}{known}"))
        room = item.get("room")
        if isinstance(room, str) and room and isinstance(owner, str) and owner in refs:
            rooms = refs[owner].get("rooms", [])
            if room not in rooms:
                found.append(Problem.at_path([*here, "room"], f"no room {room!r} in {owner!r}'s home (rooms: "
                                                              f"{', '.join(map(str, rooms)) or 'none'})"))
        for position, share in enumerate(item.get("shared_with", []) if isinstance(item.get("shared_with"), list)
                                         else []):
            account = share.get("account") if isinstance(share, dict) else None
            if isinstance(account, str) and account not in refs:
                found.append(Problem.at_path([*here, "shared_with", position, "account"],
                                             f"no account with ref {account!r}{known}"))
        for key in ("ref", "deviceid"):
            if isinstance(item.get(key), str):
                devices.add(item[key])
    for index, item in enumerate(_items(section, "groups")):
        here = ["ewelink", "groups", index]
        owner = item.get("owner")
        if isinstance(owner, str) and owner not in refs:
            found.append(Problem.at_path([*here, "owner"], f"no account with ref {owner!r}{known}"))
        members = item.get("devices")
        if isinstance(members, list) and not members:
            found.append(Problem.at_path([*here, "devices"], "a group needs its devices (the first is the main one)"))
        for position, member in enumerate(members if isinstance(members, list) else []):
            if isinstance(member, str) and member not in devices:
                found.append(Problem.at_path([*here, "devices", position], f"no device {member!r} in the part"))
    return found


def load_scenario(cloud: EwelinkCloud, section: dict[str, Any]) -> None:
    """Add a checked ``ewelink`` part; the raises below are last resorts (the checks come first)."""
    if not isinstance(section, dict):
        raise ScenarioError.at(["ewelink"], "the ewelink part of a scenario is an object")
    for item in section.get("apps", []):
        cloud.add_app(item["appid"], item["secret"], item.get("name", ""), lenient=bool(item.get("lenient")))
    refs: dict[str, Account] = {}
    for item in section.get("accounts", []):
        region = item.get("region", "eu")
        if region not in REGIONS:
            raise ScenarioError.at(["ewelink", "accounts"], f"a region is one of {', '.join(REGIONS)}, got {region!r}")
        account = cloud.create_account(region=region, password=item["password"], email=item.get("email", ""),
                                       phone=item.get("phoneNumber", ""), country_code=item.get("countryCode", ""),
                                       nickname=item.get("nickname", ""), apikey=item.get("apikey"),
                                       home=item.get("home", "My Home"), rooms=item.get("rooms", []))
        refs[item.get("ref") or item.get("email") or item.get("phoneNumber")] = account
    devices: dict[str, str] = {}
    for item in section.get("devices", []):
        uiid = item.get("uiid")
        if uiid not in FAMILIES:
            raise ScenarioError.at(["ewelink", "devices"], f"no emulated eWeLink device of UIID {uiid!r}")
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
            raise ScenarioError.at(["ewelink", "groups"], "a group needs its devices (the first is the main one)")
        home = cloud.current_home(owner)
        group = cloud.add_group(owner, item["name"], members[0], home=home, roomid=_room(home, item.get("room")),
                                sort=2)
        group.deviceids = members


def _account(refs: dict[str, Account], ref: Any) -> Account:
    if ref not in refs:
        raise ScenarioError.at(["ewelink"], f"no eWeLink account {ref!r} in the scenario")
    return refs[ref]


def _room(home: Any, name: str | None) -> str:
    if not name:
        return ""
    for room in home.rooms:
        if room["name"] == name:
            return str(room["id"])
    raise ScenarioError.at(["ewelink"], f"no room {name!r} in the home {home.name!r}")
