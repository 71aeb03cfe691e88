"""Binding routes: list, edit, unbind, and bind by MAC (``/app/bindings``, ``/app/bind_mac``)."""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.routing import Route

from ..errors import ApiError, form_invalid
from .http import Call, Reply, endpoint, field, string_list, text
from .openapi import (
    STRING,
    array,
    flag_param,
    form,
    header_param,
    json_body,
    json_response,
    obj,
    operation,
    paging_params,
    path_param,
    ref,
    text_field,
)
from .render import DEVICE_DETAILS, DEVICE_ITEM, binding_entry

#: ``X-Gizwits-Timestamp`` may differ from the cloud's time by at most this much.
TIMESTAMP_WINDOW = 5 * 60


@endpoint(auth="user")
def list_bindings(call: Call) -> Any:
    limit = call.query_int("limit", 20)
    skip = call.query_int("skip", 0)
    show_disabled = call.query_flag("show_disabled")
    proto_ver = call.query_flag("show_proto_ver")
    lan_prot_ver = call.query_flag("lan_prot_ver")
    entries = []
    # Newest binding first, as the swagger says ("按绑定时间倒序排序") and the captures show.
    newest_first = reversed(sorted(call.cloud.bindings.of_user(call.me.uid), key=lambda b: b.created_at))
    for binding in newest_first:
        device = call.cloud.devices.get(binding.did)
        if device is None or (device.is_disabled and not show_disabled):
            continue
        call.cloud.observe(device)
        entries.append(binding_entry(device, binding, proto_ver=proto_ver, lan_prot_ver=lan_prot_ver))
    return {"devices": entries[skip:skip + limit]}


@endpoint(auth="user", body="required")
def update_binding(call: Call) -> Any:
    did = call.path("did")
    remark = text(call.body, "remark", max_length=1024)
    dev_alias = text(call.body, "dev_alias", max_length=128)
    dev_label = string_list(call.body, "dev_label")
    if remark is None and dev_alias is None and dev_label is None:
        raise form_invalid("give at least one of remark, dev_alias, dev_label")
    _, binding = call.cloud.bound_device(call.me, did)
    if remark is not None:
        binding.remark = remark
    if dev_alias is not None:
        binding.dev_alias = dev_alias
    if dev_label is not None:
        binding.dev_label = dev_label
    return {"remark": binding.remark, "dev_label": list(binding.dev_label), "dev_alias": binding.dev_alias}


@endpoint(auth="user", body="required")
def delete_bindings(call: Call) -> Any:
    devices = field(call.body, "devices", list, required=True)
    dids: list[str] = []
    for item in devices:
        if not isinstance(item, dict) or not isinstance(item.get("did"), str):
            raise form_invalid('devices must be a list of {"did": "..."} objects')
        dids.append(item["did"])
    success, failed = [], []
    for did in dids:
        (success if call.cloud.unbind(call.me, did) else failed).append(did)
    return {"failed": failed, "success": success}


def check_signature(call: Call, product_secret: str) -> None:
    """``X-Gizwits-Timestamp`` within 5 minutes (9043) and the signature matches (9044)."""
    stamp = call.header("X-Gizwits-Timestamp")
    try:
        moment = int(stamp or "")
    except ValueError:
        raise ApiError(9043, "X-Gizwits-Timestamp must be a Unix timestamp in seconds") from None
    if abs(moment - call.now) > TIMESTAMP_WINDOW:
        raise ApiError(9043, "X-Gizwits-Timestamp is more than 5 minutes away from the server time")
    expected = hashlib.md5((product_secret + (stamp or "")).encode()).hexdigest()
    if (call.header("X-Gizwits-Signature") or "") != expected:
        raise ApiError(9044, "expected lower(md5(product_secret + X-Gizwits-Timestamp))")


def set_owner_field(body: dict[str, Any]) -> int:
    """``set_owner``: 1 makes the first binder of a device of a sharing product its owner (0 by default)."""
    set_owner = field(body, "set_owner", int, default=0)
    if set_owner not in (0, 1):
        raise form_invalid("set_owner must be 0 or 1")
    return int(set_owner)


@endpoint(auth="user", body="required")
def bind_mac(call: Call) -> Any:
    product_key = text(call.body, "product_key", required=True, max_length=64)
    mac = text(call.body, "mac", required=True, max_length=64, allow_empty=False)
    remark = text(call.body, "remark", max_length=1024) or ""
    dev_alias = text(call.body, "dev_alias", max_length=128) or ""
    set_owner = set_owner_field(call.body)
    product = call.cloud.product(product_key)
    check_signature(call, product.secret)
    device = call.cloud.devices.by_mac(product.product_key, mac or "")
    if device is None:
        raise ApiError(9014, f"no {product.name} device with mac {mac!r} is registered")
    binding = call.cloud.bind(call.me, device, dev_alias=dev_alias, remark=remark, set_owner=set_owner == 1)
    return Reply(binding_entry(device, binding), 201)


