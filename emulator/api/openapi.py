"""The emulator's own OpenAPI 3.1 document, assembled from the route modules.

Convention: every module in :data:`emulator.api.MODULES` exports

- ``SPEC``: ``{path: {method: operation}}``, OpenAPI 3.1 Operation objects for its routes
  (path templates as in the routes, e.g. ``/app/bindings/{did}``; methods lower case);
- optionally ``SCHEMAS``: ``{name: schema}`` merged into ``components.schemas``.

Operations reference the shared pieces defined here: ``#/components/schemas/Error``
(the 9xxx body), ``#/components/responses/Error`` (any documented error), and the
security schemes ``appId`` / ``userToken``.

Writing an operation is mechanical with :func:`operation` and the small helpers below:
give its summary, parameters, body, success responses and the 9xxx codes the handler
itself raises (``errors=(9014, 9017)``). :func:`build_document` completes the rest from
what :func:`~emulator.api.http.endpoint` was told (``auth=``/``body=``): the security
requirement, the codes every such route may answer (9003 for a missing or unknown app
id; 9004/9006 for a bad or expired token; 9015 for a bad body or query) and one error
response per HTTP status those codes use (the status comes from the 9xxx table, so it
is written once). The codes stay readable in each operation as ``x-error-codes``. In
request bodies, optional fields also take ``null`` (read as "not given" by every body
helper), added here to every request schema.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from functools import cache
from types import ModuleType
from typing import Any

from starlette.routing import Route

from ..config import API_VERSION
from ..errors import ERRORS
from .http import endpoint_info

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

#: The body ``{}`` that several operations answer.
EMPTY_SCHEMA: dict[str, Any] = {"type": "object", "maxProperties": 0}

#: Codes a route may answer because of its ``auth=`` level, before anything of its own.
AUTH_ERRORS: dict[str, tuple[int, ...]] = {"none": (), "app": (9003,), "user": (9003, 9004, 9006)}
#: Security requirement of each ``auth=`` level.
SECURITY: dict[str, list[dict[str, list[str]]]] = {
    "none": [],
    "app": [{"appId": []}],
    "user": [{"appId": [], "userToken": []}],
}
ERROR_CODES_KEY = "x-error-codes"


# -- helpers for writing operations ---------------------------------------------------------
def ref(name: str) -> dict[str, str]:
    """A reference to ``components.schemas[name]``."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(schema: Mapping[str, Any], description: str = "success") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": dict(schema)}}}


def json_body(schema: Mapping[str, Any], *, required: bool = True, description: str | None = None) -> dict[str, Any]:
    """A JSON request body. (Clients may send it as ``text/plain``: the emulator parses any content type.)"""
    body: dict[str, Any] = {"required": required, "content": {"application/json": {"schema": dict(schema)}}}
    if description:
        body["description"] = description
    return body


