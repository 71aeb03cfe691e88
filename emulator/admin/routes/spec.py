"""Small builders for the admin API's OpenAPI operations, and the document itself.

The admin API has its own document (``GET /_emulator/openapi.json``), separate from the
emulated Gizwits API's: same error body, its own security scheme (the admin token).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from ... import __version__
from ...gizwits.api.openapi import ERROR_SCHEMA
from ..access import ADMIN_PREFIX, TOKEN_HEADER


def operation(summary: str, description: str = "", *, parameters: list[dict[str, Any]] | None = None,
              request: dict[str, Any] | None = None, responses: dict[str, Any] | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"summary": summary, "tags": ["admin"]}
    if description:
        item["description"] = description
    if parameters:
        item["parameters"] = parameters
    if request:
        item["requestBody"] = request
    item["responses"] = responses or {"200": json_body("OK", {"type": "object"})}
    return item


def parameter(name: str, where: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {"name": name, "in": where, "required": where == "path", "schema": schema, "description": description}


def body(schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def json_body(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error() -> dict[str, Any]:
    return {"$ref": "#/components/responses/Error"}


def build_admin_document(modules: tuple[ModuleType, ...]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for module in modules:
        for path, operations in module.SPEC.items():
            paths.setdefault(ADMIN_PREFIX + path, {}).update(operations)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "gizwits-emulator: admin API (test control plane)",
            "version": __version__,
            "description": "Reset and seed state, drive the clock and the devices, inject faults, read the "
                           "request journal and the outbox. Not part of the Gizwits API.",
        },
        "paths": dict(sorted(paths.items())),
        "security": [{}, {"adminToken": []}],
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "responses": {"Error": {
                "description": "Bad input (9015), unknown device (9014) or unknown rule (9999)",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }},
            "securitySchemes": {"adminToken": {"type": "apiKey", "in": "header", "name": TOKEN_HEADER}},
        },
    }
