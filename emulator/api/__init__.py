"""HTTP routes of the Gizwits app API, one module per resource."""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import bindings, devices, raw_data, scheduler, system, users

#: Every module that contributes routes; a new resource adds its module here.
MODULES = (users, bindings, devices, scheduler, system, raw_data)


def routes() -> list[BaseRoute]:
    return [route for module in MODULES for route in module.ROUTES]
