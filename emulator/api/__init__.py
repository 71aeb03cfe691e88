"""HTTP routes of the Gizwits app API, one module per resource."""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import (
    aggregation,
    bind,
    bindings,
    common_scheduler,
    device_side,
    devices,
    docs,
    groups,
    guests,
    legacy_scheduler,
    messages,
    raw_data,
    rules,
    scenes,
    scheduler,
    sharing,
    system,
    tokens,
    users,
    verification,
)

#: Every module that contributes routes; a new resource adds its module here.
MODULES = (
    users, bindings, devices, scheduler, system,
    tokens, verification, messages, bind, guests, sharing,
    groups, rules, scenes, common_scheduler, legacy_scheduler, aggregation, device_side,
    raw_data, docs,
)


def routes() -> list[BaseRoute]:
    return [route for module in MODULES for route in module.ROUTES]
