"""The emulator's own OpenAPI 3.1 document, assembled from the route modules.

Convention: every module in :data:`emulator.api.MODULES` exports

- ``SPEC``: ``{path: {method: operation}}``, OpenAPI 3.1 Operation objects for its routes
  (path templates as in the routes, e.g. ``/app/bindings/{did}``; methods lower case);
- optionally ``SCHEMAS``: ``{name: schema}`` merged into ``components.schemas``.

Operations reference the shared pieces defined here: ``#/components/schemas/Error``
(the 9xxx body), ``#/components/responses/Error`` (any documented error), and the
security schemes ``appId`` / ``userToken``.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from ..config import API_VERSION

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error_message", "error_code", "detail_message"],
    "additionalProperties": False,
    "properties": {
        "error_message": {"type": "string"},
        "error_code": {"type": "integer", "minimum": 9000, "maximum": 9999},
        "detail_message": {"type": ["string", "null"]},
    },
}


def build_document(modules: tuple[ModuleType, ...]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for module in modules:
        for path, operations in getattr(module, "SPEC", {}).items():
            paths.setdefault(path, {}).update(operations)
        schemas.update(getattr(module, "SCHEMAS", {}))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "gizwits-emulator: Gizwits app API",
            "version": API_VERSION,
            "description": "The operations the emulator answers, with their requests, responses and 9xxx errors.",
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": schemas,
            "responses": {
                "Error": {
                    "description": "A documented Open API error (9xxx)",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
            },
            "securitySchemes": {
                "appId": {"type": "apiKey", "in": "header", "name": "X-Gizwits-Application-Id"},
                "userToken": {"type": "apiKey", "in": "header", "name": "X-Gizwits-User-token"},
            },
        },
    }
