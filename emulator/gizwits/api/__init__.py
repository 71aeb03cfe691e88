"""HTTP routes of the Gizwits app API, one module per resource."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from ...routing import RouteModules


def _concrete_first(found: list[BaseRoute]) -> list[BaseRoute]:
    return [*concrete_paths_first(found), *found]


#: Every module that contributes routes, with the leading path words of its routes (``"app/devdata"``;
#: ``"app"`` alone for a route such as ``/app/{did}/bindings``). A module is imported when a request
#: first reaches one of its words (``emulator.routing.DeferredRoutes``): a cold start imports the
#: modules its first requests need (devdata: 3 of 20). A new resource adds its module here;
#: ``tests/test_route_index.py`` checks every list against the module's routes.
ROUTE_MODULES = RouteModules(__name__, {
    "users": ("app/login", "app/reset_password", "app/users"),
    "bindings": ("app/bind_mac", "app/bindings"),
    "devices": ("app/control", "app/datapoint", "app/devdata", "app/devices"),
    "scheduler": ("app/devices",),
    "system": ("errors", "status"),
    "tokens": ("app/logout", "app/request_token"),
    "verification": ("app/sms_code", "app/verify", "captcha/image"),
    "messages": ("app/messages",),
    "bind": ("app/bind_latest", "app/bindings"),
    "guests": ("app",),
    "sharing": ("app/sharing",),
    "groups": ("app/group",),
    "rules": ("app/rules",),
    "scenes": ("app/scene",),
    "common_scheduler": ("app/common_scheduler",),
    "legacy_scheduler": ("app/scheduler",),
    "aggregation": ("app/devdata",),
    "device_side": ("dev", "dev/devices"),
    "raw_data": ("app/devices",),
    "docs": ("docs", "docs/static", "openapi.json"),
}, arrange=_concrete_first)


#: Every route, made now; the app makes each module's at its first request (``deferred_routes``).
routes = ROUTE_MODULES.routes
deferred_routes = ROUTE_MODULES.deferred


async def _method_not_allowed(request: Request) -> None:
    raise HTTPException(405)


def concrete_paths_first(found: list[BaseRoute]) -> list[Route]:
    """A concrete path is matched before a template, as in OpenAPI: ``PUT /app/rules/params`` is
    405 (``/app/rules/params`` answers GET only), not ``PUT /app/rules/{rule_id}`` with rule_id
    "params". One route per such path answers the template's other methods with 405. Applied to
    each module's routes (a test checks no template shadows another module's concrete path)."""
    plain = [r for r in found if isinstance(r, Route) and not r.param_convertors]
    templates = [r for r in found if isinstance(r, Route) and r.param_convertors]
    guards = []
    for path in dict.fromkeys(r.path for r in plain):
        answered = {m for r in plain if r.path == path for m in r.methods or ()}
        shadowed = {m for r in templates if r.path_regex.match(path) for m in r.methods or ()} - answered
        if shadowed:
            guards.append(Route(path, _method_not_allowed, methods=sorted(shadowed), include_in_schema=False))
    return guards
