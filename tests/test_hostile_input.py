"""Hostile input: every bad request gets a documented 9xxx error and changes nothing.

Each case compares the whole cloud state (``cloud.snapshot()``) before and after. The
wrong-type cases are derived from the OpenAPI document: every property of every JSON
request body is sent with values of the wrong JSON types, so new operations are covered
as soon as they are documented and have a valid example body below.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import assert_error
from starlette.testclient import TestClient

from emulator.api.openapi import document
from emulator.cloud.cloud import Cloud
from emulator.errors import ERRORS

#: A value of each JSON type, and which schema types it satisfies.
WRONG_VALUES: list[tuple[Any, set[str]]] = [
    (12345, {"integer", "number"}),
    (1.5, {"number"}),
    (True, {"boolean"}),
    ("text", {"string"}),
    (["x"], {"array"}),
    ({"x": 1}, {"object"}),
]


def state(cloud: Cloud) -> dict[str, Any]:
    return cloud.snapshot()["stores"]


def unchanged(cloud: Cloud, request: Callable[[], Any]) -> Any:
    """Send the request; assert the cloud is exactly as before; return the response."""
    before = state(cloud)
    response = request()
    assert state(cloud) == before, "a refused request changed the cloud"
    return response


def assert_documented_error(response: Any, path: str, method: str) -> None:
    body = response.json()
    assert set(body) == {"error_message", "error_code", "detail_message"}, body
    code = body["error_code"]
    assert response.status_code == ERRORS[code].status
    op = document()["paths"][path][method]
    assert code in op["x-error-codes"], f"{code} is not documented for {method.upper()} {path}"


# -- wrong types at every field ----------------------------------------------------------------
def valid_bodies(did: str) -> dict[str, dict[str, Any]]:
    """A body each operation accepts (by operationId); every field of it gets mutated."""
    task = {"time": "05:30", "repeat": "mon", "date": "2030-01-01", "days": [1], "start_date": "2030-01-01",
            "end_date": "2030-12-31", "enabled": True, "remark": "r", "attrs": {"mode": 1}, "raw": "01"}
    return {
        "login": {"username": "demo@heatzy.test", "password": "heatzy-demo", "lang": "en"},
        "create_user": {"username": "newcomer", "password": "secret", "lang": "en"},
        "update_user": {"name": "n", "address": "a", "lang": "en", "remark": "r", "gender": "F",
                        "birthday": "01-02"},
        "reset_password": {"email": "demo@heatzy.test"},
        "delete_bindings": {"devices": [{"did": did}]},
        "update_binding": {"remark": "r", "dev_alias": "a", "dev_label": ["l"]},
        "control": {"attrs": {"mode": "eco"}},
        "create_task": task,
        "update_task": task,
    }


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        return dict(document()["components"]["schemas"][ref.rsplit("/", 1)[1]])
    return schema


def wrong_type_cases() -> list[tuple[str, str, str, str, Any]]:
    cases = []
    for path, item in document()["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody")
            if body is None or op["operationId"] not in valid_bodies("d"):
                continue
            schema = _resolve(body["content"]["application/json"]["schema"])
            for name, prop in schema.get("properties", {}).items():
                allowed = prop.get("type", [])
                allowed = {allowed} if isinstance(allowed, str) else set(allowed)
                if "oneOf" in prop:
                    allowed = {t for option in prop["oneOf"] for t in [option.get("type")] if t}
                if not allowed:
                    continue
                for value, types in WRONG_VALUES:
                    if not types & allowed:
                        cases.append((op["operationId"], path, method, name, value))
    return cases


def test_every_documented_body_operation_has_a_valid_example() -> None:
    with_body = {op["operationId"] for item in document()["paths"].values() for op in item.values()
                 if "requestBody" in op}
    assert with_body - {"bind_mac"} <= set(valid_bodies("d")), "add a valid body for the new operation"


@pytest.mark.parametrize(("operation_id", "path", "method", "name", "value"), wrong_type_cases(),
                         ids=lambda v: v if isinstance(v, str) else json.dumps(v))
def test_a_wrong_type_at_any_field_is_refused(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                              demo_dids: dict[str, str], operation_id: str, path: str,
                                              method: str, name: str, value: Any) -> None:
    did = demo_dids["Pilote2"]
    created = client.post(f"/app/devices/{did}/scheduler", headers=demo,
                          json={"time": "05:00", "repeat": "day", "days": [2], "attrs": {"mode": 0}})
    task_id = created.json()["id"]
    body = {**valid_bodies(did)[operation_id], name: value}
    url = path.replace("{did}", did).replace("{id}", task_id)
    response = unchanged(cloud, lambda: client.request(method.upper(), url, headers=demo, json=body))
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert_documented_error(response, path, method)


# -- bodies --------------------------------------------------------------------------------------
def test_a_huge_body_is_refused(client: TestClient, cloud: Cloud, demo: dict[str, str]) -> None:
    huge = json.dumps({"username": "x" * (2 * 1024 * 1024), "password": "p"})
    response = unchanged(cloud, lambda: client.post("/app/login", headers=demo, content=huge))
    assert_error(response, 9015, 400)


def test_a_huge_streamed_body_without_length_is_refused(client: TestClient, cloud: Cloud,
                                                        demo: dict[str, str]) -> None:
    def chunks() -> Any:
        yield b'{"dev_alias": "'
        for _ in range(300):
            yield b"a" * 8192
        yield b'"}'

    response = unchanged(cloud, lambda: client.put("/app/bindings/x", headers=demo, content=chunks()))
    assert_error(response, 9015, 400)


@pytest.mark.parametrize("opening", [b"[", b'{"a":', b'{"a":['])
def test_deeply_nested_json_is_refused(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                       opening: bytes) -> None:
    response = unchanged(cloud, lambda: client.post("/app/login", headers=demo, content=opening * 200_000))
    assert_error(response, 9015, 400)


@pytest.mark.parametrize("raw", [b"\xff\xfe{}", b'{"username": "\xc3"}', b"{'a': 1}", b"[1, 2]", b"null",
                                 b'{"a": NaN', b""])
def test_malformed_bodies_are_refused(client: TestClient, cloud: Cloud, demo: dict[str, str], raw: bytes) -> None:
    response = unchanged(cloud, lambda: client.post("/app/login", headers=demo, content=raw))
    assert_error(response, 9015, 400)


# -- unicode -------------------------------------------------------------------------------------
@pytest.mark.parametrize("alias", ["Salle de bain 🛁", "غرفة النوم", "e\u0301te\u0301", "寝室", "\u200b", "Z̷̢a̴l̸g̷o"])
def test_unicode_aliases_round_trip(client: TestClient, demo: dict[str, str], demo_dids: dict[str, str],
                                    alias: str) -> None:
    did = demo_dids["Pilote2"]
    assert client.put(f"/app/bindings/{did}", headers=demo, json={"dev_alias": alias}).status_code == 200
    listed = {d["did"]: d["dev_alias"] for d in client.get("/app/bindings", headers=demo).json()["devices"]}
    assert listed[did] == alias


@pytest.mark.parametrize("raw", [b'{"dev_alias": "\\ud800"}', b'{"dev_alias": "a\\udfffb"}', b'{"\\ud83d": "x"}',
                                 b'{"dev_alias": "nul\\u0000"}'])
def test_aliases_no_answer_could_carry_are_refused(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                   demo_dids: dict[str, str], raw: bytes) -> None:
    did = demo_dids["Pilote2"]
    response = unchanged(cloud, lambda: client.put(f"/app/bindings/{did}", headers=demo, content=raw))
    assert_error(response, 9015, 400)
    assert client.get("/app/bindings", headers=demo).status_code == 200


def test_an_overlong_alias_is_refused(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                      demo_dids: dict[str, str]) -> None:
    did = demo_dids["Pilote2"]
    response = unchanged(cloud, lambda: client.put(f"/app/bindings/{did}", headers=demo, json={"dev_alias": "é" * 129}))
    assert_error(response, 9015, 400)


# -- numbers -------------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["limit=-1", "skip=-5", "limit=1e3", "limit=0x10", "limit=%E2%91%A0",
                                   "limit=1&limit=2", "show_disabled=2", "show_proto_ver=-1"])
def test_bad_paging_numbers_are_refused(client: TestClient, cloud: Cloud, demo: dict[str, str], query: str) -> None:
    response = unchanged(cloud, lambda: client.get(f"/app/bindings?{query}", headers=demo))
    assert_error(response, 9015, 400)


def test_an_enormous_page_size_is_fine(client: TestClient, demo: dict[str, str]) -> None:
    response = client.get(f"/app/bindings?limit={10**40}&skip={10**40}", headers=demo)
    assert response.status_code == 200 and response.json() == {"devices": []}


@pytest.mark.parametrize("attrs", [{"mode": -1}, {"mode": 10**30}, {"derog_time": -1}, {"derog_time": 256},
                                   {"derog_time": 2**64}, {"derog_time": 1e308}, {"derog_time": 0.5},
                                   {"lock_switch": 2}, {"p1_data1": 256}])
def test_out_of_range_values_are_refused(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                         demo_dids: dict[str, str], attrs: dict[str, Any]) -> None:
    did = demo_dids["Pilote2"]
    response = unchanged(cloud, lambda: client.post(f"/app/control/{did}", headers=demo, json={"attrs": attrs}))
    assert_error(response, 9025, 400)


@pytest.mark.parametrize("raw", [b'{"attrs": {"derog_time": 1e400}}', b'{"attrs": {"derog_time": NaN}}',
                                 b'{"attrs": {"derog_time": -Infinity}}'])
def test_non_finite_numbers_are_refused(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                        demo_dids: dict[str, str], raw: bytes) -> None:
    did = demo_dids["Pilote2"]
    response = unchanged(cloud, lambda: client.post(f"/app/control/{did}", headers=demo, content=raw))
    assert response.status_code == 400 and response.json()["error_code"] in (9015, 9025)


@pytest.mark.parametrize("raw", [[256], [-1], [1.5], [True], ["1"], [], list(range(256)) * 5])
def test_bad_raw_bytes_are_refused(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                   demo_dids: dict[str, str], raw: list[Any]) -> None:
    did = demo_dids["Heatzy"]
    response = unchanged(cloud, lambda: client.post(f"/app/control/{did}", headers=demo, json={"raw": raw}))
    assert_error(response, 9015, 400)


@pytest.mark.parametrize("change", [{"days": [0]}, {"days": [32]}, {"days": [-1]}, {"time": "24:00"},
                                    {"time": "05:30\n"}, {"time": "٠٥:٣٠"}, {"date": "2030-02-30"},
                                    {"date": "2030-W01-1"}, {"repeat": "mon,mon"}, {"raw": "0g"}, {"raw": "0"}])
def test_bad_scheduler_fields_are_refused(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                          demo_dids: dict[str, str], change: dict[str, Any]) -> None:
    did = demo_dids["Heatzy"]
    form = {"time": "05:30", "repeat": "none", "date": "2030-01-01", "attrs": {"mode": 1}, **change}
    response = unchanged(cloud, lambda: client.post(f"/app/devices/{did}/scheduler", headers=demo, json=form))
    assert_error(response, 9015, 400)


# -- ids in paths --------------------------------------------------------------------------------
@pytest.mark.parametrize("did", ["..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e", "a%00b", "%F0%9F%94%A5",
                                 "x" * 5000, "' OR '1'='1", "${jndi:ldap://x}"])
@pytest.mark.parametrize("template", ["/app/devices/{}", "/app/devdata/{}/latest", "/app/devices/{}/scheduler"])
def test_path_tricks_in_ids_find_nothing(client: TestClient, cloud: Cloud, demo: dict[str, str], did: str,
                                         template: str) -> None:
    response = unchanged(cloud, lambda: client.get(template.format(did), headers=demo))
    assert response.status_code == 404, response.text
    assert response.json()["error_code"] in (9014, 9999)


@pytest.mark.parametrize("task_id", ["..", "..%2F..", "%00", "0" * 5000])
def test_path_tricks_in_task_ids_find_nothing(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                              demo_dids: dict[str, str], task_id: str) -> None:
    did = demo_dids["Heatzy"]
    response = unchanged(cloud, lambda: client.delete(f"/app/devices/{did}/scheduler/{task_id}", headers=demo))
    # ".." is resolved by the client: the request lands on another path, where DELETE is not allowed (405)
    assert response.status_code in (404, 405) and response.json()["error_code"] in (9030, 9999)


# -- headers -------------------------------------------------------------------------------------
def call_asgi(app: Any, method: str, path: str, headers: list[tuple[bytes, bytes]]) -> tuple[int, dict[bytes, bytes],
                                                                                           bytes]:
    """One request with raw header bytes (an HTTP client would refuse to send them)."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 1), "server": ("testserver", 80)}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), body


