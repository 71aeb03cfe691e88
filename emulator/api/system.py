"""System routes: ``/status`` and ``/errors``.

The docs list the application id header for both; the emulator answers without it too,
so health checks (Docker's HEALTHCHECK, load balancers) can call ``/status`` bare.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ..config import API_VERSION
from ..errors import errors_listing
from .http import Call, endpoint


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
