"""Admin routes for the physical world: connect or disconnect a device, press its buttons,
change the room around it (temperatures, open window)."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...gizwits.api.http import Call, endpoint, field
from .. import control
from .spec import body, error, json_body, operation, parameter


@endpoint(auth="none", body="required")
def online(call: Call) -> Any:
    value = field(call.body, "online", bool, required=True)
    control.set_online(call.cloud, call.path("did"), value)
    return {"did": call.path("did"), "is_online": value}


@endpoint(auth="none", body="required")
def press(call: Call) -> Any:
    return {"changed": control.press(call.cloud, call.path("did"), call.body)}


@endpoint(auth="none", body="required")
def environment(call: Call) -> Any:
    changed = control.set_environment(call.cloud, call.path("did"), call.body)
    device = call.cloud.world.devices.get(call.path("did"))
    return {"changed": changed, "environment": dict(device.environment)}


ROUTES = [
    Route("/devices/{did}/online", online, methods=["POST"]),
    Route("/devices/{did}/press", press, methods=["POST"]),
    Route("/devices/{did}/environment", environment, methods=["POST"]),
]

_DID = [parameter("did", "path", {"type": "string"}, "device id")]
SPEC: dict[str, dict[str, Any]] = {
    "/devices/{did}/online": {"post": operation(
        "Connect or disconnect a device", parameters=_DID,
        request=body({"type": "object", "required": ["online"], "properties": {"online": {"type": "boolean"}}}),
        responses={"200": json_body("Done", {"type": "object"}), "400": error(), "404": error()})},
    "/devices/{did}/press": {"post": operation(
        "Use the device's own buttons",
        "A local change the device reports, e.g. {\"mode\": \"eco\"} (Gizwits), or the device's params "
        "(eWeLink: {\"switch\": \"on\"}).",
        parameters=_DID, request=body({"type": "object", "minProperties": 1}),
        responses={"200": json_body("What changed", {"type": "object"}), "400": error(), "404": error()})},
    "/devices/{did}/environment": {"post": operation(
        "Change the room around a device", parameters=_DID,
        request=body({"type": "object", "minProperties": 1, "properties": {
            "room_temp": {"type": "number"}, "outdoor_temp": {"type": "number"},
            "window_open": {"type": "boolean"}, "humidity": {"type": "number"}, "presence": {"type": "boolean"}},
            "additionalProperties": False}),
        responses={"200": json_body("The reported values that changed at once, and the lasting environment", {
            "type": "object", "required": ["changed", "environment"],
            "properties": {"changed": {"type": "object"}, "environment": {"type": "object"}}}),
            "400": error(), "404": error()})},
}
