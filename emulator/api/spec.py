"""Small builders for the OpenAPI operations route modules export in ``SPEC`` (see :mod:`.openapi`).

An operation lists the 9xxx codes it can answer (``x-error-codes``); each distinct HTTP
status of those codes becomes a response referencing ``#/components/responses/Error``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ERRORS

ERROR_REF = "#/components/responses/Error"
#: Errors any authenticated call can answer: unknown app id, bad or expired token, bad form.
USER_ERRORS = (9003, 9004, 9006, 9015)
SECURITY = {
    "none": [],
    "app": [{"appId": []}],
    "user": [{"appId": [], "userToken": []}],
}


STRING: dict[str, Any] = {"type": "string"}
INTEGER: dict[str, Any] = {"type": "integer"}
DATE_TIME: dict[str, Any] = {"type": "string", "format": "date-time"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def array(items: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": dict(items)}


def obj(properties: Mapping[str, Any], required: Iterable[str] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": dict(properties)}
    if required:
        schema["required"] = list(required)
    return schema


def path_param(name: str, description: str, schema: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": dict(schema or {"type": "string"})}


def query_param(name: str, description: str, schema: Mapping[str, Any], *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": dict(schema)}


PAGING = (
    query_param("limit", "how many items to return", {"type": "integer", "minimum": 0, "default": 20}),
    query_param("skip", "how many items to skip", {"type": "integer", "minimum": 0, "default": 0}),
)


def json_content(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": dict(schema)}}


def operation(summary: str, *, tag: str, ok: Mapping[str, Any], status: int = 200, auth: str = "user",
              description: str | None = None, parameters: Iterable[Mapping[str, Any]] = (),
              body: Mapping[str, Any] | None = None, body_type: str = "application/json",
              errors: Iterable[int] = (), ok_description: str = "success",
              ok_type: str = "application/json") -> dict[str, Any]:
    """One OpenAPI operation: its success response (``ok`` schema) and its documented errors."""
    codes = sorted({*(USER_ERRORS if auth == "user" else (9003,) if auth == "app" else ()), *errors})
    if body is not None and 9015 not in codes:
        codes = sorted({*codes, 9015})
    responses: dict[str, Any] = {str(status): {"description": ok_description,
                                               "content": {ok_type: {"schema": dict(ok)}}}}
    by_status: dict[int, list[int]] = {}
    for code in codes:
        by_status.setdefault(ERRORS[code].status, []).append(code)
    for http_status, group in sorted(by_status.items()):
        responses[str(http_status)] = {"$ref": ERROR_REF, "description": ", ".join(map(str, group))}
    op: dict[str, Any] = {"summary": summary, "tags": [tag], "security": SECURITY[auth]}
    if description:
        op["description"] = description
    if parameters:
        op["parameters"] = [dict(p) for p in parameters]
    if body is not None:
        op["requestBody"] = {"required": True, "content": {body_type: {"schema": dict(body)}}}
    op["responses"] = responses
    op["x-error-codes"] = codes
    return op
