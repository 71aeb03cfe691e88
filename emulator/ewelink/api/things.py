"""Thing routes (seed 004 L711-1071): the home page, the thing list, chosen things, the status
of a device or group (read and write) and batch writes.

The thing list is the things of one home (default: the current one) ordered by ``index``:
from the first whose index is at least ``beginIndex`` (default -9999999), ``num`` of them
(default 30; 0 all); ``total`` counts them all. The seed's "list all devices" has no URL
(L795): the thing list is that list. Batch status (L1033-1071): with ``timeout`` 0 every
item answers 0 at once (L1068); with a timeout, a device item answers 0, or 30022 when the
device is offline, or the code its write got (400, 405); a group item is always 0.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ..cloud.homes import DEVICE, GROUP
from ..errors import EwelinkError, bad_params
from . import render
from .http import Call, choice, endpoint, field, integer, objects, text
from .openapi import INTEGER, OBJECT, STRING, array, obj, operation, query
from .users import USER

DEFAULT_NUM, FIRST_INDEX = 30, -9999999
DEVICE_TYPE, GROUP_TYPE = 1, 2


def thing_list(call: Call, familyid: str | None, num: int, begin: int) -> dict[str, Any]:
    home = call.cloud.home_of(call.me, familyid)
    placements = call.cloud.homes.placed_in(call.me.apikey, home.id)
    items = [item for p in placements if p.index >= begin
             for item in (render.item(call.cloud, call.me, p, call.now),) if item is not None]
    return {"thingList": items if num == 0 else items[:num], "total": len(placements)}


@endpoint(auth="token", body="required")
def homepage(call: Call) -> Any:
    text(call.body, "lang", max_length=8)
    for name in ("clientInfo", "getUser", "getFamily", "getThing", "getScene", "getMessage"):
        field(call.body, name, dict)
    data: dict[str, Any] = {}
    if call.body.get("getUser") is not None:
        data["userInfo"] = call.me.profile()
    if call.body.get("getFamily") is not None:
        data["familyInfo"] = families_body(call)
    if call.body.get("getThing") is not None:
        wanted = call.body["getThing"]
        num = integer(wanted, "num", default=DEFAULT_NUM, minimum=0)
        begin = integer(wanted, "beginIndex", default=FIRST_INDEX)
        assert num is not None and begin is not None
        data["thingInfo"] = thing_list(call, None, num, begin)
    if call.body.get("getScene") is not None:
        data["sceneInfo"] = {"sceneList": []}
    if call.body.get("getMessage") is not None:
        from .messages import read_messages

        wanted = call.body["getMessage"]
        data["messageInfo"] = {"messageList": read_messages(
            call, None, integer(wanted, "from", default=call.now_ms + 1, minimum=0) or 0,
            integer(wanted, "num", default=30, minimum=1, maximum=30) or 30)}
    return data


def families_body(call: Call) -> dict[str, Any]:
    current = call.cloud.current_home(call.me)
    return {"familyList": [h.body() for h in call.cloud.homes.homes_of(call.me.apikey)],
            "currentFamilyId": current.id}


@endpoint(auth="token")
def get_things(call: Call) -> Any:
    num = call.query_int("num", DEFAULT_NUM, minimum=0)
    begin = call.query_int("beginIndex", FIRST_INDEX)
    assert num is not None and begin is not None
    return thing_list(call, call.query_str("familyid") or None, num, begin)


@endpoint(auth="token", body="required")
def get_chosen_things(call: Call) -> Any:
    wanted = objects(call.body, "thingList", max_items=10)
    items = []
    for entry in wanted:
        kind = choice(entry, "itemType", (1, 2, 3), required=True)
        thing_id = text(entry, "id", required=True, max_length=64)
        assert thing_id is not None
        placement = call.cloud.homes.placement(call.me.apikey, GROUP if kind == 3 else DEVICE, thing_id)
        found = render.item(call.cloud, call.me, placement, call.now) if placement is not None else None
        if found is not None:
            items.append(found)
    return {"thingList": items}


def _target(call: Call, kind: int, thing_id: str) -> Any:
    if kind == GROUP_TYPE:
        return call.cloud.things.require_group(call.me.apikey, thing_id)
    call.cloud.things.require_visible(call.me.apikey, thing_id)
    return call.cloud.device(thing_id)


@endpoint(auth="token")
def get_status(call: Call) -> Any:
    kind = call.query_int("type")
    if kind not in (DEVICE_TYPE, GROUP_TYPE):
        raise bad_params("type is required: 1 (device) or 2 (group)")
    target = _target(call, kind, call.query_required("id"))
    params = dict(target.params) if kind == GROUP_TYPE else call.cloud.observe(target, call.now).read(call.now)
    # Names are trimmed: the seed's own query example asks for "timers " with a trailing space (L2256).
    wanted = [name.strip() for name in (call.query_str("params") or "").split("|") if name.strip()]
    return {"params": {k: v for k, v in params.items() if k in wanted} if wanted else params}


def _write(call: Call, kind: int, thing_id: str, params: Any) -> None:
    target = _target(call, kind, thing_id)
    if not isinstance(params, dict) or not params:
        raise bad_params("params must be an object naming at least one param")
    if kind == GROUP_TYPE:
        call.cloud.control_group(call.me, target, params, appid=call.appid)
    else:
        call.cloud.control(call.me, thing_id, params, appid=call.appid)


def _item(entry: dict[str, Any]) -> tuple[int, str, Any]:
    kind = choice(entry, "type", (DEVICE_TYPE, GROUP_TYPE), required=True)
    thing_id = text(entry, "id", required=True, max_length=64)
    params = field(entry, "params", dict, required=True)
    assert kind is not None and thing_id is not None
    return kind, thing_id, params


@endpoint(auth="token", body="required")
def set_status(call: Call) -> Any:
    _write(call, *_item(call.body))
    return {}


@endpoint(auth="token", body="required")
def batch_status(call: Call) -> Any:
    entries = [_item(entry) for entry in objects(call.body, "thingList", max_items=10)]
    timeout = integer(call.body, "timeout", default=0, minimum=0, maximum=8000)
    if len({(kind, thing_id) for kind, thing_id, _ in entries}) != len(entries):
        raise bad_params("the ids of thingList must be unique")
    for kind, thing_id, _ in entries:
        _target(call, kind, thing_id)
    answers = []
    for kind, thing_id, params in entries:
        code = 0
        try:
            _write(call, kind, thing_id, params)
        except EwelinkError as error:
            code = 30022 if error.code == 4002 else error.code
        answers.append({"type": kind, "id": thing_id, "error": 0 if not timeout or kind == GROUP_TYPE else code})
    return {"respList": answers}


ROUTES = [
    Route("/v2/homepage", homepage, methods=["POST"]),
    Route("/v2/device/thing", get_things, methods=["GET"]),
    Route("/v2/device/thing", get_chosen_things, methods=["POST"]),
    Route("/v2/device/thing/status", get_status, methods=["GET"]),
    Route("/v2/device/thing/status", set_status, methods=["POST"]),
    Route("/v2/device/thing/batch-status", batch_status, methods=["POST"]),
]

# -- OpenAPI ----------------------------------------------------------------------------------------------
_TAGS = ["thing"]
FAMILY = obj({"familyid": STRING, "index": INTEGER, "roomid": STRING, "members": array(STRING)},
             ("familyid", "index", "roomid"))
DEVICE_DATA = obj({
    "name": STRING, "deviceid": STRING, "apikey": STRING,
    "extra": obj({k: STRING for k in ("model", "ui", "description", "manufacturer", "mac", "apmac", "modelInfo",
                                      "brandId", "chipid")} | {"uiid": INTEGER},
                 ("model", "ui", "uiid", "description", "manufacturer", "mac", "apmac", "modelInfo", "brandId",
                  "chipid")),
    "brandName": STRING, "brandLogo": STRING, "showBrand": {"type": "boolean"}, "productModel": STRING,
    "devGroups": {"type": ["array", "null"]}, "tags": {"type": ["object", "null"]},
    "devConfig": {"type": ["object", "null"]}, "settings": {"type": ["object", "null"]}, "family": FAMILY,
    "sharedBy": {"type": ["object", "null"]}, "shareTo": {"type": ["array", "null"]}, "devicekey": STRING,
    "online": {"type": "boolean"}, "params": {"type": ["object", "null"]}, "gsmInfoData": {"type": ["object", "null"]},
}, ("name", "deviceid", "apikey", "extra", "brandName", "brandLogo", "showBrand", "productModel", "devGroups", "tags",
    "devConfig", "settings", "family", "sharedBy", "shareTo", "devicekey", "online", "params"))
GROUP_DATA = obj({"id": STRING, "name": STRING, "mainDeviceId": STRING, "family": FAMILY, "params": OBJECT,
                  "deviceidList": array(STRING)}, ("id", "name", "mainDeviceId", "family", "params"))
THING = obj({"itemType": {"enum": [1, 2, 3]}, "itemData": {"oneOf": [DEVICE_DATA, GROUP_DATA]}, "index": INTEGER},
            ("itemType", "itemData", "index"))
THINGS = obj({"thingList": array(THING), "total": INTEGER}, ("thingList", "total"))
_STATUS = obj({"type": {"enum": [1, 2]}, "id": STRING, "params": OBJECT}, ("type", "id", "params"))

SPEC: dict[str, Any] = {
    "/v2/homepage": {"post": operation(
        "homepage", "User, homes, things, scenes and messages in one call", tags=["homepage"], lines="711-790",
        errors=(405,), body=obj({"lang": STRING, "clientInfo": OBJECT, "getUser": OBJECT, "getFamily": OBJECT,
                                 "getThing": obj({"num": INTEGER, "beginIndex": INTEGER}), "getScene": OBJECT,
                                 "getMessage": obj({"from": INTEGER, "num": INTEGER})}),
        data=obj({"userInfo": USER, "familyInfo": OBJECT, "thingInfo": THINGS, "sceneInfo": OBJECT,
                  "messageInfo": OBJECT}))},
    "/v2/device/thing": {
        "get": operation("getThings", "The things of a home (devices, shared devices, groups)", tags=_TAGS,
                         lines="903-945", errors=(405,), data=THINGS, parameters=[
                             query("lang", STRING), query("familyid", STRING, "default: the current home"),
                             query("num", {"type": "integer", "minimum": 0}, "default 30, 0 = all"),
                             query("beginIndex", INTEGER, "default -9999999")]),
        "post": operation("getChosenThings", "Chosen things (1-10)", tags=_TAGS, lines="946-972",
                          data=obj({"thingList": array(THING)}, ("thingList",)),
                          body=obj({"thingList": array(obj({"itemType": {"enum": [1, 2, 3]}, "id": STRING},
                                                           ("itemType", "id")), minItems=1, maxItems=10)},
                                   ("thingList",)))},
    "/v2/device/thing/status": {
        "get": operation("getStatus", "The params of a device or group", tags=_TAGS, lines="973-1007",
                         errors=(405,), data=obj({"params": OBJECT}, ("params",)), parameters=[
                             query("type", {"enum": [1, 2]}, "1 device, 2 group", required=True),
                             query("id", STRING, "deviceid or group id", required=True),
                             query("params", STRING, "names separated by |")]),
        "post": operation("setStatus", "Write params to a device (or every device of a group)", tags=_TAGS,
                          lines="1008-1032", errors=(405, 4002), body=_STATUS)},
    "/v2/device/thing/batch-status": {"post": operation(
        "batchStatus", "Write params to up to 10 things", tags=_TAGS, lines="1033-1071", errors=(405,),
        body=obj({"thingList": array(_STATUS, minItems=1, maxItems=10),
                  "timeout": {"type": "integer", "minimum": 0, "maximum": 8000}}, ("thingList",)),
        data=obj({"respList": array(obj({"type": INTEGER, "id": STRING, "error": INTEGER}, ("type", "id", "error")))},
                 ("respList",)))},
}