ROUTES = [
    Route("/app/bindings", list_bindings, methods=["GET"]),
    Route("/app/bindings", delete_bindings, methods=["DELETE"]),
    Route("/app/bindings/{did}", update_binding, methods=["PUT"]),
    Route("/app/bind_mac", bind_mac, methods=["POST"]),
]


# -- OpenAPI ----------------------------------------------------------------------------------
_TAGS = ["bindings"]
_DID = path_param("did", "device id")

_BINDING_FIELDS: dict[str, Any] = {
    "remark": text_field(1024),
    "dev_alias": text_field(128),
    "dev_label": array({"type": "string", "maxLength": 256}, maxItems=100),
}

SCHEMAS: dict[str, Any] = {
    "DeviceItem": DEVICE_ITEM,
    "DeviceDetails": DEVICE_DETAILS,
    "DeviceList": obj({"devices": array(ref("DeviceItem"))}, ("devices",)),
    "BindingForm": {
        **form(_BINDING_FIELDS, description="At least one of remark, dev_alias, dev_label.",
               example={"dev_alias": "Salon", "remark": ""}),
        "minProperties": 1,
        "anyOf": [{"required": ["remark"]}, {"required": ["dev_alias"]}, {"required": ["dev_label"]}],
    },
    "Binding": obj({"remark": STRING, "dev_label": array(STRING), "dev_alias": STRING},
                   ("remark", "dev_label", "dev_alias")),
    "UnbindForm": form({"devices": array(form({"did": STRING}, ("did",)))}, ("devices",),
                       example={"devices": [{"did": "G4bswhyi45QARPAgFhTHH7"}]}),
    "UnbindResult": obj({"failed": array(STRING), "success": array(STRING)}, ("failed", "success")),
    "BindMacForm": form({
        "product_key": text_field(64), "mac": text_field(64, blank=False),
        "remark": _BINDING_FIELDS["remark"], "dev_alias": _BINDING_FIELDS["dev_alias"],
        "set_owner": {"type": "integer", "enum": [0, 1], "default": 0,
                      "description": "1: the first binder of a device of a sharing product becomes its owner"},
    }, ("product_key", "mac"),
        example={"product_key": "51d16c22a5f74280bc3cfe9ebcdc6402", "mac": "a0b1c2d3e4f5", "dev_alias": "Salon"}),
}

SPEC: dict[str, Any] = {
    "/app/bindings": {
        "get": operation(
            "list_bindings", "The devices bound to the user, newest binding first", tags=_TAGS,
            parameters=[
                *paging_params(),
                flag_param("show_disabled", "also list disabled devices"),
                flag_param("show_proto_ver", "add proto_ver to each device"),
                flag_param("lan_prot_ver", "add lan_prot_ver to each device"),
            ],
            responses={200: json_response(ref("DeviceList"))},
        ),
        "delete": operation(
            "delete_bindings", "Unbind devices", tags=_TAGS, body=json_body(ref("UnbindForm")),
            description="Dids the user is not bound to are listed in `failed`; the others are unbound and "
                        "the user's scheduler tasks on them deleted.",
            responses={200: json_response(ref("UnbindResult"))},
        ),
    },
    "/app/bindings/{did}": {
        "put": operation(
            "update_binding", "Change the user's alias, remark or labels of a device", tags=_TAGS,
            errors=(9014, 9017), parameters=[_DID], body=json_body(ref("BindingForm")),
            responses={200: json_response(ref("Binding"), "the binding after the change")},
        ),
    },
    "/app/bind_mac": {
        "post": operation(
            "bind_mac", "Bind a device by product key and MAC", tags=_TAGS, errors=(9002, 9014, 9043, 9044, 9092),
            description="Signed: `X-Gizwits-Signature` is lower(md5(product_secret + X-Gizwits-Timestamp)); "
                        "the timestamp may be at most 5 minutes away from the cloud's time.",
            parameters=[
                header_param("X-Gizwits-Timestamp", "Unix time in seconds", required=True),
                header_param("X-Gizwits-Signature", "lower(md5(product_secret + timestamp))", required=True),
            ],
            body=json_body(ref("BindMacForm")),
            responses={201: json_response(ref("DeviceItem"), "the new binding")},
        ),
    },
}
