"""HTTP routes of the Gizwits app API, one module per resource."""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import (
    aggregation,
    bindings,
    common_scheduler,
    device_side,
    devices,
    groups,
    legacy_scheduler,
    rules,
    scenes,
    scheduler,
    system,
    users,
)

#: Every module that contributes routes; a new resource adds its module here.
MODULES = (
    users, bindings, devices, scheduler, system,
    groups, rules, scenes, common_scheduler, legacy_scheduler, aggregation, device_side,
)


def routes() -> list[BaseRoute]:
    return [route for module in MODULES for route in module.ROUTES]
