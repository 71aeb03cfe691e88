"""Device routes (seed 004 L1072-1247, L1482-1576): adding a Wi-Fi or GSM device, name and
room, deleting, tags, the operation history, OTA information.

Adding (L1072-1125): the device must be one the cloud knows and nobody owns (a spare of the
scenario, or one made through the control plane): 30010 when the deviceid is not ten hex
digits, 30018 when the cloud knows no such device, 30014 when the chip id is not the
device's, 30015 when ``digest`` is not sha256(deviceid + the device's factory apikey), 406
when another account owns it. A GSM device is added by the id its QR code carries; the seed
gives two answers for it (L1146-1166): the emulator answers both, the item's fields and a
``thingList`` holding it. OTA: a device whose firmware is older than its family's latest
(:data:`LATEST_FIRMWARE`) has an update; ``upgrade`` itself goes over the WebSocket.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from starlette.routing import Route

from ..cloud.homes import DEVICE
from ..errors import EwelinkError, bad_params
from . import render
from .http import Call, choice, endpoint, field, objects, text
from .openapi import INTEGER, OBJECT, STRING, array, obj, operation, query
from .things import DEVICE_DATA, THING

DEVICEID = re.compile(r"^[0-9a-f]{10}$")
LATEST_FIRMWARE = "3.7.0"
SORTS = (1, 2)


def _version(text_value: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in text_value.split("."))


def _settings(call: Call) -> dict[str, int] | None:
    settings = field(call.body, "settings", dict)
    if settings is None:
        return None
    out = {}
    for name in ("opsNotify", "opsHistory", "alarmNotify"):
        value = choice(settings, name, (0, 1))
        if value is not None:
            out[name] = value
    return out


def _claim(call: Call, deviceid: str, name: str) -> dict[str, Any]:
    """The account adds the spare ``deviceid``: everything is checked before anything changes."""
    cloud = call.cloud
    device = cloud.devices.get(deviceid)
    if device is None:
        raise EwelinkError(30018, f"no device {deviceid!r}")
    owner = cloud.things.get(deviceid)
    if owner is not None and owner.owner != call.me.apikey:
        raise EwelinkError(406, "the device belongs to another account")
    familyid = text(call.body, "familyid", max_length=64)
    roomid = text(call.body, "roomid", max_length=64) or ""
    sort = choice(call.body, "sort", SORTS, default=1)
    settings = _settings(call)
    home = cloud.home_of(call.me, familyid)
    if roomid and not any(r["id"] == roomid for r in home.rooms):
        raise EwelinkError(405, f"no room {roomid!r} in this home")
    if owner is None:
        from ..cloud.things import Thing

        thing = cloud.things.add(Thing(deviceid, call.me.apikey, name, call.now))
        if settings:
            thing.settings.update(settings)
        cloud.homes.place(call.me.apikey, DEVICE, deviceid, home, roomid=roomid, sort=sort or 1)
    found = render.device_item(cloud, call.me, deviceid, call.now)
    assert found is not None
    return found


@endpoint(auth="token", body="required")
def add_device(call: Call) -> Any:
    name = text(call.body, "name", required=True, max_length=64)
    deviceid = text(call.body, "deviceid", required=True, max_length=64)
    digest = text(call.body, "digest", required=True, max_length=64)
    chipid = text(call.body, "chipid", required=True, max_length=64)
    text(call.body, "ifrCode", max_length=256)
    assert name is not None and deviceid is not None and digest is not None and chipid is not None
    if not DEVICEID.fullmatch(deviceid):
        raise EwelinkError(30010, f"a deviceid is ten hex digits, got {deviceid!r}")
    device = call.cloud.devices.get(deviceid)
    if device is None:
        raise EwelinkError(30018, f"no device {deviceid!r}")
    if chipid.upper() != device.chipid:
        raise EwelinkError(30014)
    if digest.lower() != hashlib.sha256((deviceid + device.devicekey).encode()).hexdigest():
        raise EwelinkError(30015)
    return _claim(call, deviceid, name)


@endpoint(auth="token", body="required")
def add_gsm_device(call: Call) -> Any:
    gsm_id = text(call.body, "id", required=True, max_length=64)
    name = text(call.body, "name", required=True, max_length=64)
    assert gsm_id is not None and name is not None
    device = next((d for d in call.cloud.devices if d.sim.get("gsm_id") == gsm_id), None)
    if device is None:
        raise EwelinkError(30018, f"no GSM device with id {gsm_id!r}")
    owner = call.cloud.things.get(device.did)
    if owner is not None and owner.owner != call.me.apikey:
        raise EwelinkError(30007)
    found = _claim(call, device.did, name)
    return {**found, "thingList": [found]}


@endpoint(auth="token", body="required")
def update_info(call: Call) -> Any:
    deviceid = text(call.body, "deviceid", required=True, max_length=64)
    name = text(call.body, "name", max_length=64)
    roomid = field(call.body, "roomid", str)
    assert deviceid is not None
    thing = call.cloud.things.require_visible(call.me.apikey, deviceid)
    if name is not None:
        if thing.owner != call.me.apikey:
            raise EwelinkError(406, "only the owner names the device")
        thing.name = name
    if roomid is not None:
        placement = call.cloud.homes.placement(call.me.apikey, DEVICE, deviceid)
        assert placement is not None
        home = call.cloud.homes.get(placement.familyid)
        if roomid and (home is None or not any(r["id"] == roomid for r in home.rooms)):
            raise EwelinkError(405, f"no room {roomid!r} in the device's home")
        placement.roomid = roomid
    return {}


@endpoint(auth="token")
def delete_device(call: Call) -> Any:
    call.cloud.delete_device(call.me, call.query_required("deviceid"))
    return {}


@endpoint(auth="token", body="required")
def set_tags(call: Call) -> Any:
    deviceid = text(call.body, "deviceid", required=True, max_length=64)
    kind = text(call.body, "type", max_length=16) or "replace"
    tags = field(call.body, "tags", dict, required=True)
    assert deviceid is not None
    if kind not in ("replace", "merge"):
        raise bad_params(f"type must be replace or merge, got {kind!r}")
    thing = call.cloud.things.require_owned(call.me.apikey, deviceid)
    thing.tags = {**thing.tags, **tags} if kind == "merge" else dict(tags)
    return {"updatedThing": render.device_item(call.cloud, call.me, deviceid, call.now)}


@endpoint(auth="token")
def get_history(call: Call) -> Any:
    deviceid = call.query_required("deviceid")
    before = call.query_int("from", call.now_ms + 1, minimum=0)
    num = call.query_int("num", 30, minimum=1, maximum=30)
    assert before is not None and num is not None
    call.cloud.things.require_visible(call.me.apikey, deviceid)
    call.cloud.observe(call.cloud.device(deviceid), call.now)
    return {"histories": call.cloud.operations.read(deviceid, before, num)}


@endpoint(auth="token")
def clear_history(call: Call) -> Any:
    deviceid = call.query_required("deviceid")
    call.cloud.things.require_owned(call.me.apikey, deviceid)
    call.cloud.operations.clear(deviceid)
    return {}


@endpoint(auth="token", body="required")
def ota_query(call: Call) -> Any:
    answers = []
    for entry in objects(call.body, "deviceInfoList", max_items=30):
        deviceid = text(entry, "deviceid", required=True, max_length=64)
        model = text(entry, "model", required=True, max_length=64)
        version = text(entry, "version", required=True, max_length=32)
        assert deviceid is not None and model is not None and version is not None
        call.cloud.things.require_visible(call.me.apikey, deviceid)
        if _version(version) < _version(LATEST_FIRMWARE):
            name = f"{model}-{LATEST_FIRMWARE}.bin"
            answers.append({"deviceid": deviceid, "version": LATEST_FIRMWARE, "type": "", "forceTime": "",
                            "binList": [{"name": name, "downloadUrl": f"https://ota.ewelink-emulator.invalid/{name}",
                                         "digest": hashlib.sha256(name.encode()).hexdigest()}]})
    return {"otaInfoList": answers}


ROUTES = [
    Route("/v2/device/add", add_device, methods=["POST"]),
    Route("/v2/device/add-gsm", add_gsm_device, methods=["POST"]),
    Route("/v2/device/update-info", update_info, methods=["POST"]),
    Route("/v2/device", delete_device, methods=["DELETE"]),
    Route("/v2/device/tags", set_tags, methods=["POST"]),
    Route("/v2/device/history", get_history, methods=["GET"]),
    Route("/v2/device/history", clear_history, methods=["DELETE"]),
    Route("/v2/device/ota/query", ota_query, methods=["POST"]),
]

# -- OpenAPI ----------------------------------------------------------------------------------------------
_TAGS = ["device"]
_PLACE = {"familyid": STRING, "roomid": STRING, "sort": {"enum": [1, 2]}}
_DEVICEID = [query("deviceid", STRING, required=True)]
HISTORY = obj({"deviceid": STRING, "userAgent": STRING, "opsSwitchs": STRING, "request": STRING,
               "opsAccount": STRING, "opsTime": INTEGER}, ("deviceid", "request", "opsTime"))
_ITEM = obj({"itemType": {"const": 1}, "itemData": DEVICE_DATA, "index": INTEGER}, ("itemType", "itemData", "index"))

SPEC: dict[str, Any] = {
    "/v2/device/add": {"post": operation(
        "addDevice", "Add a Wi-Fi device the cloud knows and nobody owns", tags=_TAGS, lines="1072-1125",
        errors=(405, 406, 30010, 30014, 30015, 30018), data=_ITEM,
        body=obj({"name": STRING, "deviceid": STRING, "settings": OBJECT, "ifrCode": STRING, "digest": STRING,
                  "chipid": STRING, **_PLACE}, ("name", "deviceid", "digest", "chipid")))},
    "/v2/device/add-gsm": {"post": operation(
        "addGsmDevice", "Add a GSM device by the id of its QR code", tags=_TAGS, lines="1126-1167",
        errors=(405, 406, 30007, 30018),
        data=obj({"itemType": {"const": 1}, "itemData": DEVICE_DATA, "index": INTEGER, "thingList": array(THING)},
                 ("itemType", "itemData", "index", "thingList")),
        body=obj({"id": STRING, "name": STRING, **_PLACE}, ("id", "name")))},
    "/v2/device/update-info": {"post": operation(
        "updateDeviceInfo", "Change a device's name or room", tags=_TAGS, lines="1168-1185", errors=(405, 406),
        body=obj({"deviceid": STRING, "name": STRING, "roomid": STRING}, ("deviceid",)))},
    "/v2/device": {"delete": operation(
        "deleteDevice", "Delete a device (or leave a share)", tags=_TAGS, lines="1186-1203", errors=(405,),
        parameters=_DEVICEID)},
    "/v2/device/tags": {"post": operation(
        "setDeviceTags", "Replace or merge a device's tags", tags=_TAGS, lines="1204-1247", errors=(405, 406),
        data=obj({"updatedThing": {"type": ["object", "null"]}}, ("updatedThing",)),
        body=obj({"deviceid": STRING, "type": {"enum": ["replace", "merge"]}, "tags": OBJECT}, ("deviceid", "tags")))},
    "/v2/device/history": {
        "get": operation("getDeviceHistory", "The operation history, newest first", tags=_TAGS, lines="1482-1514",
                         errors=(405,), data=obj({"histories": array(HISTORY)}, ("histories",)),
                         parameters=[*_DEVICEID, query("from", {"type": "integer", "minimum": 0}, "ms"),
                                     query("num", {"type": "integer", "minimum": 1, "maximum": 30})]),
        "delete": operation("clearDeviceHistory", "Clear the operation history", tags=_TAGS, lines="1515-1530",
                            errors=(405, 406), parameters=_DEVICEID)},
    "/v2/device/ota/query": {"post": operation(
        "otaQuery", "New firmware for devices", tags=_TAGS, lines="1531-1576", errors=(405,),
        data=obj({"otaInfoList": array(OBJECT)}, ("otaInfoList",)),
        body=obj({"deviceInfoList": array(obj({"deviceid": STRING, "model": STRING, "version": STRING},
                                              ("deviceid", "model", "version")), minItems=1, maxItems=30)},
                 ("deviceInfoList",)))},
}

