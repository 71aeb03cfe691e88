"""Admin routes for what a person sees of the devices and does to them (the dashboard's data):
cards, card actions, week program editing, and advancing the clock to the next program change.

Everything the dashboard page shows or does is one of these calls (or another admin
route), so a test can do it too.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...ewelink import cards as ewelink_cards
from ...ewelink.errors import EwelinkError
from ...gizwits import cards
from ...gizwits.api.http import Call, endpoint
from ...gizwits.errors import form_invalid
from .. import control, ewelink
from .spec import body, error, json_body, operation, parameter


@endpoint(auth="none")
def list_cards(call: Call) -> Any:
    found = cards.overview(call.cloud, call.now)
    world = call.cloud.world
    if world.part("ewelink") is not None:  # the eWeLink devices' cards, of the same shape, after the Gizwits ones
        found["cards"].extend(ewelink_cards.cards(ewelink.cloud_of(world), call.now))
    return found


@endpoint(auth="none")
def get_card(call: Call) -> Any:
    if ewelink.owns(call.cloud.world, call.path("did")):
        cloud = ewelink.cloud_of(call.cloud.world)
        return ewelink_cards.card(cloud, cloud.device(call.path("did")), call.now)
    return cards.card(call.cloud, call.cloud.devices.require(call.path("did")), call.now)


@endpoint(auth="none", body="optional")
def act(call: Call) -> Any:
    unknown = sorted(set(call.body) - {"value"})
    if unknown:
        raise form_invalid(f'an action takes {{"value": ...}} only, got {unknown}')
    if ewelink.owns(call.cloud.world, call.path("did")):
        cloud = ewelink.cloud_of(call.cloud.world)
        device = cloud.device(call.path("did"))
        try:
            ewelink_cards.perform(cloud, device, call.path("action"), call.body.get("value"), call.now)
        except (ewelink_cards.CardError, EwelinkError) as error:
            raise form_invalid(str(error)) from None
        return ewelink_cards.card(cloud, device, call.cloud.sync())
    device = call.cloud.devices.require(call.path("did"))
    cards.perform(call.cloud, device, call.path("action"), call.body.get("value"), call.now)
    return cards.card(call.cloud, device, call.cloud.sync())


@endpoint(auth="none", body="required")
def put_program(call: Call) -> Any:
    device = call.cloud.devices.require(call.path("did"))
    if set(call.body) != {"days"}:
        raise form_invalid('the body is {"days": {"1": [48 modes], ...}} (day 1 = Monday)')
    changed = cards.set_program(call.cloud, device, call.body["days"])
    return {"changed": changed, "program": cards.program_view(device, call.cloud.sync())}


@endpoint(auth="none", body="optional")
def next_program_change(call: Call) -> Any:
    if call.body:
        raise form_invalid("this call takes no body")
    upcoming = cards.next_program_change(call.cloud, call.now)
    if upcoming is None:
        raise form_invalid("no device follows a week program (switch one's program on)")
    at, did = upcoming
    clock = control.set_clock(call.cloud, "advance", at - call.now)
    return {"at": at, "did": did, "clock": clock}


ROUTES = [
    Route("/cards", list_cards, methods=["GET"]),
    Route("/cards/{did}", get_card, methods=["GET"]),
    Route("/cards/{did}/actions/{action}", act, methods=["POST"]),
    Route("/devices/{did}/program", put_program, methods=["PUT"]),
    Route("/clock/next-program-change", next_program_change, methods=["POST"]),
]

_DID = parameter("did", "path", {"type": "string"}, "device id")
_LABELLED = {"type": "object", "properties": {"value": {}, "label": {"type": "string"}}}
_SLOT = {"type": "object", "properties": {
    "day": {"type": "integer", "minimum": 1, "maximum": 7}, "slot": {"type": "integer", "minimum": 0, "maximum": 47},
    "mode": {"enum": ["cft", "eco", "fro"]}, "label": {"type": "string"}, "at": {"type": "number"}}}
PROGRAM_SCHEMA: dict[str, Any] = {"type": ["object", "null"], "properties": {
    "on": {"type": "boolean"}, "summary": {"type": "string"},
    "days": {"type": "array", "items": {"type": "string"}, "minItems": 7, "maxItems": 7},
    "slot_minutes": {"const": 30}, "modes": {"type": "array", "items": _LABELLED},
    "grid": {"type": "array", "minItems": 7, "maxItems": 7, "description": "day 1 (Monday) first; 48 modes a day",
             "items": {"type": "array", "minItems": 48, "maxItems": 48, "items": {"enum": ["cft", "eco", "fro"]}}},
    "now": _SLOT, "next": {"oneOf": [_SLOT, {"type": "null"}]}}}
ACTION_SCHEMA: dict[str, Any] = {"type": "object", "required": ["name", "label", "kind"], "properties": {
    "name": {"type": "string"}, "label": {"type": "string"},
    "kind": {"enum": ["choice", "number", "toggle", "button"]}, "value": {},
    "options": {"type": "array", "items": _LABELLED, "description": "choice: the values it takes"},
    "min": {"type": "number"}, "max": {"type": "number"}, "step": {"type": "number"}, "unit": {"type": "string"},
    "submit": {"type": "string", "description": "number: the label of the button that sends it"},
    "on": {"type": "string"}, "off": {"type": "string"},
    "disabled": {"type": ["string", "null"], "description": "why the action would do nothing now"}}}
CARD_SCHEMA: dict[str, Any] = {"type": "object", "required": ["did", "title", "online", "facts", "actions"],
                               "properties": {
    "did": {"type": "string"}, "title": {"type": "string"}, "product": {"type": "string"},
    "product_key": {"type": "string"}, "family": {"type": "string"}, "online": {"type": "boolean"},
    "timezone": {"type": "string"}, "updated_at": {"type": "number"},
    "owners": {"type": "array", "items": {"type": "object", "properties": {
        "uid": {"type": "string"}, "user": {"type": "string"}, "role": {"type": "string"},
        "alias": {"type": "string"}}}},
    "mode": {"type": ["object", "null"], "properties": {
        "value": {"type": "string"}, "label": {"type": "string"}, "why": {"type": "string"},
        "raw": {"description": "the reported value, when the label translates it (the 1st generation's Chinese)"}}},
    "facts": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "label": {"type": "string"}, "text": {"type": "string"}}}},
    "actions": {"type": "array", "items": ACTION_SCHEMA},
    "program": PROGRAM_SCHEMA}}
_CLOCK = {"type": "object"}

SPEC: dict[str, dict[str, Any]] = {
    "/cards": {"get": operation(
        "What a person sees of every device (the dashboard's cards)",
        "One card per device, oldest first: mode in effect as a person reads it (the 1st generation's Chinese "
        "translated), why (program, boost, vacation, by hand), countdowns, temperatures and set points where the "
        "product has them, window, lock, heating state, owners, the actions it takes and its week program. Also "
        "the time zone most devices live in and the next program change of any device.",
        responses={"200": json_body("Every card", {"type": "object", "properties": {
            "now": {"type": "number"}, "timezone": {"type": "string"},
            "next_program_change": {"type": ["object", "null"]},
            "cards": {"type": "array", "items": CARD_SCHEMA}}})})},
    "/cards/{did}": {"get": operation(
        "One device's card", parameters=[_DID],
        responses={"200": json_body("The card", CARD_SCHEMA), "404": error()})},
    "/cards/{did}/actions/{action}": {"post": operation(
        "Do one of the actions a card lists",
        "mode (choice), boost (minutes), vacation (days), end_derogation (button), program, power, "
        "window_detection (toggles: the device's own buttons, which a locked device ignores), window (toggle) and "
        "room_temperature (°C: the room around the device), online (toggle), fault (none, not_delivered, offline: a "
        "device fault rule on this did). The card's actions say which a device has and the values they take.",
        parameters=[_DID, parameter("action", "path", {"type": "string"}, "an action name from the card")],
        request=body({"type": "object", "properties": {"value": {}}, "additionalProperties": False},
                     required=False),
        responses={"200": json_body("The card afterwards", CARD_SCHEMA), "400": error(), "404": error()})},
    "/devices/{did}/program": {"put": operation(
        "Edit a device's week program",
        "days: {\"1\": [48 modes], ...}, day 1 = Monday, slot 0 = 00:00-00:30; modes cft, eco, fro. Days not "
        "given stay as they are. The device reports the new pX_dataY as its own change.",
        parameters=[_DID],
        request=body({"type": "object", "required": ["days"], "properties": {"days": {
            "type": "object", "propertyNames": {"enum": ["1", "2", "3", "4", "5", "6", "7"]},
            "additionalProperties": {"type": "array", "minItems": 48, "maxItems": 48,
                                     "items": {"enum": ["cft", "eco", "fro"]}}}}}),
        responses={"200": json_body("What the device reported, and the program", {"type": "object", "properties": {
            "changed": {"type": "object"}, "program": PROGRAM_SCHEMA}}), "400": error(), "404": error()})},
    "/clock/next-program-change": {"post": operation(
        "Advance the clock to the next program change",
        "The earliest next change of a week program among devices whose program runs; events due on the way "
        "run in order. 9015 when no device follows a program.",
        responses={"200": json_body("When, which device, and the clock afterwards", {"type": "object", "properties": {
            "at": {"type": "number"}, "did": {"type": "string"}, "clock": _CLOCK}}), "400": error()})},
}
