"""Admin routes for the emulator's clock: read it, freeze, offset, speed up, advance."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...gizwits.api.http import Call, endpoint
from ...gizwits.errors import form_invalid
from .. import control
from .spec import body, error, json_body, operation


@endpoint(auth="none")
def get_clock(call: Call) -> Any:
    return call.cloud.clock.describe()


@endpoint(auth="none", body="required")
def set_clock(call: Call) -> Any:
    given = [name for name in control.CLOCK_ACTIONS if name in call.body]
    if len(given) != 1 or set(call.body) - set(control.CLOCK_ACTIONS):
        raise form_invalid(f"give exactly one of {list(control.CLOCK_ACTIONS)}, e.g. {{\"advance\": \"2h\"}}")
    return control.set_clock(call.cloud, given[0], call.body[given[0]])


_CLOCK = {"type": "object", "properties": {
    "mode": {"enum": ["real", "frozen", "offset", "speed"]}, "now": {"type": "number"},
    "iso": {"type": "string"}, "offset": {"type": "number"}, "speed": {"type": "number"}}}

ROUTES = [
    Route("/clock", get_clock, methods=["GET"]),
    Route("/clock", set_clock, methods=["POST"]),
]

SPEC: dict[str, dict[str, Any]] = {
    "/clock": {
        "get": operation("The emulator's time and clock mode", responses={"200": json_body("The clock", _CLOCK)}),
        "post": operation(
            "Freeze, offset, speed up or advance the clock",
            "Exactly one of: freeze (an instant: Unix seconds or ISO 8601; true for now), offset (a duration, "
            "may be negative), speed (a factor), advance (a duration: seconds or '2h', '1d12h'; events due on "
            "the way run in order), real (true).",
            request=body({"type": "object", "minProperties": 1, "maxProperties": 1, "properties": {
                "freeze": {}, "offset": {}, "speed": {"type": "number"}, "advance": {}, "real": {"const": True}}}),
            responses={"200": json_body("The clock afterwards", _CLOCK), "400": error()},
        ),
    },
}
