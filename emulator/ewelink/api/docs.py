"""The eWeLink API's own description: ``/v2/openapi.json`` (beside the Gizwits ``/openapi.json``)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from ...responses import JSONResponse
from . import OPENAPI_PATH
from .openapi import OBJECT, operation


async def openapi_json(request: Request) -> JSONResponse:
    from .openapi import document

    return JSONResponse(document())


ROUTES = [Route(OPENAPI_PATH, openapi_json, methods=["GET"])]

SPEC: dict[str, Any] = {
    OPENAPI_PATH: {"get": operation("openapi", "This document", tags=["documentation"], wrapped=False, data=OBJECT)},
}
