"""The OpenAPI of the automation routes is complete, valid, and says what the routes answer.

Every route of the groups, rules, scenes, schedulers, aggregation and device-side modules
has an operation and every operation a route; the assembled document validates as OpenAPI
3.1; and one call of each operation, on the demo account, answers a body that validates
against the documented schema for its status.
"""

from __future__ import annotations

import base64
from typing import Any

import jsonschema
import pytest
from clocked import PILOTE2_PK, T0, cloud_at
from conftest import assert_error
from openapi_spec_validator import validate
from starlette.routing import Route
from starlette.testclient import TestClient

from emulator.api import aggregation, common_scheduler, device_side, groups, legacy_scheduler, rules, scenes
from emulator.api.openapi import build_document
from emulator.cloud.cloud import Cloud

MODULES = (groups, rules, scenes, common_scheduler, legacy_scheduler, aggregation, device_side)
DOCUMENT = build_document(MODULES)


@pytest.fixture
def cloud() -> Cloud:
    return cloud_at(T0)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_route_has_an_operation_and_every_operation_a_route(module: Any) -> None:
    routed = {(route.path, method.lower()) for route in module.ROUTES if isinstance(route, Route)
              for method in route.methods or () if method != "HEAD"}
    documented = {(path, method) for path, operations in module.SPEC.items() for method in operations}
    assert routed == documented


def test_the_document_is_valid_openapi() -> None:
    validate(DOCUMENT)


def check(response: Any, path: str, method: str) -> None:
    """The response's body validates against the schema documented for its status."""
    documented = DOCUMENT["paths"][path][method]["responses"][str(response.status_code)]
    if "$ref" in documented:
        documented = DOCUMENT["components"]["responses"]["Error"]
    (media_type, content), = documented["content"].items()
    body = response.json() if media_type == "application/json" else response.text
    schema = {**content["schema"], "components": DOCUMENT["components"]}
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


