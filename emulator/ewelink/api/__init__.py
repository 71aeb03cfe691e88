"""HTTP routes of the eWeLink API v2, one module per resource, and its HTTP surface."""

from __future__ import annotations

from ...routing import RouteModules

#: The header an app sends its id in (seed 004).
APPID_HEADER = "X-CK-Appid"
#: Where the emulator serves the API's OpenAPI document.
OPENAPI_PATH = "/v2/openapi.json"

#: Every module that contributes routes, with the leading path words of its routes: a module is
#: imported when a request first reaches one of them (see ``emulator.gizwits.api.ROUTE_MODULES``).
#: A new resource adds its module here.
ROUTE_MODULES = RouteModules(__name__, {
    "users": ("v2/user", "v2/utils"),
    "things": ("v2/device", "v2/homepage"),
    "devices": ("v2/device",),
    "groups": ("v2/device",),
    "sharing": ("v2/device",),
    "families": ("v2/family",),
    "messages": ("v2/message",),
    "dispatch": ("dispatch/app",),
    "docs": ("v2/openapi.json",),
})


#: Every route, made now; the app makes each module's at its first request (``deferred_routes``).
routes = ROUTE_MODULES.routes
deferred_routes = ROUTE_MODULES.deferred