def path_param(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", **schema}}


def query_param(name: str, description: str, schema: Mapping[str, Any], *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": dict(schema)}


def header_param(name: str, description: str, *, required: bool, schema: Mapping[str, Any] | None = None
                 ) -> dict[str, Any]:
    return {"name": name, "in": "header", "required": required, "description": description,
            "schema": dict(schema or {"type": "string"})}


def paging_params(default_limit: int = 20) -> list[dict[str, Any]]:
    """``limit`` and ``skip``, as ``Call.query_int`` reads them (non-negative integers)."""
    return [
        query_param("limit", "how many items to return", {"type": "integer", "minimum": 0, "default": default_limit}),
        query_param("skip", "how many items to skip", {"type": "integer", "minimum": 0, "default": 0}),
    ]


def flag_param(name: str, description: str) -> dict[str, Any]:
    """A 0/1 query flag, as ``Call.query_flag`` reads it."""
    return query_param(name, description, {"type": "integer", "enum": [0, 1], "default": 0})


def operation(operation_id: str, summary: str, *, tags: Iterable[str], responses: Mapping[int | str, Any],
              errors: Iterable[int] = (), parameters: Iterable[Mapping[str, Any]] = (),
              body: Mapping[str, Any] | None = None, description: str | None = None) -> dict[str, Any]:
    """One OpenAPI operation. ``errors``: the 9xxx codes the handler raises itself."""
    for code in errors:
        if code not in ERRORS:
            raise ValueError(f"{operation_id}: {code} is not in the 9xxx table")
    op: dict[str, Any] = {"operationId": operation_id, "summary": summary, "tags": list(tags)}
    if description:
        op["description"] = description
    if parameters:
        op["parameters"] = [dict(p) for p in parameters]
    if body is not None:
        op["requestBody"] = dict(body)
    op["responses"] = {str(status): dict(item) for status, item in responses.items()}
    op[ERROR_CODES_KEY] = sorted(set(errors))
    return op


# -- assembling the document -----------------------------------------------------------------
def error_responses(codes: Iterable[int]) -> dict[str, dict[str, Any]]:
    """One ``#/components/responses/Error`` per HTTP status used by ``codes``, saying which codes."""
    by_status: dict[int, list[int]] = {}
    for code in sorted(set(codes)):
        by_status.setdefault(ERRORS[code].status, []).append(code)
    return {
        str(status): {
            "$ref": "#/components/responses/Error",
            "description": "; ".join(f"{code} {ERRORS[code].message}" for code in group),
        }
        for status, group in sorted(by_status.items())
    }


def route_infos(modules: Iterable[ModuleType]) -> dict[tuple[str, str], Any]:
    """``(path, method) -> EndpointInfo`` of every routed operation (HEAD, added by Starlette, left out)."""
    infos: dict[tuple[str, str], Any] = {}
    for module in modules:
        for route in getattr(module, "ROUTES", []):
            if not isinstance(route, Route):
                continue
            for method in route.methods or ():
                if method != "HEAD":
                    infos[(route.path, method.lower())] = endpoint_info(route.endpoint)
    return infos


def complete_operation(op: dict[str, Any], info: Any) -> dict[str, Any]:
    """Add what the route's ``endpoint(auth=, body=)`` implies: security, base error codes, error responses."""
    op = copy.deepcopy(op)
    codes = set(op.get(ERROR_CODES_KEY, ()))
    if info is not None:
        op.setdefault("security", SECURITY[info.auth])
        codes.update(AUTH_ERRORS[info.auth])
        if info.body != "none":
            codes.add(9015)
    if any(p.get("in") == "query" for p in op.get("parameters", ())):
        codes.add(9015)
    op[ERROR_CODES_KEY] = sorted(codes)
    responses = op.setdefault("responses", {})
    for status, item in error_responses(codes).items():
        responses.setdefault(status, item)
    return op


def nullable(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` that also accepts ``null``."""
    schema = dict(schema)
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    if "oneOf" in schema:
        return {**schema, "oneOf": [*schema["oneOf"], {"type": "null"}]}
    kind = schema.get("type")
    if isinstance(kind, str) and kind != "null":
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        schema["type"] = [*kind, "null"]
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    return schema


def optional_fields_take_null(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A request body schema where every optional property (at any depth) also takes ``null``.

    The body helpers (``field``, ``text`` ... in :mod:`emulator.api.http`) read ``null`` as
    "not given", so the document says so once here instead of in every schema.
    """
    schema = dict(schema)
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        required = set(schema.get("required", ()))
        schema["properties"] = {
            name: optional_fields_take_null(prop) if name in required else nullable(optional_fields_take_null(prop))
            for name, prop in properties.items()
        }
    if isinstance(schema.get("items"), Mapping):
        schema["items"] = optional_fields_take_null(schema["items"])
    return schema


def _request_schema_names(paths: Mapping[str, Mapping[str, Any]]) -> set[str]:
    names = set()
    for item in paths.values():
        for op in item.values():
            for media in op.get("requestBody", {}).get("content", {}).values():
                target = media.get("schema", {}).get("$ref", "")
                if target.startswith("#/components/schemas/"):
                    names.add(target.rsplit("/", 1)[1])
    return names


def build_document(modules: Iterable[ModuleType]) -> dict[str, Any]:
    modules = tuple(modules)
    infos = route_infos(modules)
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA, "Empty": EMPTY_SCHEMA}
    for module in modules:
        for path, operations in getattr(module, "SPEC", {}).items():
            for method, op in operations.items():
                paths.setdefault(path, {})[method] = complete_operation(op, infos.get((path, method)))
        schemas.update(copy.deepcopy(getattr(module, "SCHEMAS", {})))
    for name in _request_schema_names(paths):
        schemas[name] = optional_fields_take_null(schemas[name])
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "gizwits-emulator: Gizwits app API",
            "version": API_VERSION,
            "description": (
                "The operations the emulator answers, with their requests, responses and 9xxx errors. "
                "Every error body is `{error_message, error_code, detail_message}`; each operation lists "
                "the codes it may answer in `x-error-codes`. JSON bodies are accepted with any content "
                "type (real clients send `text/plain`)."
            ),
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


@cache
def document() -> dict[str, Any]:
    """The document of every module in :data:`emulator.api.MODULES` (built once; treat it as read-only)."""
    from . import MODULES

    return build_document(MODULES)