def test_each_operation_answers_what_it_documents(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                  demo_dids: dict[str, str]) -> None:
    pilote, pro = demo_dids["Pilote2"], demo_dids["Pilote_Pro"]
    seen: set[tuple[str, str]] = set()

    def call(method: str, path: str, url: str | None = None, status: int = 200, **kwargs: Any) -> Any:
        kwargs.setdefault("headers", demo)
        response = client.request(method, url or path, **kwargs)
        assert response.status_code == status, response.text
        check(response, path, method.lower())
        seen.add((path, method.lower()))
        return response

    group_id = call("POST", "/app/group", status=201, json={"group_name": "Salon"}).json()["id"]
    call("GET", "/app/group")
    call("PUT", "/app/group/{id}", f"/app/group/{group_id}", json={"group_name": "Séjour"})
    call("POST", "/app/group/{id}/devices", f"/app/group/{group_id}/devices?show_detail=1",
         json={"dids": [pilote, "nope"]})
    call("GET", "/app/group/{id}/devices", f"/app/group/{group_id}/devices")
    call("POST", "/app/group/{id}/control", f"/app/group/{group_id}/control", json={"attrs": {"mode": "eco"}})
    call("DELETE", "/app/group/{id}/devices", f"/app/group/{group_id}/devices", json={"dids": [pilote]})

    call("GET", "/app/rules/params", f"/app/rules/params?product_key={PILOTE2_PK}")
    rule = {"product_key": PILOTE2_PK, "did": pilote, "input": [{"did": pilote, "prefix": "p"}],
            "condition": [[{"left": "p.mode", "opt": "==", "right": 1}]],
            "output": [[{"type": "delay", "delay": 1}, {"type": "devctrl", "did": pro, "attrs": {"mode": "eco"}}]]}
    rule_id = call("POST", "/app/rules", json=rule).json()["rule_id"]
    call("GET", "/app/rules")
    call("PUT", "/app/rules/{rule_id}", f"/app/rules/{rule_id}", json=rule)

    scene = {"scene_name": "Nuit", "tasks": [
        {"task_type": "device", "did": pilote, "attrs": {"mode": 2}}, {"task_type": "delay", "time": 5},
        {"task_type": "group", "group_id": group_id, "raw": base64.b64encode(b"\x01").decode()}]}
    scene_id = call("POST", "/app/scene", status=201, json=scene).json()["id"]
    call("GET", "/app/scene")
    call("PUT", "/app/scene/{id}", f"/app/scene/{scene_id}", json={"remark": "r"})
    call("POST", "/app/scene/{id}/task", f"/app/scene/{scene_id}/task")
    call("GET", "/app/scene/{id}/task", f"/app/scene/{scene_id}/task")

    timing = {"time": "05:00", "repeat": "none", "date": "2024-09-25"}
    task_id = call("POST", "/app/common_scheduler", status=201, json={**timing, "scene_id": scene_id}).json()["id"]
    call("POST", "/app/common_scheduler", status=201, json={**timing, "did": pilote, "raw": "0102"})
    call("GET", "/app/common_scheduler")
    call("PUT", "/app/common_scheduler/{id}", f"/app/common_scheduler/{task_id}", json={"enabled": False})
    call("DELETE", "/app/common_scheduler/{id}", f"/app/common_scheduler/{task_id}")

    legacy = call("POST", "/app/scheduler", status=201,
                  json={**timing, "task": [{"did": pilote, "attrs": {"mode": "fro"}}], "retry_count": 1}).json()["id"]
    cloud.advance(3600)
    call("GET", "/app/scheduler")
    call("GET", "/app/scheduler/{id}/logs", f"/app/scheduler/{legacy}/logs")
    call("DELETE", "/app/scheduler/{id}", f"/app/scheduler/{legacy}")

    call("GET", "/app/devdata/{did}/agg_data", f"/app/devdata/{pro}/agg_data",
         params={"start_ts": 0, "attrs": "cur_temp", "aggregator": "max", "unit": "DAYS"})

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    did = call("POST", "/dev/devices", status=201, headers=form,
               data={"product_key": PILOTE2_PK, "mac": "001122334455", "passcode": "PASSCODE"}).text[4:]
    call("GET", "/dev/devices/{did}", f"/dev/devices/{did}")
    call("DELETE", "/dev/devices", status=200, headers=form, content=f"did={did}&passcode=PASSCODE")
    call("POST", "/dev/{product_key}/device", f"/dev/{PILOTE2_PK}/device", status=400, headers=form,
         data={"data": "00"})
    call("DELETE", "/app/rules/{rule_id}", f"/app/rules/{rule_id}")
    call("DELETE", "/app/scene/{id}", f"/app/scene/{scene_id}")
    call("DELETE", "/app/group/{id}", f"/app/group/{group_id}")

    assert seen == {(path, method) for path, operations in DOCUMENT["paths"].items() for method in operations}


def test_errors_have_the_documented_status(client: TestClient, demo: dict[str, str]) -> None:
    """A 9220 answers 404 and the operation documents a 404 error response."""
    response = client.get("/app/scene/nope/task", headers=demo)
    assert_error(response, 9220, 404)
    check(response, "/app/scene/{id}/task", "get")
    assert 9220 in DOCUMENT["paths"]["/app/scene/{id}/task"]["get"]["x-error-codes"]


USER_OPERATIONS = sorted((path, method) for path, operations in DOCUMENT["paths"].items()
                         for method, operation in operations.items() if operation["security"])


@pytest.mark.parametrize("path, method", USER_OPERATIONS, ids=[f"{m} {p}" for p, m in USER_OPERATIONS])
def test_user_operations_need_an_app_id_and_a_live_token(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                         path: str, method: str) -> None:
    url = path.replace("{id}", "x").replace("{did}", "x").replace("{rule_id}", "1")
    assert_error(client.request(method, url, json={}), 9003, 400)
    assert_error(client.request(method, url, headers={"X-Gizwits-Application-Id": demo["X-Gizwits-Application-Id"]},
                                json={}), 9004, 400)
    cloud.advance(8 * 86400)
    assert_error(client.request(method, url, headers=demo, json={}), 9006, 400)
