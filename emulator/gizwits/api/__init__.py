"""HTTP routes of the Gizwits app API, one module per resource."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

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
    found = [route for module in MODULES for route in module.ROUTES]
    return [*concrete_paths_first(found), *found]


async def _method_not_allowed(request: Request) -> None:
    raise HTTPException(405)


def concrete_paths_first(found: list[BaseRoute]) -> list[Route]:
    """A concrete path is matched before a template, as in OpenAPI: ``PUT /app/rules/params`` is
    405 (``/app/rules/params`` answers GET only), not ``PUT /app/rules/{rule_id}`` with rule_id
    "params". One route per such path answers the template's other methods with 405."""
    plain = [r for r in found if isinstance(r, Route) and not r.param_convertors]
    templates = [r for r in found if isinstance(r, Route) and r.param_convertors]
    guards = []
    for path in dict.fromkeys(r.path for r in plain):
        answered = {m for r in plain if r.path == path for m in r.methods or ()}
        shadowed = {m for r in templates if r.path_regex.match(path) for m in r.methods or ()} - answered
        if shadowed:
            guards.append(Route(path, _method_not_allowed, methods=sorted(shadowed), include_in_schema=False))
    return guards
