"""``create_app(config)``: the Starlette application of the emulator, serving both clouds.

The application assembles the world: the Gizwits cloud and the eWeLink cloud are parts of
one :class:`~emulator.core.world.World` (one clock, event queue, change feed, simulation,
fault rules and journal). Each cloud brings its routes (their paths do not collide: Gizwits
``/app/...``, ``/status``, ``/openapi.json``; eWeLink ``/v2/...``, ``/dispatch/app``), its
exception rendering and its HTTP surface for the control plane, and its WebSocket (Gizwits
``/ws/app/v1``, eWeLink ``/api/ws``) on the world's one session registry.
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .admin import install as install_control_plane
from .admin.middleware import NOT_EMULATED_HEADER, Surface, surface_for
from .commit_gate import CommitBeforeAnswer
from .config import EmulatorConfig
from .core.world import World
from .ewelink.api import OPENAPI_PATH
from .ewelink.api import deferred_routes as ewelink_routes
from .ewelink.api.surface import EwelinkSurface
from .ewelink.cloud.cloud import EwelinkCloud
from .ewelink.errors import EwelinkError
from .ewelink.ws import protocol_for as ewelink_protocol_for
from .ewelink.ws import routes as ewelink_websocket_routes
from .gizwits.api import deferred_routes as gizwits_routes
from .gizwits.api.surface import GizwitsSurface
from .gizwits.cloud.cloud import Cloud
from .gizwits.errors import ApiError, error_body
from .gizwits.ws import protocol_for
from .gizwits.ws import routes as websocket_routes
from .responses import JSONResponse
from .routing import IndexedRouter

log = logging.getLogger("emulator")


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body(), status_code=exc.status)


async def _ewelink_error(request: Request, exc: Exception) -> Response:
    """eWeLink errors are the envelope on HTTP 200 (seed 004 L44-73)."""
    assert isinstance(exc, EwelinkError)
    return JSONResponse(exc.body())


def allowed_methods(app: Starlette, path: str) -> list[str]:
    """Every method some route answers on ``path`` (one path may be split over several routes; a
    concrete path hides the templates it matches, see :func:`emulator.gizwits.api.concrete_paths_first`)."""
    matching = [route for route in app.routes if isinstance(route, Route) and route.include_in_schema
                and route.methods and route.path_regex.match(path)]
    concrete = [route for route in matching if not route.param_convertors]
    return sorted({method for route in concrete or matching for method in route.methods or ()})


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    surface = surface_for(request.app, request.url.path)
    if isinstance(surface, EwelinkSurface):
        response = surface.not_found(request.method, request.url.path)
        response.headers[NOT_EMULATED_HEADER] = "1"
        return response
    detail = f"{request.method} {request.url.path} is not an emulated route"
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
        headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
    return JSONResponse(error_body(9999, detail), status_code=exc.status_code, headers=headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    if isinstance(surface_for(request.app, request.url.path), EwelinkSurface):
        return JSONResponse(EwelinkError(500, f"{type(exc).__name__}: {exc}").body())
    return JSONResponse(error_body(9008, f"{type(exc).__name__}: {exc}"), status_code=500)


class EmulatorApp(Starlette):
    """The emulator's application: the world and its clouds are plain attributes, read by every request
    (``request.app.cloud``). Kept in ``app.state`` they cost about 1 us a read (four a request): a
    State's attribute is found by ``__getattr__`` only after the normal lookup has failed."""

    world: World
    cloud: Cloud
    ewelink: EwelinkCloud
    #: Each cloud's HTTP side for the control plane, the first claiming a path answers it.
    surfaces: list[Surface]
    config: EmulatorConfig
    #: The other documents the /docs page offers beside the Gizwits one: ``[(name, url)]``.
    documents: list[tuple[str, str]]


def create_app(config: EmulatorConfig | None = None, cloud: Cloud | None = None) -> EmulatorApp:
    config = config or (cloud.config if cloud else EmulatorConfig())
    cloud = cloud or Cloud(config)
    world = cloud.world
    ewelink = world.part(EwelinkCloud.name) or EwelinkCloud(world)
    app = EmulatorApp(
        exception_handlers={ApiError: _api_error, EwelinkError: _ewelink_error, HTTPException: _http_error,
                            Exception: _unexpected},
    )
    # Tries only the routes a path can match (a third of a request's time went to trying the others);
    # each cloud's route modules are imported when a request first reaches their paths (cold start).
    app.router = IndexedRouter(routes=[*ewelink_routes(), *gizwits_routes(), *websocket_routes(),
                                       *ewelink_websocket_routes()])
    app.world = world
    app.cloud = cloud
    app.ewelink = ewelink
    app.surfaces = [EwelinkSurface(ewelink), GizwitsSurface(cloud)]
    app.config = config
    app.documents = [("eWeLink API v2", OPENAPI_PATH)]
    protocol_for(cloud)  # pushes follow the clouds' changes from now on
    ewelink_protocol_for(ewelink)
    install_control_plane(app, config)
    app.add_middleware(CommitBeforeAnswer)  # outermost: added last
    return app
