"""System routes: ``/status`` and ``/errors``.

The docs list the application id header for both; the emulator answers without it too,
so health checks (Docker's HEALTHCHECK, load balancers) can call ``/status`` bare.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...config import API_VERSION
from ..errors import errors_listing
from .http import Call, endpoint
from .openapi import json_response, operation, ref


@endpoint(auth="none")
def status(call: Call) -> Any:
    return {"status": {"version": API_VERSION}}


@endpoint(auth="none")
def errors(call: Call) -> Any:
    return errors_listing()


ROUTES = [
    Route("/status", status, methods=["GET"]),
    Route("/errors", errors, methods=["GET"]),
]


# -- OpenAPI ----------------------------------------------------------------------------------
_TAGS = ["system"]

SCHEMAS: dict[str, Any] = {
    "Status": {
        "type": "object",
        "required": ["status"],
        "additionalProperties": False,
        "properties": {
            "status": {"type": "object", "required": ["version"], "properties": {"version": {"type": "string"}}},
        },
    },
    "ErrorsListing": {
        "type": "array",
        "description": "error_code is an integer, as in every error body (the swagger's ErrorModel says string).",
        "items": {
            "type": "object",
            "required": ["status", "error_message", "error_code"],
            "additionalProperties": False,
            "properties": {"status": {"type": "integer"}, "error_message": {"type": "string"},
                           "error_code": {"type": "integer"}},
        },
    },
}

SPEC: dict[str, Any] = {
    "/status": {
        "get": operation("status", "Service status and API version", tags=_TAGS,
                         description="Answers without an application id too, for health checks.",
                         responses={200: json_response(ref("Status"))}),
    },
    "/errors": {
        "get": operation("errors", "Every 9xxx error code with its HTTP status", tags=_TAGS,
                         responses={200: json_response(ref("ErrorsListing"))}),
    },
}