@pytest.mark.parametrize("token", [b"abc\r\nSet-Cookie: stolen=1", b"abc\nX-Injected: 1", b"\x00\x01\x02",
                                   b"\xff\xfe\xfd", b"x" * 65536, b"${jndi:ldap://x}"])
def test_header_injection_in_the_token_is_refused(client: TestClient, cloud: Cloud, token: bytes) -> None:
    headers = [(b"x-gizwits-application-id", b"c70a66ff039d41b4a220e198b0fcc8b3"), (b"x-gizwits-user-token", token)]
    before = state(cloud)
    status, response_headers, body = call_asgi(client.app, "GET", "/app/users", headers)
    assert state(cloud) == before
    assert status == 400 and json.loads(body)["error_code"] == 9004
    assert set(response_headers) == {b"content-length", b"content-type"}, "nothing from the request is echoed"


@pytest.mark.parametrize("appid", [b"c70a66ff039d41b4a220e198b0fcc8b3\r\nX-Injected: 1", b"", b"\xc3\x28", b"*"])
def test_header_injection_in_the_app_id_is_refused(client: TestClient, cloud: Cloud, appid: bytes) -> None:
    before = state(cloud)
    status, response_headers, body = call_asgi(client.app, "GET", "/app/users", [(b"x-gizwits-application-id", appid)])
    assert state(cloud) == before
    assert status == 400 and json.loads(body)["error_code"] == 9003
    assert b"x-injected" not in response_headers


@pytest.mark.parametrize("stamp", ["", "abc", "1e9", "99999999999999999999999", "-1", "1.5"])
def test_bad_signature_timestamps_are_refused(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                              stamp: str) -> None:
    headers = {**demo, "X-Gizwits-Timestamp": stamp, "X-Gizwits-Signature": "0" * 32}
    body = {"product_key": "51d16c22a5f74280bc3cfe9ebcdc6402", "mac": "a0b1c2d3e4f5"}
    response = unchanged(cloud, lambda: client.post("/app/bind_mac", headers=headers, json=body))
    assert_error(response, 9043, 400)
