"""``create_app(config)``: the Starlette application of the emulator."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .admin import install as install_control_plane
from .commit_gate import CommitBeforeAnswer
from .config import EmulatorConfig
from .gizwits.api import routes
from .gizwits.cloud.cloud import Cloud
from .gizwits.errors import ApiError, error_body
from .gizwits.ws import protocol_for
from .gizwits.ws import routes as websocket_routes

log = logging.getLogger("emulator")


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body(), status_code=exc.status)


def allowed_methods(app: Starlette, path: str) -> list[str]:
    """Every method some route answers on ``path`` (one path may be split over several routes; a
    concrete path hides the templates it matches, see :func:`emulator.gizwits.api.concrete_paths_first`)."""
    matching = [route for route in app.routes if isinstance(route, Route) and route.include_in_schema
                and route.methods and route.path_regex.match(path)]
    concrete = [route for route in matching if not route.param_convertors]
    return sorted({method for route in concrete or matching for method in route.methods or ()})


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = f"{request.method} {request.url.path} is not an emulated route"
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
        headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
    return JSONResponse(error_body(9999, detail), status_code=exc.status_code, headers=headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse(error_body(9008, f"{type(exc).__name__}: {exc}"), status_code=500)


def create_app(config: EmulatorConfig | None = None, cloud: Cloud | None = None) -> Starlette:
    config = config or (cloud.config if cloud else EmulatorConfig())
    cloud = cloud or Cloud(config)
    app = Starlette(
        routes=[*routes(), *websocket_routes()],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _unexpected},
    )
    app.state.cloud = cloud
    app.state.config = config
    protocol_for(cloud)  # pushes follow the cloud's changes from now on
    install_control_plane(app, config)
    app.add_middleware(CommitBeforeAnswer)  # outermost: added last
    return app
