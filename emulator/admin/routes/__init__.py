"""The admin API's routes (mounted under ``/_emulator``), one module per concern, and its OpenAPI document."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from . import clock, ewelink, faults, observe, state, world
from .spec import build_admin_document, operation

#: Every module that contributes admin routes.
MODULES = (state, clock, world, faults, observe, ewelink)


def document() -> dict[str, Any]:
    doc = build_admin_document(MODULES)
    doc["paths"]["/_emulator/openapi.json"] = {"get": operation("This document")}
    return doc


async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(document())


def routes() -> list[BaseRoute]:
    return [*(route for module in MODULES for route in module.ROUTES),
            Route("/openapi.json", openapi, methods=["GET"])]
