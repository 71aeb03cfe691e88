"""Sharing routes (seed 004 L1403-1481): share devices, change a share's permit, cancel it.

Sharing is silent (``shareType`` 1, the default and the only kind the seed describes): the
device appears at once in the receiver's current home, as an item of type 2, and the
receiver gets a ``shareNotify_v2`` message. The receiver is named by phone (checked first)
or e-mail; 30008 when there is no such account. Changing or cancelling a share that does
not exist is 500 (what the official SDK's tests find).
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ..errors import EwelinkError
from . import render
from .http import Call, choice, endpoint, field, identity, integer, strings, text
from .openapi import STRING, array, obj, operation, query
from .things import THING

PERMIT_MAX = 15


@endpoint(auth="token", body="required")
def share(call: Call) -> Any:
    deviceids = strings(call.body, "deviceidList", min_items=1, max_items=100, max_length=64)
    user = field(call.body, "user", dict, required=True)
    email, phone = identity(user, prefix="user.")
    permit = integer(call.body, "permit", required=True, minimum=0, maximum=PERMIT_MAX)
    comment = text(call.body, "comment", max_length=256, allow_empty=True) or ""
    choice(call.body, "shareType", (1,), default=1)
    assert permit is not None
    target = call.cloud.accounts.find(email=email or None, phone=phone or None)
    if target is None:
        raise EwelinkError(30008)
    shared = call.cloud.share(call.me, deviceids, target, permit, comment)
    return {"updatedThingList": [i for d in shared for i in (render.device_item(call.cloud, call.me, d, call.now),)
                                 if i is not None]}


def _pair(call: Call, source: dict[str, Any]) -> tuple[str, str]:
    deviceid = text(source, "deviceid", required=True, max_length=64)
    apikey = text(source, "apikey", required=True, max_length=64)
    assert deviceid is not None and apikey is not None
    return deviceid, apikey


@endpoint(auth="token", body="required")
def set_permit(call: Call) -> Any:
    deviceid, apikey = _pair(call, call.body)
    permit = integer(call.body, "permit", required=True, minimum=0, maximum=PERMIT_MAX)
    _, record = call.cloud.share_record(call.me, deviceid, apikey)
    record["permit"] = permit
    return {"updatedThing": render.device_item(call.cloud, call.me, deviceid, call.now)}


@endpoint(auth="token", body="optional")
def cancel(call: Call) -> Any:
    source = {k: v for k, v in call.request.query_params.items()} or call.body
    deviceid, apikey = _pair(call, source)
    call.cloud.unshare(call.me, deviceid, apikey)
    return {"updatedThing": render.device_item(call.cloud, call.me, deviceid, call.now)}


ROUTES = [
    Route("/v2/device/share", share, methods=["POST"]),
    Route("/v2/device/share/permit", set_permit, methods=["POST"]),
    Route("/v2/device/share", cancel, methods=["DELETE"]),
]

_TAGS = ["sharing"]
_UPDATED = obj({"updatedThing": {"oneOf": [THING, {"type": "null"}]}}, ("updatedThing",))
SPEC: dict[str, Any] = {
    "/v2/device/share": {
        "post": operation("shareDevices", "Share devices with another account", tags=_TAGS, lines="1403-1436",
                          errors=(405, 406, 30008),
                          data=obj({"updatedThingList": array(THING)}, ("updatedThingList",)),
                          body=obj({"deviceidList": array(STRING, minItems=1),
                                    "user": obj({"countryCode": STRING, "phoneNumber": STRING, "email": STRING}),
                                    "permit": {"type": "integer", "minimum": 0, "maximum": PERMIT_MAX},
                                    "comment": STRING, "shareType": {"const": 1}},
                                   ("deviceidList", "user", "permit"))),
        "delete": operation("cancelShare", "Stop sharing a device with an account", tags=_TAGS, lines="1461-1481",
                            errors=(405, 406, 500), data=_UPDATED,
                            parameters=[query("deviceid", STRING, required=True),
                                        query("apikey", STRING, required=True)]),
    },
    "/v2/device/share/permit": {"post": operation(
        "setSharePermit", "Change what the receiver may do with timers", tags=_TAGS, lines="1437-1460",
        errors=(405, 406, 500), data=_UPDATED,
        body=obj({"deviceid": STRING, "apikey": STRING, "permit": {"type": "integer", "minimum": 0,
                                                                   "maximum": PERMIT_MAX}},
                 ("deviceid", "apikey", "permit")))},
}
