"""Dispatch (seed 004 L1913-1953): where an app opens its WebSocket. Not wrapped in the
envelope: ``{"IP", "port", "domain", "error", "reason"}``.

On a CoolKit dispatch host the answer is that region's WebSocket domain on port 8080 (TLS),
which the test redirection covers; on any other host (the dev server on localhost, an IP)
the answer is the host and port the request came to, so a client that builds
``wss://{domain}:{port}/api/ws`` from it reaches this server.

The seed says dispatch takes a token (L1924); the official SDK calls it with none
(``other.dispatch(region)``, ``Ws.getDispatch``), so the emulator answers without one.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...responses import JSONResponse
from ..regions import WS_HOSTS, WS_PORT, region_of_host
from .http import Call, endpoint
from .openapi import INTEGER, STRING, obj, operation

LOOPBACK = "127.0.0.1"


@endpoint(auth="none")
def dispatch(call: Call) -> Any:
    host = call.request.headers.get("host", "")
    region = region_of_host(host)
    if region is not None:
        domain, port = WS_HOSTS[region], WS_PORT
    else:
        url = call.request.url
        domain = url.hostname or LOOPBACK
        port = url.port or (443 if url.scheme == "https" else 80)
    address = LOOPBACK if region is not None or not domain[:1].isdigit() else domain
    return JSONResponse({"IP": address, "port": port, "domain": domain, "error": 0, "reason": "ok"})


ROUTES = [Route("/dispatch/app", dispatch, methods=["GET"])]

SPEC: dict[str, Any] = {
    "/dispatch/app": {"get": operation(
        "dispatch", "The WebSocket server to connect to (not wrapped in the envelope)", tags=["websocket"],
        lines="1913-1953", wrapped=False,
        data={"oneOf": [obj({"IP": STRING, "port": INTEGER, "domain": STRING, "error": {"const": 0},
                             "reason": {"const": "ok"}}, ("IP", "port", "domain", "error", "reason")),
                        obj({"error": {"enum": [401, 402]}, "msg": STRING, "data": {"type": "object"}},
                            ("error", "msg", "data"))]})},
}
