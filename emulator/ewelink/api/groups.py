"""Group routes (seed 004 L1248-1402): list, create, rename, delete, save params, set members.

Groups are listed with the things of the current home (L1259). Creating a group also takes the
``deviceidList`` the official SDK sends (not in the seed): the members from the start. A group's main device must be
visible to its owner, and its member list must include the main device (L1393: 400
otherwise); members are devices the owner sees. Unknown group ids are 400 (what the
official SDK's tests find for delete). Group status (L1363-1379) only saves the params;
writing to a group through thing status sends them to every member.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ..cloud.homes import GROUP
from ..errors import bad_params
from . import render
from .http import Call, choice, endpoint, field, strings, text
from .openapi import INTEGER, OBJECT, STRING, array, obj, operation, query
from .things import GROUP_DATA, THING

MAX_NAME = 50


def _updated(call: Call, deviceids: list[str]) -> list[Any]:
    return [item for deviceid in dict.fromkeys(deviceids)
            for item in (render.device_item(call.cloud, call.me, deviceid, call.now),) if item is not None]


@endpoint(auth="token")
def list_groups(call: Call) -> Any:
    home = call.cloud.current_home(call.me)
    items = [render.item(call.cloud, call.me, p, call.now)
             for p in call.cloud.homes.placed_in(call.me.apikey, home.id) if p.kind == GROUP]
    return {"groupList": [i for i in items if i is not None]}


@endpoint(auth="token", body="required")
def add_group(call: Call) -> Any:
    name = text(call.body, "name", required=True, max_length=MAX_NAME)
    main = text(call.body, "mainDeviceId", required=True, max_length=64)
    familyid = text(call.body, "familyid", max_length=64)
    roomid = text(call.body, "roomid", max_length=64) or ""
    sort = choice(call.body, "sort", (1, 2), default=1)
    members = strings(call.body, "deviceidList", required=False, max_items=100, max_length=64)
    assert name is not None and main is not None
    if members and main not in members:
        raise bad_params("deviceidList must include the group's main device")
    for deviceid in members:
        call.cloud.things.require_visible(call.me.apikey, deviceid)
    group = call.cloud.add_group(call.me, name, main, home=call.cloud.home_of(call.me, familyid), roomid=roomid,
                                 sort=sort or 1)
    if members:
        group.deviceids = list(dict.fromkeys(members))
    placement = call.cloud.homes.placement(call.me.apikey, GROUP, group.id)
    assert placement is not None
    found = render.item(call.cloud, call.me, placement, call.now)
    assert found is not None
    return {**found, "updatedThingList": _updated(call, group.deviceids)}


@endpoint(auth="token", body="required")
def rename_group(call: Call) -> Any:
    group = call.cloud.things.require_group(call.me.apikey, text(call.body, "id", required=True, max_length=64) or "")
    group.name = text(call.body, "name", required=True, max_length=MAX_NAME) or group.name
    return {}


@endpoint(auth="token", body="optional")
def delete_group(call: Call) -> Any:
    group_id = call.query_str("id") or text(call.body, "id", max_length=64)
    if not group_id:
        raise bad_params("id is required")
    call.cloud.delete_group(call.cloud.things.require_group(call.me.apikey, group_id))
    return {}


@endpoint(auth="token", body="required")
def group_status(call: Call) -> Any:
    group = call.cloud.things.require_group(call.me.apikey, text(call.body, "id", required=True, max_length=64) or "")
    params = field(call.body, "params", dict, required=True)
    group.params.update(params)
    return {}


@endpoint(auth="token", body="required")
def update_members(call: Call) -> Any:
    group = call.cloud.things.require_group(call.me.apikey, text(call.body, "id", required=True, max_length=64) or "")
    members = strings(call.body, "deviceidList", min_items=1, max_items=100, max_length=64)
    if group.main_device not in members:
        raise bad_params("deviceidList must include the group's main device")
    for deviceid in members:
        call.cloud.things.require_visible(call.me.apikey, deviceid)
    changed = [*sorted(set(members) ^ set(group.deviceids)), group.main_device]
    group.deviceids = list(dict.fromkeys(members))
    return {"updatedThingList": _updated(call, changed)}


ROUTES = [
    Route("/v2/device/group", list_groups, methods=["GET"]),
    Route("/v2/device/group", add_group, methods=["POST"]),
    Route("/v2/device/group", rename_group, methods=["PUT"]),
    Route("/v2/device/group", delete_group, methods=["DELETE"]),
    Route("/v2/device/group/status", group_status, methods=["POST"]),
    Route("/v2/device/group/update", update_members, methods=["POST"]),
]

# -- OpenAPI ----------------------------------------------------------------------------------------------
_TAGS = ["group"]
_ID = {"id": STRING}
SPEC: dict[str, Any] = {
    "/v2/device/group": {
        "get": operation("listGroups", "The groups of the current home", tags=_TAGS, lines="1248-1298",
                         parameters=[query("lang", STRING)],
                         data=obj({"groupList": array(obj({"itemType": {"const": 3}, "itemData": GROUP_DATA,
                                                           "index": INTEGER}))}, ("groupList",))),
        "post": operation("addGroup", "Create a group around a main device", tags=_TAGS, lines="1299-1327",
                          errors=(405, 30009),
                          data=obj({"itemType": {"const": 3}, "itemData": GROUP_DATA, "index": INTEGER,
                                    "updatedThingList": array(THING)},
                                   ("itemType", "itemData", "index", "updatedThingList")),
                          body=obj({"name": {"type": "string", "maxLength": MAX_NAME}, "mainDeviceId": STRING,
                                    "familyid": STRING, "roomid": STRING, "sort": {"enum": [1, 2]},
                                    "deviceidList": array(STRING)},
                                   ("name", "mainDeviceId"))),
        "put": operation("renameGroup", "Rename a group", tags=_TAGS, lines="1328-1346",
                         body=obj({**_ID, "name": {"type": "string", "maxLength": MAX_NAME}}, ("id", "name"))),
        "delete": operation("deleteGroup", "Delete a group (id in the query, or in a body)", tags=_TAGS,
                            lines="1347-1362", parameters=[query("id", STRING)]),
    },
    "/v2/device/group/status": {"post": operation(
        "saveGroupStatus", "Save a group's params (nothing is sent to devices)", tags=_TAGS, lines="1363-1379",
        body=obj({**_ID, "params": OBJECT}, ("id", "params")))},
    "/v2/device/group/update": {"post": operation(
        "setGroupDevices", "Set a group's devices (the main device included)", tags=_TAGS, lines="1380-1402",
        errors=(405,), data=obj({"updatedThingList": array(THING)}, ("updatedThingList",)),
        body=obj({**_ID, "deviceidList": array(STRING, minItems=1)}, ("id", "deviceidList")))},
}
