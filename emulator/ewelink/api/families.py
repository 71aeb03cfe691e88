"""Home and room routes (seed 004 L1623-1865): list, create, rename, delete, sort, move things,
switch the current home.

Deleting a home (L1770-1787) moves its things to ``deviceFamily`` and makes ``switchFamily``
current when the deleted home was (both must be other homes of the account; 400 otherwise).
Moving things (L1830-1849): ``oldThingList`` must be exactly the things of the room (400
otherwise, the seed's "If one of the items does not belong to the room ID, the server will
return an error"); the things of ``newThingList`` end up in the room, the others leave it.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ..cloud.homes import DEVICE, GROUP
from ..errors import EwelinkError, bad_params
from .http import Call, choice, endpoint, field, objects, strings, text
from .openapi import INTEGER, STRING, array, obj, operation, query
from .things import families_body

KINDS = {1: DEVICE, 2: DEVICE, 3: GROUP}


@endpoint(auth="token")
def list_families(call: Call) -> Any:
    return families_body(call)


@endpoint(auth="token", body="required")
def add_family(call: Call) -> Any:
    name = text(call.body, "name", required=True, max_length=64)
    sort = choice(call.body, "sort", (1, 2), required=True)
    rooms = strings(call.body, "roomNameList", required=False, max_items=100, max_length=64)
    assert name is not None and sort is not None
    home = call.cloud.homes.create(call.me.apikey, name, call.now, sort=sort, room_names=rooms)
    body = home.body()
    return {"id": body["id"], "name": body["name"], "index": body["index"], "roomList": body["roomList"]}


@endpoint(auth="token", body="required")
def add_room(call: Call) -> Any:
    home = call.cloud.homes.require(call.me.apikey, text(call.body, "familyid", required=True, max_length=64) or "")
    name = text(call.body, "name", required=True, max_length=64)
    sort = choice(call.body, "sort", (1, 2), required=True)
    assert name is not None and sort is not None
    return dict(call.cloud.homes.add_room(home, name, sort))


@endpoint(auth="token", body="required")
def rename_family(call: Call) -> Any:
    home = call.cloud.home_of(call.me, text(call.body, "id", max_length=64))
    home.name = text(call.body, "name", required=True, max_length=64) or home.name
    return {}


@endpoint(auth="token", body="required")
def rename_room(call: Call) -> Any:
    _, room = call.cloud.homes.room(call.me.apikey, text(call.body, "id", required=True, max_length=64) or "")
    room["name"] = text(call.body, "name", required=True, max_length=64)
    return {}


@endpoint(auth="token", body="required")
def sort_rooms(call: Call) -> Any:
    home = call.cloud.home_of(call.me, text(call.body, "familyid", max_length=64))
    call.cloud.homes.sort_rooms(home, strings(call.body, "idList", max_items=100, max_length=64))
    return {}


def _query_or_body(call: Call, name: str, *, required: bool = True) -> str | None:
    value = call.query_str(name) or text(call.body, name, max_length=64)
    if required and not value:
        raise bad_params(f"{name} is required")
    return value


@endpoint(auth="token", body="optional")
def delete_family(call: Call) -> Any:
    home = call.cloud.homes.require(call.me.apikey, _query_or_body(call, "id") or "")
    target = call.cloud.homes.require(call.me.apikey, _query_or_body(call, "deviceFamily") or "")
    switch = call.cloud.homes.require(call.me.apikey, _query_or_body(call, "switchFamily") or "")
    if home.id in (target.id, switch.id):
        if len(call.cloud.homes.homes_of(call.me.apikey)) <= 1:
            raise EwelinkError(20003)
        raise bad_params("deviceFamily and switchFamily must be other homes than the one deleted")
    call.cloud.homes.delete(home, move_to=target)
    if call.me.current_family == home.id:
        call.me.current_family = switch.id
    return {}


@endpoint(auth="token", body="optional")
def delete_room(call: Call) -> Any:
    home, room = call.cloud.homes.room(call.me.apikey, _query_or_body(call, "id") or "")
    call.cloud.homes.delete_room(home, room["id"])
    return {}


def _things(entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    found = []
    for entry in entries:
        kind = choice(entry, "itemType", tuple(KINDS), required=True)
        thing_id = text(entry, "id", required=True, max_length=64)
        assert kind is not None and thing_id is not None
        found.append((KINDS[kind], thing_id))
    return found


@endpoint(auth="token", body="required")
def sort_things(call: Call) -> Any:
    home = call.cloud.home_of(call.me, text(call.body, "familyid", max_length=64))
    wanted = _things(objects(call.body, "thingList", min_items=0, max_items=1000))
    placed = call.cloud.homes.placed_in(call.me.apikey, home.id)
    if sorted(wanted) != sorted((p.kind, p.id) for p in placed) or len(set(wanted)) != len(wanted):
        raise bad_params("thingList must name every thing of the home once")
    order = {key: n for n, key in enumerate(wanted)}
    for placement in placed:
        placement.index = order[(placement.kind, placement.id)]
    return {}


@endpoint(auth="token", body="required")
def move_things(call: Call) -> Any:
    home, room = call.cloud.homes.room(call.me.apikey, text(call.body, "roomid", required=True, max_length=64) or "")
    old = _things(field(call.body, "oldThingList", list, required=True))
    new = _things(field(call.body, "newThingList", list, required=True))
    placed = call.cloud.homes.placed_in(call.me.apikey, home.id)
    in_room = sorted((p.kind, p.id) for p in placed if p.roomid == room["id"])
    if sorted(old) != in_room:
        raise bad_params("oldThingList must be exactly the things of the room")
    by_key = {(p.kind, p.id): p for p in placed}
    missing = [key for key in new if key not in by_key]
    if missing:
        raise EwelinkError(405, f"{missing[0][1]!r} is not a thing of this home")
    for key in old:
        by_key[key].roomid = ""
    for key in new:
        by_key[key].roomid = room["id"]
    return {}


@endpoint(auth="token", body="required")
def set_current(call: Call) -> Any:
    home = call.cloud.homes.require(call.me.apikey, text(call.body, "id", required=True, max_length=64) or "")
    call.me.current_family = home.id
    return {}


ROUTES = [
    Route("/v2/family", list_families, methods=["GET"]),
    Route("/v2/family", add_family, methods=["POST"]),
    Route("/v2/family", rename_family, methods=["PUT"]),
    Route("/v2/family", delete_family, methods=["DELETE"]),
    Route("/v2/family/room", add_room, methods=["POST"]),
    Route("/v2/family/room", rename_room, methods=["PUT"]),
    Route("/v2/family/room", delete_room, methods=["DELETE"]),
    Route("/v2/family/room/index", sort_rooms, methods=["POST"]),
    Route("/v2/family/thing/sort", sort_things, methods=["POST"]),
    Route("/v2/family/room/thing", move_things, methods=["POST"]),
    Route("/v2/family/current", set_current, methods=["POST"]),
]

# -- OpenAPI ----------------------------------------------------------------------------------------------
_TAGS = ["family"]
ROOM = obj({"id": STRING, "name": STRING, "index": INTEGER}, ("id", "name", "index"))
HOME = obj({"id": STRING, "apikey": STRING, "name": STRING, "index": INTEGER, "roomList": array(ROOM)},
           ("id", "apikey", "name", "index", "roomList"))
_SORT = {"enum": [1, 2]}
_THING_REF = obj({"itemType": {"enum": [1, 2, 3]}, "id": STRING}, ("itemType", "id"))
SPEC: dict[str, Any] = {
    "/v2/family": {
        "get": operation("listFamilies", "Homes and rooms, and the current home", tags=_TAGS, lines="1623-1661",
                         parameters=[query("lang", STRING)],
                         data=obj({"familyList": array(HOME), "currentFamilyId": STRING},
                                  ("familyList", "currentFamilyId"))),
        "post": operation("addFamily", "Add a home (with rooms)", tags=_TAGS, lines="1662-1686", errors=(20002,),
                          data=obj({"id": STRING, "name": STRING, "index": INTEGER, "roomList": array(ROOM)},
                                   ("id", "name", "index", "roomList")),
                          body=obj({"name": STRING, "sort": _SORT, "roomNameList": array(STRING)}, ("name", "sort"))),
        "put": operation("renameFamily", "Rename a home (default: the current one)", tags=_TAGS, lines="1713-1731",
                         errors=(405,), body=obj({"id": STRING, "name": STRING}, ("name",))),
        "delete": operation("deleteFamily", "Delete a home; its things move to deviceFamily", tags=_TAGS,
                            lines="1770-1787", errors=(405, 20003),
                            parameters=[query("id", STRING), query("deviceFamily", STRING),
                                        query("switchFamily", STRING)]),
    },
    "/v2/family/room": {
        "post": operation("addRoom", "Add a room (at most 100 a home)", tags=_TAGS, lines="1687-1712",
                          errors=(405, 20002), data=ROOM,
                          body=obj({"familyid": STRING, "name": STRING, "sort": _SORT}, ("familyid", "name", "sort"))),
        "put": operation("renameRoom", "Rename a room", tags=_TAGS, lines="1732-1750", errors=(405,),
                         body=obj({"id": STRING, "name": STRING}, ("id", "name"))),
        "delete": operation("deleteRoom", "Delete a room (its things become unallocated)", tags=_TAGS,
                            lines="1788-1803", errors=(405,), parameters=[query("id", STRING)]),
    },
    "/v2/family/room/index": {"post": operation(
        "sortRooms", "Order every room of a home", tags=_TAGS, lines="1751-1769", errors=(405,),
        body=obj({"familyid": STRING, "idList": array(STRING)}, ("idList",)))},
    "/v2/family/thing/sort": {"post": operation(
        "sortThings", "Order every thing of a home", tags=_TAGS, lines="1804-1829", errors=(405,),
        body=obj({"familyid": STRING, "thingList": array(_THING_REF)}, ("thingList",)))},
    "/v2/family/room/thing": {"post": operation(
        "moveThings", "Set the things of a room", tags=_TAGS, lines="1830-1849", errors=(405,),
        body=obj({"roomid": STRING, "oldThingList": array(_THING_REF), "newThingList": array(_THING_REF)},
                 ("roomid", "oldThingList", "newThingList")))},
    "/v2/family/current": {"post": operation(
        "setCurrentFamily", "Switch the current home", tags=_TAGS, lines="1850-1865", errors=(405,),
        body=obj({"id": STRING}, ("id",)))},
}
