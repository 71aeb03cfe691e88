"""The other ways to bind a device: QR content (``POST /app/bind_latest``) and the legacy
did + passcode list (``POST /app/bindings``, seed 003).

The real QR content comes from Gizwits' QR service, which encrypts product key and MAC
with a scheme that is not public. The emulator reads the plain forms Gizwits' own sample
apps print, a query string with or without a URL in front:

- ``product_key=...&mac=...``
- ``product_key=...&did=...&passcode=...``

(``http://www.gizwits.com?product_key=...&mac=...`` works too.) Anything else is 9040.
Both routes apply the binding roles, so a device with an owner refuses them (9092 for
``bind_latest``; listed under ``failed`` by the legacy batch).

A MAC proves nothing (MACs are printed on the box, and the emulator's are seeded): the
``product_key`` + ``mac`` form binds only a device nobody else is bound to. A device
another user is bound to answers 9016, as a wrong passcode would: its QR code with did
and passcode, or a share from its owner (``/app/sharing``), gives access to it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.routing import Route

from ..cloud.sharing.bindings import OWNER
from ..devices import Device
from ..errors import ApiError, form_invalid
from .bindings import set_owner_field
from .http import Call, Reply, endpoint, field, text
from .openapi import STRING, array, form, json_body, json_response, obj, operation, ref, text_field

MAX_DEVICES = 100


def device_from_qr(call: Call, content: str) -> Device:
    """The device a device QR code names: 9040 unreadable, 9002 / 9014 / 9016 for what it names."""
    query = content.split("?", 1)[1] if "?" in content else content
    try:
        params = dict(parse_qsl(query, strict_parsing=True))
    except ValueError:
        raise ApiError(9040, "expected product_key=...&mac=... or product_key=...&did=...&passcode=...") from None
    product_key = params.get("product_key")
    if not product_key or not (params.get("mac") or (params.get("did") and params.get("passcode"))):
        raise ApiError(9040, "expected product_key=...&mac=... or product_key=...&did=...&passcode=...")
    product = call.cloud.product(product_key)
    if params.get("mac"):
        device = call.cloud.devices.by_mac(product.product_key, params["mac"])
        if device is None:
            raise ApiError(9014, f"no {product.name} device with mac {params['mac']!r}")
        others = [b for b in call.cloud.bindings.of_device(device.did) if b.uid != call.me.uid]
        if others and not any(b.role == OWNER for b in others):  # with an owner: 9092 from the roles
            raise ApiError(9016, "this device is bound by another user: bind it with its did and passcode, "
                                 "or ask for a share")
        return device
    device = call.cloud.devices.get(params["did"])
    if device is None or device.product_key != product.product_key or device.passcode != params["passcode"]:
        raise ApiError(9016)
    return device


@endpoint(auth="user", body="required")
def bind_latest(call: Call) -> Any:
    content = text(call.body, "qr_content", required=True, max_length=2048, allow_empty=False) or ""
    set_owner = set_owner_field(call.body)
    device = device_from_qr(call, content.strip())
    call.cloud.bind(call.me, device, set_owner=set_owner == 1)
    # Seed 001 lists no response parameters and the swagger only "201 bind success".
    return Reply({}, 201)


@endpoint(auth="user", body="required")
def bind_by_passcode(call: Call) -> Any:
    """Every did and passcode is checked first: one wrong pair is 9016 and nothing is bound."""
    items = field(call.body, "devices", list, required=True)
    if not items or len(items) > MAX_DEVICES:
        raise form_invalid(f"devices must list 1..{MAX_DEVICES} devices")
    wanted: list[tuple[Device, str, str]] = []
    for item in items:
        if not isinstance(item, dict):
            raise form_invalid('devices must be a list of {"did": ..., "passcode": ...} objects')
        did = text(item, "did", required=True, max_length=64) or ""
        passcode = text(item, "passcode", required=True, max_length=64) or ""
        remark = text(item, "remark", max_length=1024) or ""
        dev_alias = text(item, "dev_alias", max_length=128) or ""
        device = call.cloud.devices.get(did)
        if device is None or device.passcode != passcode:
            raise ApiError(9016, f"did {did!r} with this passcode")
        wanted.append((device, remark, dev_alias))
    success, failed = [], []
    for device, remark, dev_alias in wanted:
        owner = call.cloud.bindings.owner_of(device.did)
        if owner is not None and owner.uid != call.me.uid:
            failed.append(device.did)
            continue
        call.cloud.bind(call.me, device, dev_alias=dev_alias, remark=remark)
        success.append(device.did)
    return {"success": success, "failed": failed}


ROUTES = [
    Route("/app/bind_latest", bind_latest, methods=["POST"]),
    Route("/app/bindings", bind_by_passcode, methods=["POST"]),
]

# -- OpenAPI ----------------------------------------------------------------------------------
_TAGS = ["bindings"]
_SET_OWNER = {"type": "integer", "enum": [0, 1], "default": 0,
              "description": "1: the first binder of a device of a sharing product becomes its owner"}
_DIDS = array(STRING)
_QR_EXAMPLE = "product_key=51d16c22a5f74280bc3cfe9ebcdc6402&mac=a0b1c2d3e4f5"

SPEC = {
    "/app/bind_latest": {
        "post": operation(
            "bind_latest", "Bind a device by the content of its QR code", tags=_TAGS,
            errors=(9002, 9014, 9016, 9040, 9092),
            description="qr_content: product_key=...&mac=... or product_key=...&did=...&passcode=... "
                        "(optionally after a URL and ?). The MAC form binds only a device no other user is "
                        "bound to (9016 otherwise: a MAC proves nothing; use did and passcode, or a share).",
            body=json_body(form({"qr_content": text_field(2048, blank=False), "set_owner": _SET_OWNER},
                                ("qr_content",), example={"qr_content": _QR_EXAMPLE})),
            responses={201: json_response(ref("Empty"), "bound")},
        ),
    },
    "/app/bindings": {
        "post": operation(
            "bind_by_passcode", "Bind devices by did and passcode (legacy)", tags=_TAGS, errors=(9016,),
            description="Every did and passcode is checked first: one wrong pair is 9016 and nothing is bound. "
                        "A device that has an owner is listed under failed.",
            body=json_body(form({"devices": array(form(
                {"did": text_field(64), "passcode": text_field(64), "remark": text_field(1024),
                 "dev_alias": text_field(128)}, ("did", "passcode")), minItems=1, maxItems=MAX_DEVICES)},
                ("devices",))),
            responses={200: json_response(obj({"success": _DIDS, "failed": _DIDS}, ("success", "failed")))},
        ),
    },
}
