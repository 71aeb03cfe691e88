"""The OpenAPI document stays true: every routed operation is documented, every documented
operation is routed, the document is valid OpenAPI 3.1, every operation is complete (an
operationId, a summary, tags, a success answer), and what it says about security, bodies
and errors matches what the routes do. (What the operations answer is checked against it
in ``test_openapi_answers.py``.)"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from openapi_spec_validator import validate
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from emulator.gizwits.api import ROUTE_MODULES
from emulator.gizwits.api.http import endpoint_info
from emulator.gizwits.api.openapi import (
    ERROR_CODES_KEY,
    FORM_MEDIA_TYPE,
    SECURITY,
    build_document,
    document,
    json_body,
    json_response,
    obj,
    operation,
    ref,
)
from emulator.gizwits.errors import ERRORS

#: The test control plane has its own document.
ADMIN_PREFIX = "/_emulator"
METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


def routed_operations() -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    for module in ROUTE_MODULES.modules():
        for route in module.ROUTES:
            if isinstance(route, Mount):  # static files (the docs page's assets), not operations
                continue
            assert isinstance(route, Route), f"{module.__name__}: unexpected route type {route!r}"
            if route.path.startswith(ADMIN_PREFIX):
                continue
            for method in route.methods or ():
                if method != "HEAD":  # Starlette adds HEAD to every GET
                    found[(route.path, method.lower())] = route.endpoint
    return found


def documented_operations() -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (path, method): op
        for path, item in document()["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }


def test_every_routed_operation_is_documented() -> None:
    missing = sorted(set(routed_operations()) - set(documented_operations()))
    assert not missing, f"routed but not in the OpenAPI document: {missing}"


def test_every_documented_operation_is_routed() -> None:
    extra = sorted(set(documented_operations()) - set(routed_operations()))
    assert not extra, f"documented but not routed: {extra}"


def test_the_document_is_valid_openapi_3_1() -> None:
    doc = document()
    assert doc["openapi"] == "3.1.0"
    validate(doc)


def test_operation_ids_are_unique() -> None:
    ids = [op["operationId"] for op in documented_operations().values()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize(("path", "method"), sorted(documented_operations()))
def test_every_operation_is_complete(path: str, method: str) -> None:
    op = documented_operations()[(path, method)]
    assert op["operationId"] and op["summary"] and op["tags"]
    successes = [status for status in op["responses"] if status.startswith("2")]
    assert len(successes) == 1, f"{method} {path} documents {successes}"
    for name in (p["name"] for p in op.get("parameters", ()) if p["in"] == "path"):
        assert f"{{{name}}}" in path


@pytest.mark.parametrize(("path", "method"), sorted(documented_operations()))
def test_security_and_body_match_the_route(path: str, method: str) -> None:
    op = documented_operations()[(path, method)]
    info = endpoint_info(routed_operations()[(path, method)])
    assert info is not None, f"{method} {path} is not made with emulator.gizwits.api.http.endpoint"
    assert op["security"] == SECURITY[info.auth]
    if info.body == "none":
        assert "requestBody" not in op
        return
    body = op["requestBody"]
    assert body["required"] is (info.body in ("required", "form"))
    assert list(body["content"]) == [FORM_MEDIA_TYPE if info.body == "form" else "application/json"]
    if info.body == "form":  # a urlencoded form carries text only
        schema = body["content"][FORM_MEDIA_TYPE]["schema"]
        assert all(prop.get("type") == "string" for prop in schema["properties"].values()), schema


@pytest.mark.parametrize(("path", "method"), sorted(documented_operations()))
def test_every_error_code_has_its_status_documented(path: str, method: str) -> None:
    op = documented_operations()[(path, method)]
    codes = op[ERROR_CODES_KEY]
    assert all(code in ERRORS for code in codes)
    for code in codes:
        response = op["responses"][str(ERRORS[code].status)]
        assert response["$ref"] == "#/components/responses/Error"
        assert str(code) in response["description"]


@pytest.mark.parametrize(("path", "method"), sorted(documented_operations()))
def test_every_error_response_names_its_codes(path: str, method: str) -> None:
    """Each error response lists exactly the operation's codes of its HTTP status."""
    op = documented_operations()[(path, method)]
    for status, response in op["responses"].items():
        if "$ref" not in response:
            continue
        named = [int(part.split()[0]) for part in response["description"].split("; ")]
        assert all(ERRORS[code].status == int(status) for code in named), (status, named)
        assert sorted(named) == [code for code in op[ERROR_CODES_KEY] if ERRORS[code].status == int(status)]


def test_optional_request_fields_take_null() -> None:
    """The body helpers read null as "not given": the document says so for every optional field."""
    schemas = document()["components"]["schemas"]
    assert schemas["LoginForm"]["properties"]["lang"]["type"] == ["string", "null"]
    assert schemas["LoginForm"]["properties"]["username"]["type"] == "string"
    task = schemas["SceneTaskForm"]["properties"]  # reached through SceneForm.tasks
    assert task["time"]["type"] == ["integer", "null"] and None not in task["task_type"]["enum"]  # required
    bind = document()["paths"]["/app/bind_latest"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert bind["properties"]["set_owner"]["enum"] == [0, 1, None]  # an inline request schema


def test_a_schema_is_never_both_request_and_response() -> None:
    """Request schemas are loosened (optional fields take null): sharing one with a response would loosen it too."""
    module = ModuleType("shared_schema")
    module.SCHEMAS = {"Thing": obj({"name": {"type": "string"}})}  # type: ignore[attr-defined]
    module.SPEC = {"/thing": {"put": operation(  # type: ignore[attr-defined]
        "put_thing", "Put a thing", tags=["x"], body=json_body(ref("Thing")),
        responses={200: json_response(ref("Thing"))})}}
    with pytest.raises(ValueError, match="Thing"):
        build_document([module])


def test_every_reference_resolves() -> None:
    doc = document()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            target = node.get("$ref")
            if isinstance(target, str):
                resolved: Any = doc
                for part in target.removeprefix("#/").split("/"):
                    assert part in resolved, f"unresolved {target}"
                    resolved = resolved[part]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)


def test_the_document_is_served(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == document()


def test_the_docs_page_and_its_assets_are_served_locally(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "https://" not in page.text and "http://" not in page.text
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js"):
        assert f"/docs/static/{asset}" in page.text
        assert client.get(f"/docs/static/{asset}").status_code == 200


def test_a_missing_asset_is_a_9999_error(client: TestClient) -> None:
    response = client.get("/docs/static/../../pyproject.toml")
    assert response.status_code == 404
    assert response.json()["error_code"] == 9999
