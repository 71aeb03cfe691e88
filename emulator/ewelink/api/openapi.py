"""The eWeLink API's own OpenAPI 3.1 document (``/v2/openapi.json``), assembled from the route
modules, and the one way they describe their operations.

Every module in :data:`emulator.ewelink.api.ROUTE_MODULES` exports ``SPEC``: ``{path: {method:
operation}}`` written with :func:`operation`, which takes the ``data`` schema of a success and
the codes the handler itself answers; the document adds the security the route's
``endpoint(auth=)`` asks for and the codes that implies (407/401 for Sign, 401/402 for a
token, 400 for bad input). Every answer is HTTP 200 and the envelope: ``error`` 0 with the
operation's ``data``, or one of its documented codes with ``data`` an object.
Request schemas are open (unknown fields are ignored); ``null`` counts as "not given".
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from functools import cache
from types import ModuleType
from typing import Any

from starlette.routing import Route

from ..errors import ERRORS

ERROR_CODES_KEY = "x-error-codes"
STRING: dict[str, Any] = {"type": "string"}
INTEGER: dict[str, Any] = {"type": "integer"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
OBJECT: dict[str, Any] = {"type": "object"}
NO_DATA: dict[str, Any] = {"type": "object", "maxProperties": 0}
AUTH_CODES = {"sign": (401, 407), "token": (401, 402), "either": (401, 402, 407), "none": ()}
SECURITY = {"sign": [{"sign": [], "appid": []}], "token": [{"bearer": []}],
            "either": [{"bearer": []}, {"sign": [], "appid": []}], "none": []}


def obj(properties: Mapping[str, Any], required: Iterable[str] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": dict(properties)}
    if required:
        schema["required"] = list(required)
    return schema


def array(items: Mapping[str, Any], **constraints: Any) -> dict[str, Any]:
    return {"type": "array", "items": dict(items), **constraints}


def query(name: str, schema: Mapping[str, Any], description: str = "", *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": dict(schema)}


def operation(operation_id: str, summary: str, *, tags: Iterable[str], data: Mapping[str, Any] = NO_DATA,
              body: Mapping[str, Any] | None = None, parameters: Iterable[Mapping[str, Any]] = (),
              errors: Iterable[int] = (), lines: str = "", wrapped: bool = True) -> dict[str, Any]:
    """One operation. ``data``: the success's ``data`` schema; ``errors``: codes the handler answers."""
    for code in errors:
        if code not in ERRORS:
            raise ValueError(f"{operation_id}: {code} is not an eWeLink error code")
    op: dict[str, Any] = {"operationId": operation_id, "summary": summary, "tags": list(tags)}
    if lines:
        op["description"] = f"Seed 004, lines {lines}."
    if parameters:
        op["parameters"] = [dict(p) for p in parameters]
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": dict(body)}}}
    op[ERROR_CODES_KEY] = sorted(set(errors))
    op["x-data"] = dict(data)
    op["x-wrapped"] = wrapped
    return op


def _envelope(data: Mapping[str, Any], codes: list[int]) -> dict[str, Any]:
    success = obj({"error": {"const": 0}, "msg": {"const": ""}, "data": dict(data)}, ("error", "msg", "data"))
    failure = obj({"error": {"enum": codes}, "msg": STRING, "data": OBJECT}, ("error", "msg", "data"))
    return {"oneOf": [success, failure]} if codes else success


def _nullable_optionals(schema: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(schema)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        required = set(schema.get("required", ()))
        for name, prop in properties.items():
            prop = _nullable_optionals(prop)
            if name not in required and isinstance(prop.get("type"), str):
                prop["type"] = [prop["type"], "null"]
            properties[name] = prop
    if isinstance(schema.get("items"), dict):
        schema["items"] = _nullable_optionals(schema["items"])
    return schema


def complete(op: dict[str, Any], auth: str | None, body: str | None) -> dict[str, Any]:
    op = copy.deepcopy(op)
    codes = set(op.pop(ERROR_CODES_KEY))
    data = op.pop("x-data")
    wrapped = op.pop("x-wrapped")
    if auth is not None:
        op["security"] = SECURITY[auth]
        codes.update(AUTH_CODES[auth])
    if body not in (None, "none") or op.get("parameters"):
        codes.add(400)
    if "requestBody" in op:
        media = op["requestBody"]["content"]["application/json"]
        media["schema"] = _nullable_optionals(media["schema"])
    op[ERROR_CODES_KEY] = sorted(codes)
    schema = _envelope(data, sorted(codes)) if wrapped else dict(data)
    op["responses"] = {"200": {"description": "the envelope: error 0 and data, or an error code",
                               "content": {"application/json": {"schema": schema}}}}
    return op


def build_document(modules: Iterable[ModuleType]) -> dict[str, Any]:
    infos: dict[tuple[str, str], Any] = {}
    for module in modules:
        for route in getattr(module, "ROUTES", []):
            if isinstance(route, Route):
                for method in route.methods or ():
                    infos[(route.path, method.lower())] = getattr(route.endpoint, "endpoint_info", None)
    paths: dict[str, dict[str, Any]] = {}
    for module in modules:
        for path, operations in getattr(module, "SPEC", {}).items():
            for method, op in operations.items():
                info = infos.get((path, method))
                paths.setdefault(path, {})[method] = complete(op, info.auth if info else None,
                                                              info.body if info else None)
    return {
        "openapi": "3.1.0",
        "info": {"title": "gizwits-emulator: eWeLink (CoolKit) API v2", "version": "2",
                 "description": "The eWeLink operations the emulator answers. Every answer but dispatch is the "
                                "envelope {error, msg, data} on HTTP 200; each operation lists the codes it may "
                                "answer in x-error-codes."},
        "paths": dict(sorted(paths.items())),
        "components": {"securitySchemes": {
            "sign": {"type": "apiKey", "in": "header", "name": "Authorization",
                     "description": "Sign <base64 HMAC-SHA256 of the body or sorted query, keyed with the app secret>"},
            "appid": {"type": "apiKey", "in": "header", "name": "X-CK-Appid"},
            "bearer": {"type": "http", "scheme": "bearer"},
        }},
    }


@cache
def document() -> dict[str, Any]:
    from . import ROUTE_MODULES

    return build_document(ROUTE_MODULES.modules())
