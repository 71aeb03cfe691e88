"""The test control plane: the admin API under ``/_emulator``, fault injection and the request journal.

:func:`install` adds both to an app: the middleware (admin access, faults, journal) and,
unless the configuration turns the admin API off, the admin routes (with the dashboard,
where ``GET /`` then redirects).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount, Route

from ..config import EmulatorConfig
from .access import ADMIN_PREFIX


def install(app: Starlette, config: EmulatorConfig) -> None:
    from ..dashboard.routes import redirect_to_dashboard
    from .middleware import ControlPlaneMiddleware
    from .routes import routes

    app.add_middleware(ControlPlaneMiddleware)
    if config.admin:
        app.router.routes.append(Mount(ADMIN_PREFIX, routes=routes()))
        app.router.routes.append(Route("/", redirect_to_dashboard, methods=["GET"], include_in_schema=False))
