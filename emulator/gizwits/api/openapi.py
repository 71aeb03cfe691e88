"""The emulator's own OpenAPI 3.1 document, assembled from the route modules, and the one
way route modules describe their operations.

Convention: every module in :data:`emulator.gizwits.api.ROUTE_MODULES` exports

- ``SPEC``: ``{path: {method: operation}}``, OpenAPI 3.1 Operation objects for its routes
  (path templates as in the routes, e.g. ``/app/bindings/{did}``; methods lower case),
  each written with :func:`operation`;
- optionally ``SCHEMAS``: ``{name: schema}`` merged into ``components.schemas``.

Operations reference the shared pieces defined here: ``#/components/schemas/Error``
(the 9xxx body), ``#/components/responses/Error`` (any documented error), and the
security schemes ``appId`` / ``userToken``.

Writing an operation is mechanical with :func:`operation` and the small helpers below:
give its operationId, summary, parameters, body (:func:`json_body`, or :func:`form_body`
for the urlencoded forms devices send), success responses (:func:`json_response`,
:func:`text_response`) and the 9xxx codes the handler itself raises (``errors=(9014,
9017)``). :func:`build_document` completes the rest from what
:func:`~emulator.gizwits.api.http.endpoint` was told (``auth=``/``body=``): the security
requirement, the codes every such route may answer (9003 for a missing or unknown app
id; 9004/9006 for a bad or expired token; 9015 for a bad body or query) and one error
response per HTTP status those codes use (the status comes from the 9xxx table, so it
is written once). The codes stay readable in each operation as ``x-error-codes``.

Request and response schemas are kept apart (a schema is never both): request objects
are open (:func:`form`; unknown fields are ignored, as by the real cloud) and their
optional fields also take ``null`` (read as "not given" by every body helper, added
here to every schema a request body reaches); response objects are closed (:func:`obj`)
and list every key the handler always writes as required.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from functools import cache
from types import ModuleType
from typing import Any

from starlette.routing import Route

from ...config import API_VERSION
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
SCHEMA_REF = "#/components/schemas/"


# -- helpers for writing schemas ------------------------------------------------------------
STRING: dict[str, Any] = {"type": "string"}
INTEGER: dict[str, Any] = {"type": "integer"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
NULLABLE_STRING: dict[str, Any] = {"type": ["string", "null"]}
#: A time as groups, scenes, sharing records and messages write it: ``2024-09-25T04:43:47Z`` (UTC).
UTC_Z: dict[str, Any] = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"}
#: A time as scheduler tasks and their logs write it: ``2017-09-26T06:36:47`` (UTC, no zone).
UTC_NAIVE: dict[str, Any] = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$"}
#: Text the body helpers accept: no NUL character.
NO_NUL = "^[^\\x00]*$"
#: Text that is not empty nor only blanks (``text(..., allow_empty=False)``), and has no NUL.
NOT_BLANK = "^[^\\x00]*[^\\x00\\s][^\\x00]*$"


def ref(name: str) -> dict[str, str]:
    """A reference to ``components.schemas[name]``."""
    return {"$ref": SCHEMA_REF + name}


def text_field(max_length: int, description: str = "", *, blank: bool = True) -> dict[str, Any]:
    """A string as :func:`~emulator.gizwits.api.http.text` checks it: at most ``max_length``, no NUL
    (``blank=False``: not empty nor only white space, as ``allow_empty=False``)."""
    schema: dict[str, Any] = {"type": "string", "maxLength": max_length, "pattern": NO_NUL if blank else NOT_BLANK}
    if not blank:
        schema["minLength"] = 1
    if description:
        schema["description"] = description
    return schema


def array(items: Mapping[str, Any], **constraints: Any) -> dict[str, Any]:
    return {"type": "array", "items": dict(items), **constraints}


def obj(properties: Mapping[str, Any], required: Iterable[str] = (), *, description: str = "") -> dict[str, Any]:
    """A response object: exactly these keys (``required``: those always present)."""
    schema: dict[str, Any] = {"type": "object"}
    if description:
        schema["description"] = description
    if required:
        schema["required"] = list(required)
    schema["additionalProperties"] = False
    schema["properties"] = dict(properties)
    return schema


def form(properties: Mapping[str, Any], required: Iterable[str] = (), *, description: str = "",
         example: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A request object: these fields (``required`` must be given); other fields are ignored."""
    schema: dict[str, Any] = {"type": "object"}
    if description:
        schema["description"] = description
    if example is not None:
        schema["examples"] = [dict(example)]
    if required:
        schema["required"] = list(required)
    schema["properties"] = dict(properties)
    return schema


