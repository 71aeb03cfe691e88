"""The admin API's routes (mounted under ``/_emulator``), one module per concern, and its OpenAPI document."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ...dashboard import routes as dashboard
from ...responses import JSONResponse
from . import cards, clock, docs, events, ewelink, faults, observe, sessions, state, world
from .spec import build_admin_document, operation

#: Every module that contributes admin routes.
MODULES = (state, clock, world, faults, observe, sessions, cards, events, dashboard, ewelink, docs)


def document() -> dict[str, Any]:
    doc = build_admin_document(MODULES)
    doc["paths"]["/_emulator/openapi.json"] = {"get": operation("This document")}
    return doc


async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(document())


def settling(route: Route) -> Route:
    """The same route, answering only once the WebSocket pushes its call caused are written
    (a clock advance, a press: the client has its ``s2c_noti`` when the admin call returns)."""
    inner = route.endpoint

    async def answer_after_pushes(request: Request) -> Response:
        response: Response = await inner(request)
        registry = request.app.cloud.sessions
        if len(registry):
            await registry.settled()
        return response

    answer_after_pushes.__name__ = getattr(inner, "__name__", "route")
    return Route(route.path, answer_after_pushes, methods=sorted(route.methods or ()), name=route.name)


def routes() -> list[BaseRoute]:
    found = [route for module in MODULES for route in module.ROUTES]
    return [*(settling(r) if isinstance(r, Route) and r.methods and "GET" not in r.methods else r for r in found),
            Route("/openapi.json", openapi, methods=["GET"])]
