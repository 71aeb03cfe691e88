"""The API's own description: ``/openapi.json`` (the assembled OpenAPI document) and ``/docs``.

The docs page is Swagger UI, served from the files of the ``swagger-ui-py`` package under
``/docs/static``: nothing is fetched from the internet (no CDN, no online validator
badge), so the page works on an offline machine.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .http import Call, endpoint
from .openapi import document, json_response, operation

DOCS_PATH = "/docs"
STATIC_PATH = "/docs/static"

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  <link rel="stylesheet" href="{static}/swagger-ui.css">
  <link rel="icon" type="image/png" href="{static}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{static}/swagger-ui-bundle.js"></script>
  <script src="{static}/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      urls: {urls},
      "urls.primaryName": "{primary}",
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null,
      docExpansion: "list",
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout",
    }});
  </script>
</body>
</html>
"""


@cache
def swagger_ui_files() -> Path:
    """Swagger UI's static files, as installed with ``swagger-ui-py`` (found without importing it)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


@endpoint(auth="none")
def openapi_json(call: Call) -> Any:
    return document()


#: This API's document, the first of the page's selector.
PRIMARY = ("Gizwits app API", "/openapi.json")


def swagger_page(title: str, documents: list[tuple[str, str]]) -> HTMLResponse:
    """A Swagger UI page offering the OpenAPI ``documents`` (``[(name, url)]``, the first shown
    first); also used by ``/_emulator/docs``."""
    urls = [{"name": name, "url": url} for name, url in documents]
    return HTMLResponse(_PAGE.format(static=STATIC_PATH, title=title, urls=json.dumps(urls), primary=documents[0][0]))


@endpoint(auth="none")
def docs_page(call: Call) -> Any:
    """The page shows this API's document and the others the application lists in
    ``app.documents`` (``[(name, url)]``: the other clouds served beside it)."""
    others = list(getattr(call.request.app, "documents", []))
    return swagger_page("gizwits-emulator API", [PRIMARY, *others])


ROUTES = [
    Route("/openapi.json", openapi_json, methods=["GET"]),
    Route(DOCS_PATH, docs_page, methods=["GET"]),
    Mount(STATIC_PATH, app=StaticFiles(directory=swagger_ui_files()), name="docs-static"),
]

SPEC: dict[str, Any] = {
    "/openapi.json": {
        "get": operation("openapi", "This document", tags=["documentation"],
                         responses={200: json_response({"type": "object", "required": ["openapi", "paths"]})}),
    },
    DOCS_PATH: {
        "get": operation("docs", "A page that shows this document (Swagger UI, served locally)",
                         tags=["documentation"],
                         responses={200: {"description": "an HTML page", "content": {"text/html": {
                             "schema": {"type": "string"}}}}}),
    },
}
