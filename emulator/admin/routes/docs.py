"""``/_emulator/docs``: the admin API's OpenAPI document as a browsable page (Swagger UI, served locally)."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...gizwits.api.docs import swagger_page
from ...gizwits.api.http import Call, endpoint
from ..access import ADMIN_PREFIX
from .spec import operation


@endpoint(auth="none")
def docs_page(call: Call) -> Any:
    return swagger_page("gizwits-emulator admin API", [("admin API", f"{ADMIN_PREFIX}/openapi.json")])


ROUTES = [Route("/docs", docs_page, methods=["GET"])]

SPEC: dict[str, dict[str, Any]] = {
    "/docs": {"get": operation(
        "This document as a browsable page",
        "Swagger UI, served by the emulator (nothing is fetched from the internet). The page and the document "
        "open without the admin token; with one configured, give it under Authorize to try the routes.",
        responses={"200": {"description": "an HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}},
    )},
}
