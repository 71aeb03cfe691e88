"""Device monitoring routes: latest data, details, data point definitions, control."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ..errors import form_invalid
from .http import USER_TOKEN_HEADER, Call, endpoint, field
from .render import devdata, device_details

MAX_RAW_BYTES = 1024


@endpoint(auth="app")
def latest(call: Call) -> Any:
    """Documented with the application id only. When a user token is sent it must be valid
    and the device bound to that user, so one user cannot read another's devices."""
    did = call.path("did")
    token = call.header(USER_TOKEN_HEADER)
    if token is not None:
        user = call.cloud.users.authenticate_token(call.appid, token, call.now)
        device, _ = call.cloud.bound_device(user, did)
    else:
        device = call.cloud.observe(call.cloud.devices.require(did))
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


def parse_raw(value: Any) -> list[int]:
    if not isinstance(value, list) or not value:
        raise form_invalid("raw must be a non-empty list of bytes (integers 0..255)")
    if len(value) > MAX_RAW_BYTES:
        raise form_invalid(f"raw is longer than {MAX_RAW_BYTES} bytes")
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= 255:
            raise form_invalid(f"raw must contain integers 0..255, got {item!r}")
    return value


@endpoint(auth="user", body="required")
def control(call: Call) -> Any:
    attrs = field(call.body, "attrs", dict)
    raw = call.body.get("raw")
    if raw is None and attrs is None:
        raise form_invalid("give attrs (data points) or raw (bytes)")
    if raw is not None and attrs is not None:
        raise form_invalid("give attrs or raw, not both")
    if attrs is not None and not attrs:
        raise form_invalid("attrs is empty")
    call.cloud.control(call.me, call.appid, call.path("did"), attrs=attrs,
                       raw=parse_raw(raw) if raw is not None else None)
    return {}


ROUTES = [
    Route("/app/devdata/{did}/latest", latest, methods=["GET"]),
    Route("/app/devices/{did}", details, methods=["GET"]),
    Route("/app/datapoint", datapoint, methods=["GET"]),
    Route("/app/control/{did}", control, methods=["POST"]),
]
