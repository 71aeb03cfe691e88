"""How things look on the wire: the device item (L811-901) and the group item (L1248-1298),
as one account sees them.

Every field of the seed's device list is written, ``null`` where the thing has nothing
(``sharedBy`` on one's own device, ``devConfig``, ``gsmInfoData``): PyPI ``ewelink`` 0.2.1
refuses a record that lacks ``devGroups``, ``tags``, ``devConfig``, ``settings``,
``sharedBy``, ``shareTo``, ``params`` or ``extra.chipid``.
"""

from __future__ import annotations

from typing import Any

from ..cloud.cloud import EwelinkCloud
from ..cloud.homes import DEVICE, GROUP, Placement
from ..cloud.things import Group, Thing
from ..cloud.users import Account

OWN_DEVICE, SHARED_DEVICE, OWN_GROUP = 1, 2, 3
BRAND = "SONOFF"
BRAND_ID = "5c4c1aee3a7d24c7100be054"
MANUFACTURER = "深圳松诺技术有限公司"
BRAND_LOGO = "https://ewelink-emulator.invalid/brand/sonoff.png"


def _person(account: Account | None, apikey: str, share: dict[str, Any]) -> dict[str, Any]:
    return {"apikey": apikey, "email": account.email if account else "",
            "phoneNumber": account.phone if account else "", "nickname": account.nickname if account else "",
            "permit": share.get("permit", 0),
            "comment": share.get("comment", ""), "shareTime": share.get("shareTime", 0)}


def device_data(cloud: EwelinkCloud, viewer: Account, thing: Thing, placement: Placement | None,
                now: float) -> dict[str, Any]:
    device = cloud.observe(cloud.device(thing.deviceid), now)
    family = device.family
    owner = cloud.accounts.get(thing.owner)
    shared = thing.owner != viewer.apikey
    share = thing.share_of(viewer.apikey) if shared else None
    home = placement.family_body() if placement else {"familyid": "", "index": 0, "roomid": ""}
    home["members"] = []
    return {
        "name": thing.name, "deviceid": device.did, "apikey": thing.owner,
        "extra": {"model": family.model, "ui": family.ui, "uiid": device.uiid, "description": family.product_model,
                  "manufacturer": MANUFACTURER, "mac": device.mac, "apmac": device.mac, "modelInfo": BRAND_ID,
                  "brandId": BRAND_ID, "chipid": device.chipid},
        "brandName": BRAND, "brandLogo": BRAND_LOGO, "showBrand": True, "productModel": family.product_model,
        "devGroups": [{"type": 1, "groupId": g.id} for g in cloud.things.groups_with(device.did)
                      if g.owner == viewer.apikey],
        "tags": dict(thing.tags), "devConfig": {}, "settings": dict(thing.settings), "family": home,
        "sharedBy": _person(owner, thing.owner, share or {}) if shared else None,
        "shareTo": [] if shared else [_person(cloud.accounts.get(s["apikey"]), s["apikey"], s) for s in thing.shares],
        "devicekey": device.devicekey, "online": device.online, "params": device.read(now), "gsmInfoData": None,
    }


def group_data(cloud: EwelinkCloud, group: Group, placement: Placement | None) -> dict[str, Any]:
    home = placement.family_body() if placement else {"familyid": "", "index": 0, "roomid": ""}
    return {"id": group.id, "name": group.name, "mainDeviceId": group.main_device, "family": home,
            "params": dict(group.params), "deviceidList": list(group.deviceids)}


def item(cloud: EwelinkCloud, viewer: Account, placement: Placement, now: float) -> dict[str, Any] | None:
    """The thing list item of a placement, or None when the thing is gone."""
    if placement.kind == GROUP:
        group = cloud.things.group(placement.id)
        if group is None:
            return None
        return {"itemType": OWN_GROUP, "itemData": group_data(cloud, group, placement), "index": placement.index}
    thing = cloud.things.visible_to(viewer.apikey, placement.id)
    if thing is None:
        return None
    kind = OWN_DEVICE if thing.owner == viewer.apikey else SHARED_DEVICE
    return {"itemType": kind, "itemData": device_data(cloud, viewer, thing, placement, now), "index": placement.index}


def device_item(cloud: EwelinkCloud, viewer: Account, deviceid: str, now: float) -> dict[str, Any] | None:
    placement = cloud.homes.placement(viewer.apikey, DEVICE, deviceid)
    if placement is None:
        return None
    return item(cloud, viewer, placement, now)
