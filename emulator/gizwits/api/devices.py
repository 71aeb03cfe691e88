"""Device monitoring routes: latest data, details, data point definitions, control."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ..errors import form_invalid
from .http import MAX_RAW_BYTES, USER_TOKEN_HEADER, Call, byte_list, endpoint, field
from .openapi import header_param, json_body, json_response, operation, path_param, query_param, ref
from .render import devdata, device_details


@endpoint(auth="app")
def latest(call: Call) -> Any:
    """Documented with the application id only. When a user token is sent it must be valid
    and the device bound to that user, so one user cannot read another's devices."""
    did = call.path("did")
    token = call.header(USER_TOKEN_HEADER)
    if token is not None:
        user = call.cloud.users.authenticate_token(call.appid, token, call.now)
        device, _ = call.cloud.bound_device(user, did, call.now)
    else:
        device = call.cloud.observe(call.cloud.devices.require(did), call.now)
    return devdata(device, call.now)


@endpoint(auth="user")
def details(call: Call) -> Any:
    device, binding = call.cloud.bound_device(call.me, call.path("did"))
    return device_details(device, binding)


@endpoint(auth="app")
def datapoint(call: Call) -> Any:
    product_key = call.query_str("product_key")
    if not product_key:
        raise form_invalid("product_key is required")
    return call.cloud.product(product_key).datapoint_document()


def parse_command(body: dict[str, Any]) -> tuple[dict[str, Any] | None, list[int] | None]:
    """``(attrs, raw)`` of a control body: exactly one of them (device and group control)."""
    attrs = field(body, "attrs", dict)
    raw = body.get("raw")
    if raw is None and attrs is None:
        raise form_invalid("give attrs (data points) or raw (bytes)")
    if raw is not None and attrs is not None:
        raise form_invalid("give attrs or raw, not both")
    if attrs is not None and not attrs:
        raise form_invalid("attrs is empty")
    return attrs, list(byte_list(raw)) if raw is not None else None


@endpoint(auth="user", body="required")
def control(call: Call) -> Any:
    attrs, raw = parse_command(call.body)
    call.cloud.control(call.me, call.appid, call.path("did"), attrs=attrs, raw=raw)
    return {}


ROUTES = [
    Route("/app/devdata/{did}/latest", latest, methods=["GET"]),
    Route("/app/devices/{did}", details, methods=["GET"]),
    Route("/app/datapoint", datapoint, methods=["GET"]),
    Route("/app/control/{did}", control, methods=["POST"]),
]


# -- OpenAPI ----------------------------------------------------------------------------------
_TAGS = ["devices"]
_DID = path_param("did", "device id")

_ATTR_ITEM: dict[str, Any] = {
    "type": "object",
    "required": ["display_name", "name", "data_type", "position", "type", "id", "desc"],
    "additionalProperties": False,
    "properties": {
        "display_name": {"type": "string"},
        "name": {"type": "string"},
        "data_type": {"type": "string", "enum": ["bool", "uint8", "uint16", "uint32", "enum", "binary"]},
        "enum": {"type": "array", "items": {"type": "string"}},
        "position": {
            "type": "object",
            "required": ["bit_offset", "len", "unit", "byte_offset"],
            "additionalProperties": False,
            "properties": {"bit_offset": {"type": "integer"}, "len": {"type": "integer"},
                           "unit": {"type": "string", "enum": ["bit", "byte"]}, "byte_offset": {"type": "integer"}},
        },
        "uint_spec": {
            "type": "object",
            "required": ["addition", "max", "ratio", "min"],
            "additionalProperties": False,
            "properties": {"addition": {"type": "integer"}, "max": {"type": "integer"}, "ratio": {"type": "number"},
                           "min": {"type": "integer"}},
        },
        "type": {"type": "string", "enum": ["status_writable", "status_readonly", "alert", "fault"]},
        "id": {"type": "integer"},
        "desc": {"type": "string"},
    },
}

SCHEMAS: dict[str, Any] = {
    "DevData": {
        "type": "object",
        "required": ["did", "updated_at", "attr"],
        "additionalProperties": False,
        "description": "updated_at is an integer, as in the real cloud's captures (the swagger says string).",
        "properties": {
            "did": {"type": "string"},
            "updated_at": {"type": "integer", "description": "Unix time of the device's last data report"},
            "attr": {"type": "object", "description": "every data point of the device, by name"},
        },
    },
    "DataPoint": {
        "type": "object",
        "required": ["name", "entities", "protocolType", "product_key", "packetVersion", "ui"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "description": "product name"},
            "entities": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "display_name", "attrs", "name"],
                    "additionalProperties": False,
                    "properties": {"id": {"type": "integer"}, "display_name": {"type": "string"},
                                   "attrs": {"type": "array", "items": _ATTR_ITEM}, "name": {"type": "string"}},
                },
            },
            "protocolType": {"type": "string"},
            "product_key": {"type": "string"},
            "packetVersion": {"type": "string"},
            "ui": {
                "type": "object",
                "required": ["object", "sections"],
                "properties": {
                    "object": {"type": "object"},
                    "sections": {"type": "array", "items": {
                        "type": "object", "properties": {"elements": {"type": "array", "items": {"type": "object"}}}}},
                },
            },
        },
    },
    "ControlForm": {
        "type": "object",
        "examples": [{"attrs": {"mode": "eco"}}, {"raw": [1, 1, 2]}],
        "description": "Data point values (`attrs`; enums by name or index) or a raw P0 write payload (`raw`), "
                       "not both.",
        # exactly one of them given and not null (null counts as absent)
        "oneOf": [{"required": ["attrs"], "properties": {"attrs": {"type": "object"}}},
                  {"required": ["raw"], "properties": {"raw": {"type": "array"}}}],
        "properties": {
            "attrs": {"type": "object", "minProperties": 1},
            "raw": {"type": "array", "minItems": 1, "maxItems": MAX_RAW_BYTES,
                    "items": {"type": "integer", "minimum": 0, "maximum": 255}},
        },
    },
}

SPEC: dict[str, Any] = {
    "/app/devdata/{did}/latest": {
        "get": operation(
            "devdata_latest", "The device's latest data point values", tags=_TAGS, errors=(9004, 9006, 9014, 9017),
            description="Documented with the application id only. When a user token is sent it must be valid "
                        "and the device bound to that user.",
            parameters=[_DID, header_param("X-Gizwits-User-token", "optional user token", required=False)],
            responses={200: json_response(ref("DevData"))},
        ),
    },
    "/app/devices/{did}": {
        "get": operation(
            "device_details", "A bound device's details", tags=_TAGS, errors=(9014, 9017), parameters=[_DID],
            responses={200: json_response(ref("DeviceDetails"))},
        ),
    },
    "/app/datapoint": {
        "get": operation(
            "datapoint", "A product's data point definitions", tags=_TAGS, errors=(9002,),
            parameters=[query_param("product_key", "the product", {"type": "string", "minLength": 1},
                                    required=True)],
            responses={200: json_response(ref("DataPoint"))},
        ),
    },
    "/app/control/{did}": {
        "post": operation(
            "control", "Send data point values or a raw command to a device", tags=_TAGS,
            errors=(9014, 9017, 9023, 9025, 9042), parameters=[_DID], body=json_body(ref("ControlForm")),
            description="A raw payload the device cannot decode is still delivered and changes nothing, as on "
                        "the real cloud (which does not parse raw commands).",
            responses={200: json_response(ref("Empty"), "the command was sent")},
        ),
    },
}
