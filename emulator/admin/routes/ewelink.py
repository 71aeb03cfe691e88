"""Admin routes for the eWeLink cloud: its devices and accounts, and ready-made test accounts.
(A device's state, press, connection and environment are the shared ``/devices/{did}/...`` routes.)"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...gizwits.api.http import Call, Reply, endpoint, field, text
from ...gizwits.errors import form_invalid
from .. import ewelink
from .spec import body, error, json_body, operation


@endpoint(auth="none")
def list_devices(call: Call) -> Any:
    return ewelink.devices(call.cloud.world)


@endpoint(auth="none")
def list_accounts(call: Call) -> Any:
    return ewelink.accounts(call.cloud.world)


@endpoint(auth="none", body="optional")
def create_account(call: Call) -> Any:
    devices = field(call.body, "devices", list, default=[])
    if len(devices) > 100:
        raise form_invalid("at most 100 devices per account")
    options = {name: text(call.body, name, max_length=254, allow_empty=False)
               for name in ("email", "password", "region", "appid")}
    made = ewelink.account(call.cloud.world, devices, **{k: v for k, v in options.items() if v is not None})
    return Reply(made.as_dict(), 201)


@endpoint(auth="none")
def outbox(call: Call) -> Any:
    world = call.cloud.world
    with world.lock:
        return [m.as_dict() for m in ewelink.cloud_of(world).outbox.messages]


ROUTES = [
    Route("/ewelink/devices", list_devices, methods=["GET"]),
    Route("/ewelink/accounts", list_accounts, methods=["GET"]),
    Route("/ewelink/accounts", create_account, methods=["POST"]),
    Route("/ewelink/outbox", outbox, methods=["GET"]),
]

_LIST = {"type": "array", "items": {"type": "object"}}
SPEC: dict[str, dict[str, Any]] = {
    "/ewelink/devices": {"get": operation("Every eWeLink device, with its owner and shares", responses={
        "200": json_body("Devices", _LIST)})},
    "/ewelink/accounts": {
        "get": operation("Every eWeLink account, with password, homes, devices and tokens", responses={
            "200": json_body("Accounts", _LIST)}),
        "post": operation(
            "Create an eWeLink account with devices, logged in",
            "devices: UIIDs (1, 4, 32, 15, 102) or {uiid, name, params, online} objects. E-mail and password are "
            "generated when not given; region defaults to eu; appid to the scenario's first app.",
            request=body({"type": "object", "properties": {
                "devices": {"type": "array"}, "email": {"type": "string"}, "password": {"type": "string"},
                "region": {"enum": ["cn", "as", "us", "eu"]}, "appid": {"type": "string"}}}, required=False),
            responses={"201": json_body("The account: credentials, tokens and devices", {"type": "object"}),
                       "400": error()}),
    },
    "/ewelink/outbox": {"get": operation("Mails and SMS the eWeLink cloud sent (verification codes)", responses={
        "200": json_body("Messages", _LIST)})},
}
