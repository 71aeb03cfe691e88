"""Admin routes for the whole state: reset, seed, snapshot, users, devices, accounts."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...config import HEATZY_APP_ID
from ...gizwits.api.http import Call, Reply, endpoint, field, text
from ...gizwits.cloud.accounts import create_account
from ...gizwits.cloud.cloud import Cloud
from ...gizwits.cloud.scenario import ScenarioError
from ...gizwits.errors import ApiError, form_invalid
from .. import control
from .spec import body, error, json_body, operation, parameter


def _fixture(call: Call, *, required: bool) -> Any:
    value = call.body.get("fixture")
    if value is None:
        if required:
            raise form_invalid("fixture is required: a name (demo, empty), a path to a .json file, or a document")
        return None
    if not isinstance(value, str | dict):
        raise form_invalid("fixture must be a name, a path, or a scenario document")
    return value


def documents(cloud: Cloud) -> int:
    """The admin API's own body limit: snapshots and fixtures are large documents."""
    return cloud.config.admin_max_body_bytes


def _cannot_load(error: ScenarioError) -> ApiError:
    """9015 whose detail lists every problem of the fixture, one per line."""
    return form_invalid("cannot load fixture:\n" + str(error))


@endpoint(auth="none", body="optional", body_limit=documents)
def reset(call: Call) -> Any:
    seed = field(call.body, "seed", int)
    try:
        control.reset(call.cloud, _fixture(call, required=False), seed)
    except ScenarioError as error:
        raise _cannot_load(error) from None
    return {"fixture": call.body.get("fixture", str(call.cloud.config.fixture)), "seed": call.cloud.config.seed}


@endpoint(auth="none", body="required", body_limit=documents)
def seed(call: Call) -> Any:
    try:
        document = control.seed(call.cloud, _fixture(call, required=True))
    except ScenarioError as error:
        raise _cannot_load(error) from None
    return {"users": len(document.get("users", [])), "devices": len(document.get("devices", []))}


@endpoint(auth="none")
def export_snapshot(call: Call) -> Any:
    return call.cloud.snapshot()


@endpoint(auth="none", body="required", body_limit=documents)
def restore_snapshot(call: Call) -> Any:
    control.restore(call.cloud, call.body)
    return {"restored": True}


@endpoint(auth="none")
def list_users(call: Call) -> Any:
    return control.users(call.cloud)


@endpoint(auth="none")
def list_devices(call: Call) -> Any:
    return control.devices(call.cloud)


@endpoint(auth="none")
def get_device(call: Call) -> Any:
    return control.device_state(call.cloud, call.path("did"))


@endpoint(auth="none", body="optional")
def create_accounts(call: Call) -> Any:
    products = field(call.body, "products", list, default=[])
    if len(products) > 100:
        raise form_invalid("at most 100 devices per account")
    email = text(call.body, "email", max_length=254, allow_empty=False)
    password = text(call.body, "password", max_length=256, allow_empty=False)
    appid = text(call.body, "appid", max_length=64) or HEATZY_APP_ID
    account = create_account(call.cloud, products, email=email, password=password, appid=appid)
    return Reply(account.as_dict(), 201)


ROUTES = [
    Route("/reset", reset, methods=["POST"]),
    Route("/seed", seed, methods=["POST"]),
    Route("/snapshot", export_snapshot, methods=["GET"]),
    Route("/snapshot", restore_snapshot, methods=["POST"]),
    Route("/users", list_users, methods=["GET"]),
    Route("/devices", list_devices, methods=["GET"]),
    Route("/devices/{did}", get_device, methods=["GET"]),
    Route("/accounts", create_accounts, methods=["POST"]),
]

_FIXTURE = {"oneOf": [{"type": "string", "description": "demo, empty, another fixture name, or a .json path"},
                      {"type": "object", "description": "an inline scenario document (\"format\": 1)"}]}
_DID = parameter("did", "path", {"type": "string"}, "device id")

SPEC: dict[str, dict[str, Any]] = {
    "/reset": {"post": operation(
        "Forget everything and load a fixture",
        "State, fault rules and journal are cleared and the clock goes back to real time. Resetting to "
        "a fixture and seed used before restores a cached snapshot (well under a millisecond).",
        request=body({"type": "object", "properties": {"fixture": _FIXTURE, "seed": {"type": "integer"}}},
                     required=False),
        responses={"200": json_body("The fixture and seed now loaded", {"type": "object"}), "400": error()},
    )},
    "/seed": {"post": operation(
        "Add a fixture's apps, users and devices to the current state",
        "All or nothing: a fixture that cannot load (say, an e-mail already taken) changes nothing.",
        request=body({"type": "object", "required": ["fixture"], "properties": {"fixture": _FIXTURE}}),
        responses={"200": json_body("How many users and devices were added", {"type": "object"}), "400": error()},
    )},
    "/snapshot": {
        "get": operation("Export the whole state as JSON", responses={
            "200": json_body("A snapshot: {format, taken_at, stores}", {"type": "object"})}),
        "post": operation("Restore an exported snapshot",
                          "All or nothing; the clock is left as it is. Takes documents up to the admin API's own "
                          "limit (admin_max_body_bytes, 256 MiB by default), not the app API's 1 MiB.",
                          request=body({"type": "object", "required": ["format", "stores"]}),
                          responses={"200": json_body("Restored", {"type": "object"}), "400": error()}),
    },
    "/users": {"get": operation("Every user, with bound dids and tokens (no passwords: kept hashed)", responses={
        "200": json_body("Users", {"type": "array", "items": {"type": "object"}})})},
    "/devices": {"get": operation("Every device, with its bindings", responses={
        "200": json_body("Devices", {"type": "array", "items": {"type": "object"}})})},
    "/devices/{did}": {"get": operation(
        "Everything the cloud knows of one device",
        "Stored state, what it reports now, its week program (modes per half hour) and pending events.",
        parameters=[_DID], responses={"200": json_body("The device", {"type": "object"}), "404": error()})},
    "/accounts": {"post": operation(
        "Create a user with devices bound",
        "products: names or keys (Pilote2, Glow_Simple, ...) or {product, alias, attrs, online} objects. "
        "E-mail and password are generated when not given; a token is issued.",
        request=body({"type": "object", "properties": {
            "products": {"type": "array"}, "email": {"type": "string"}, "password": {"type": "string"},
            "appid": {"type": "string"}}}, required=False),
        responses={"201": json_body("The account: credentials, token and devices", {"type": "object"}),
                   "400": error()})},
}
