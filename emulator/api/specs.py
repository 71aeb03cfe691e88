"""Building blocks for the ``SPEC`` a route module exports (see :mod:`.openapi`).

:func:`operation` writes one OpenAPI 3.1 operation: the security its ``auth`` implies,
parameters, body, the success response, and the documented 9xxx errors grouped by HTTP
status, each referencing ``#/components/responses/Error`` with the codes listed. The
errors every caller can meet (9003 for the application id; 9004/9006 for the user token;
9015 for the form) are added from ``auth`` and ``body``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ..errors import ERRORS

ERROR_RESPONSE = "#/components/responses/Error"
SECURITY = {"none": [], "app": [{"appId": []}], "user": [{"appId": [], "userToken": []}]}
STRING: dict[str, Any] = {"type": "string"}
INTEGER: dict[str, Any] = {"type": "integer"}
NULLABLE_STRING: dict[str, Any] = {"type": ["string", "null"]}
EMPTY_OBJECT: dict[str, Any] = {"type": "object", "additionalProperties": False}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Any], *, required: Iterable[str] = (), closed: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


def query(name: str, schema: dict[str, Any], description: str, *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


def path(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema or STRING}


def header(name: str, description: str, *, required: bool = True) -> dict[str, Any]:
    return {"name": name, "in": "header", "required": required, "description": description, "schema": STRING}


def error_responses(codes: Iterable[int]) -> dict[str, Any]:
    by_status: dict[int, list[int]] = defaultdict(list)
    for code in sorted(set(codes)):
        by_status[ERRORS[code].status].append(code)
    return {
        str(status): {"$ref": ERROR_RESPONSE,
                      "description": "; ".join(f"{c} {ERRORS[c].message}" for c in found)}
        for status, found in sorted(by_status.items())
    }


def operation(summary: str, *, tag: str, auth: str = "user", description: str = "",
              parameters: Iterable[dict[str, Any]] = (), body: dict[str, Any] | None = None,
              status: int = 200, response: dict[str, Any] | None = None, response_description: str = "success",
              media_type: str = "application/json", errors: Iterable[int] = ()) -> dict[str, Any]:
    """One operation. ``response`` is the JSON schema of the success body (None: no body)."""
    codes = set(errors)
    if auth != "none":
        codes.add(9003)
    if auth == "user":
        codes.update((9004, 9006))
    success: dict[str, Any] = {"description": response_description}
    if response is not None:
        success["content"] = {media_type: {"schema": response}}
    op: dict[str, Any] = {"summary": summary, "tags": [tag], "security": SECURITY[auth]}
    if description:
        op["description"] = description
    if parameters:
        op["parameters"] = list(parameters)
    if body is not None:
        codes.add(9015)
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    op["responses"] = {str(status): success, **error_responses(codes)}
    return op
