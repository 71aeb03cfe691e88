"""HTTP routes of the eWeLink API v2, one module per resource, and its HTTP surface."""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import devices, dispatch, docs, families, groups, messages, sharing, things, users

#: Every module that contributes routes; a new resource adds its module here.
MODULES = (users, things, devices, groups, sharing, families, messages, dispatch, docs)


def routes() -> list[BaseRoute]:
    return [route for module in MODULES for route in module.ROUTES]