# -- helpers for writing operations ---------------------------------------------------------
#: The media type of the forms devices send (``endpoint(body="form")``).
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


def json_response(schema: Mapping[str, Any], description: str = "success") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": dict(schema)}}}


def text_response(description: str, media_type: str = "text/plain") -> dict[str, Any]:
    """A success answer that is text, not JSON (device-side routes, the captcha image)."""
    return {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}


def json_body(schema: Mapping[str, Any], *, required: bool = True, description: str | None = None) -> dict[str, Any]:
    """A JSON request body. (Clients may send it as ``text/plain``: the emulator parses any content type.)"""
    body: dict[str, Any] = {"required": required, "content": {"application/json": {"schema": dict(schema)}}}
    if description:
        body["description"] = description
    return body


def form_body(schema: Mapping[str, Any], *, description: str | None = None) -> dict[str, Any]:
    """An ``application/x-www-form-urlencoded`` body (``endpoint(body="form")``): every field is a string."""
    body: dict[str, Any] = {"required": True, "content": {FORM_MEDIA_TYPE: {"schema": dict(schema)}}}
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


def paging_params(default_limit: int = 20, *, min_limit: int = 0) -> list[dict[str, Any]]:
    """``limit`` and ``skip``, as ``Call.query_int`` reads them (non-negative integers;
    ``min_limit=1`` for the paged ``meta``/``objects`` lists)."""
    return [
        query_param("limit", "how many items to return",
                    {"type": "integer", "minimum": min_limit, "default": default_limit}),
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

    The body helpers (``field``, ``text`` ... in :mod:`emulator.gizwits.api.http`) read ``null`` as
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


def _refs(node: Any) -> set[str]:
    """Names of the ``components.schemas`` that ``node`` references directly."""
    if isinstance(node, Mapping):
        target = node.get("$ref")
        found = {target.rsplit("/", 1)[1]} if isinstance(target, str) and target.startswith(SCHEMA_REF) else set()
        return found.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(value) for value in node))
    return set()


def _reachable(roots: Iterable[Any], schemas: Mapping[str, Any]) -> set[str]:
    """Names of the schemas ``roots`` reference, directly or through other schemas."""
    todo = set().union(*(_refs(root) for root in roots))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo |= _refs(schemas.get(name, {})) - seen
    return seen


def _json_request_media(paths: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [op["requestBody"]["content"]["application/json"] for item in paths.values() for op in item.values()
            if "application/json" in op.get("requestBody", {}).get("content", {})]


def _request_schemas_take_null(paths: dict[str, dict[str, Any]], schemas: dict[str, Any]) -> None:
    """Every optional field of every JSON request body takes ``null`` (inline and referenced schemas)."""
    media = _json_request_media(paths)
    requested = _reachable((m["schema"] for m in media), schemas)
    answered = _reachable((op["responses"] for item in paths.values() for op in item.values()), schemas)
    shared = requested & answered - {"Error"}
    if shared:
        raise ValueError(f"schemas used both in requests and in responses: {sorted(shared)}")
    for item in media:
        item["schema"] = optional_fields_take_null(item["schema"])
    for name in requested:
        schemas[name] = optional_fields_take_null(schemas[name])


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
    _request_schemas_take_null(paths, schemas)
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
    """The document of every module of :data:`emulator.gizwits.api.ROUTE_MODULES` (built once; read-only)."""
    from . import ROUTE_MODULES

    return build_document(ROUTE_MODULES.modules())
