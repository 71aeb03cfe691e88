"""The dashboard's own routes: the page (``/_emulator/dashboard``) and its static files.

The page holds no data: it loads without the admin token (a browser cannot send a header
when it navigates) and then reads and drives everything through the admin API, sending the
token it is given (``docs/dashboard.md``). Static files are served from the package with
their media type fixed here, so they work whatever the host's MIME table says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ..admin.routes.spec import error, operation, parameter
from ..gizwits.errors import ApiError

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = "/dashboard/assets"
#: Every kind of file the page uses, with its media type.
MEDIA_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
               ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
               ".svg": "image/svg+xml", ".map": "application/json", ".md": "text/markdown; charset=utf-8"}
#: Browsers check with the server before using a cached copy: a new version shows at once.
CACHE = {"Cache-Control": "no-cache"}


async def page(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", media_type=MEDIA_TYPES[".html"], headers=CACHE)


async def asset(request: Request) -> Response:
    relative = str(request.path_params["path"])
    target = (STATIC / relative).resolve()
    if (STATIC not in target.parents or not target.is_file() or target.suffix not in MEDIA_TYPES
            or target.name == "index.html"):
        raise ApiError(9999, f"no dashboard file {relative!r}", status=404)
    return FileResponse(target, media_type=MEDIA_TYPES[target.suffix], headers=CACHE)


ROUTES = [
    Route("/dashboard", page, methods=["GET"]),
    Route(ASSETS + "/{path:path}", asset, methods=["GET"]),
]

def _document(media_type: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}


SPEC: dict[str, dict[str, Any]] = {
    "/dashboard": {"get": operation(
        "The dashboard: watch and drive the devices and the clock in a browser",
        "An HTML page (no token needed to load it; it asks for the admin token when one is set and sends it "
        "with every admin call). GET / redirects here while the admin API is on.",
        responses={"200": _document("text/html", "The page")})},
    ASSETS + "/{path}": {"get": operation(
        "The dashboard's static files (its script, style and vendored libraries)",
        parameters=[parameter("path", "path", {"type": "string"}, "e.g. app.js, vendor/README.md")],
        responses={"200": _document("text/javascript", "The file"), "404": error()})},
}
