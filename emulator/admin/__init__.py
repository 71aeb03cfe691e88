"""The test control plane: the admin API under ``/_emulator``, fault injection and the request journal.

:func:`install` adds both to an app: the middleware (admin access, faults, journal) and,
unless the configuration turns the admin API off, the admin routes (with the dashboard,
where ``GET /`` then redirects).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from ..config import EmulatorConfig
from ..routing import DeferredRoutes
from .access import ADMIN_PREFIX, DASHBOARD_PATH


def install(app: Starlette, config: EmulatorConfig) -> None:
    from .middleware import ControlPlaneMiddleware

    app.add_middleware(ControlPlaneMiddleware)
    if config.admin:
        # The admin routes (and the dashboard's) are made at the first request under /_emulator.
        app.router.add(DeferredRoutes((ADMIN_PREFIX.strip("/"),), _admin_mount, name="admin"))
        app.router.add(Route("/", redirect_to_dashboard, methods=["GET"], include_in_schema=False))


def _admin_mount() -> list[BaseRoute]:
    from .routes import routes

    return [Mount(ADMIN_PREFIX, routes=routes())]


def redirect_to_dashboard(request: Request) -> Response:
    """``GET /``: the dashboard, when the admin API is on."""
    return Response(status_code=307, headers={"Location": DASHBOARD_PATH})
