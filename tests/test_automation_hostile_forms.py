"""Arbitrary JSON in the nested automation forms (rules, scenes, schedulers, groups) never
breaks the emulator: each answer is a success or a 9xxx error the operation documents, and
a refused form leaves the state as it was."""

from __future__ import annotations

from typing import Any

import pytest
from clocked import T0, cloud_at
from conftest import login, user_headers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from emulator.app import create_app
from emulator.gizwits.api.openapi import document
from emulator.gizwits.errors import ERRORS

CLOUD = cloud_at(T0)
CLIENT = TestClient(create_app(cloud=CLOUD), raise_server_exceptions=False)
HEADERS = user_headers(login(CLIENT)["token"])
DEVICES = [(d["did"], d["product_key"]) for d in CLIENT.get("/app/bindings", headers=HEADERS).json()["devices"]]
DIDS = [did for did, _ in DEVICES]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12), st.sampled_from(DIDS),
                    st.sampled_from(["p.mode", "'fro'", "0x1F", "eco"]))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                           max_leaves=12)
containers = st.one_of(st.lists(scalars, max_size=2), st.dictionaries(st.text(max_size=3), scalars, max_size=2))
condition = st.fixed_dictionaries({"left": json_values, "opt": st.one_of(st.sampled_from(["==", ">"]), containers),
                                   "right": json_values})
output = st.fixed_dictionaries({"type": st.one_of(st.sampled_from(["devctrl", "delay"]), containers),
                                "did": st.sampled_from(DIDS),
                                "attrs": json_values, "raw": json_values, "delay": json_values})
rule_forms = st.sampled_from(DEVICES).flatmap(lambda main: st.fixed_dictionaries({
    "product_key": st.sampled_from([main[1], main[1], "x"]), "did": st.just(main[0]),
    "event": st.one_of(st.just("data"), json_values),
    "input": st.lists(st.fixed_dictionaries({"did": st.sampled_from(DIDS), "prefix": st.sampled_from(["p", "1", ""])}),
                      max_size=2),
    "condition": st.one_of(json_values, st.lists(st.lists(condition, max_size=2), max_size=2)),
    "output": st.one_of(json_values, st.lists(st.lists(output, max_size=3), max_size=2)),
}))
scene_tasks = st.lists(st.fixed_dictionaries({
    "task_type": st.one_of(st.sampled_from(["device", "group", "delay"]), containers), "did": st.sampled_from(DIDS),
    "group_id": json_values, "time": json_values, "attrs": json_values, "raw": json_values}), max_size=3)
OPERATIONS: list[tuple[str, str, Any]] = [
    ("POST", "/app/rules", rule_forms),
    ("POST", "/app/scene", st.fixed_dictionaries({"scene_name": json_values, "tasks": scene_tasks})),
    ("POST", "/app/common_scheduler", st.dictionaries(
        st.sampled_from(["did", "group_id", "scene_id", "time", "repeat", "date", "days", "attrs", "raw", "enabled"]),
        json_values)),
    ("POST", "/app/scheduler", st.dictionaries(st.sampled_from(["time", "repeat", "date", "task", "retry_count",
                                                                "retry_task"]), json_values)),
    ("POST", "/app/group", st.dictionaries(st.sampled_from(["group_name", "product_key", "multicast_id"]),
                                           json_values)),
]


@pytest.mark.parametrize("method, path, forms", OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_form_gets_a_documented_answer_and_a_refusal_changes_nothing(method: str, path: str, forms: Any,
                                                                         data: st.DataObject) -> None:
    body = data.draw(forms)
    before = CLOUD.snapshot()["stores"]
    response = CLIENT.request(method, path, headers=HEADERS, json=body)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        error = response.json()
        assert set(error) == {"error_message", "error_code", "detail_message"}
        assert ERRORS[error["error_code"]].status == response.status_code
        assert error["error_code"] in document()["paths"][path][method.lower()]["x-error-codes"], error
        assert CLOUD.snapshot()["stores"] == before
