"""Hostile input: every bad request gets a documented 9xxx error and changes nothing.

Each case compares the whole cloud state (``cloud.snapshot()``) before and after, on a
frozen clock (so time passing, which devices live in, is not taken for a change). The
wrong-type cases are derived from the OpenAPI document: every property of every JSON
request body is sent with values of the wrong JSON types, so new operations are covered
as soon as they are documented and have a valid example body below (which must be
accepted, or the wrong-type cases would prove nothing).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import pytest
from clocked import PILOTE2_PK, T0, cloud_at
from conftest import assert_error, login, user_headers
from starlette.testclient import TestClient
from support_users import FRIEND_EMAIL, app_token_headers, last_code
from support_world import make_everything, rule_form

from emulator.app import create_app
from emulator.gizwits.api.openapi import document
from emulator.gizwits.cloud.cloud import Cloud
from emulator.gizwits.errors import ERRORS

#: A value of each JSON type, and which schema types it satisfies.
WRONG_VALUES: list[tuple[Any, set[str]]] = [
    (12345, {"integer", "number"}),
    (1.5, {"number"}),
    (True, {"boolean"}),
    ("text", {"string"}),
    (["x"], {"array"}),
    ({"x": 1}, {"object"}),
]
PHONE = "+33612345678"


@pytest.fixture
def cloud() -> Cloud:
    return cloud_at(T0)


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
@dataclass
class World:
    """A demo cloud with one of everything a body operation needs, and its snapshot."""

    cloud: Cloud
    client: TestClient
    headers: dict[str, dict[str, str]]
    path_values: dict[str, str]
    bodies: dict[str, dict[str, Any]]
    snapshot: dict[str, Any]

    def url(self, path: str) -> str:
        """``path`` with its parameters filled: ``{id}`` is the id of the resource the path names."""
        kind = path.split("/")[2]
        return re.sub(r"\{([^}]+)\}", lambda m: self.path_values.get(f"{kind}.{m[1]}", self.path_values.get(m[1], "")),
                      path)


def build_world() -> World:
    cloud = cloud_at(T0)
    client = TestClient(create_app(cloud=cloud), raise_server_exceptions=False)
    demo = user_headers(login(client)["token"])
    dids = {d["product_name"]: d["did"] for d in client.get("/app/bindings", headers=demo).json()["devices"]}
    did, pro = dids["Pilote2"], dids["Pilote_Pro"]

    timing = {"time": "05:30", "repeat": "mon", "date": "2030-01-01", "days": [1], "start_date": "2030-01-01",
              "end_date": "2030-12-31", "enabled": True, "remark": "r"}
    task = {**timing, "attrs": {"mode": 1}, "raw": "01"}
    rule = {**rule_form(did, pro), "name": "n", "remark": "r", "interval": 0, "event": "data"}
    made = make_everything(client, demo, did, pro, dids["Pilote_Soc"], FRIEND_EMAIL)
    path_values = {"did": did, "devices.id": made["device_task"], "group.id": made["group"],
                   "scene.id": made["scene"], "common_scheduler.id": made["common_task"], "rule_id": made["rule"]}
    with_app_token = app_token_headers(client, cloud)
    client.post("/app/sms_code", headers=with_app_token, json={"phone": PHONE})
    captcha_id = client.get("/app/verify/codes", headers=with_app_token).json()["captcha_id"]
    [captcha] = [m for m in cloud.outbox.messages if m.kind == "captcha"]
    stamp = str(int(cloud.now()))
    signature = hashlib.md5((cloud.product(PILOTE2_PK).secret + stamp).encode()).hexdigest()
    headers = {"demo": demo, "sms_code": with_app_token, "solve_captcha": with_app_token,
               "check_sms_code": with_app_token,
               "bind_mac": {**demo, "X-Gizwits-Timestamp": stamp, "X-Gizwits-Signature": signature}}
    spare = cloud.devices.by_mac(PILOTE2_PK, "a0b1c2d3e4f5")
    assert spare is not None
    scene_task = {"task_type": "device", "did": did, "attrs": {"mode": 1}, "remark": "r"}
    bodies = {
        "login": {"username": "demo@heatzy.test", "password": "heatzy-demo", "lang": "en"},
        "create_user": {"username": "newcomer", "password": "secret", "lang": "en"},
        "update_user": {"name": "n", "address": "a", "lang": "en", "remark": "r", "remar": "r", "gender": "F",
                        "birthday": "01-02"},
        "reset_password": {"email": "demo@heatzy.test"},
        "sms_code": {"phone": PHONE, "code": last_code(cloud, PHONE)},
        "solve_captcha": {"captcha_id": captcha_id, "captcha_code": captcha.data["code"], "phone": PHONE},
        "check_sms_code": {"phone": PHONE, "sms_code": last_code(cloud, PHONE)},
        "delete_bindings": {"devices": [{"did": did}]},
        "update_binding": {"remark": "r", "dev_alias": "a", "dev_label": ["l"]},
        "bind_mac": {"product_key": PILOTE2_PK, "mac": "a0b1c2d3e4f5", "remark": "r", "dev_alias": "a",
                     "set_owner": 0},
        "bind_latest": {"qr_content": f"product_key={PILOTE2_PK}&mac=a0b1c2d3e4f5", "set_owner": 0},
        "bind_by_passcode": {"devices": [{"did": spare.did, "passcode": spare.passcode}]},
        "create_share": {"type": 0, "did": dids["Pilote_Soc_C3"], "email": FRIEND_EMAIL, "duration": 60},
        "control": {"attrs": {"mode": "eco"}},
        "control_group": {"attrs": {"mode": "eco"}},
        "create_device_task": task,
        "update_device_task": task,
        "create_common_task": {**task, "did": did},
        "update_common_task": {**task, "did": did},
        "create_general_task": {"date": "2030-01-01", "time": "05:30", "repeat": "none", "retry_count": 1,
                                "retry_task": "all", "task": [{"did": did, "product_key": PILOTE2_PK,
                                                               "attrs": {"mode": 1}}]},
        "create_group": {"group_name": "g", "product_key": PILOTE2_PK, "gw_did": "", "multicast_id": "1",
                         "remark": "r"},
        "rename_group": {"group_name": "g2"},
        "add_group_devices": {"dids": [did]},
        "remove_group_devices": {"dids": [did]},
        "create_rule": rule,
        "replace_rule": rule,
        "create_scene": {"scene_name": "s", "remark": "r", "tasks": [scene_task]},
        "update_scene": {"scene_name": "s", "remark": "r", "tasks": [scene_task]},
    }
    return World(cloud, client, headers, path_values, bodies, cloud.snapshot())


WORLD = build_world()


def json_body_operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (path, method, JSON body schema) of every operation with a JSON body."""
    return {op["operationId"]: (path, method, op["requestBody"]["content"]["application/json"]["schema"])
            for path, item in document()["paths"].items() for method, op in item.items()
            if "application/json" in op.get("requestBody", {}).get("content", {})}


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return resolve(document()["components"]["schemas"][ref.rsplit("/", 1)[1]]) if ref else schema


def json_types(schema: dict[str, Any]) -> set[str]:
    """The JSON types a schema admits (empty: it does not say)."""
    schema = resolve(schema)
    kind = schema.get("type")
    if kind:
        return {kind} if isinstance(kind, str) else set(kind)
    options = schema.get("oneOf") or schema.get("anyOf")
    if options:
        return set().union(*(json_types(option) for option in options))
    names = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}
    return {names[type(value)] for value in schema.get("enum", ())}


def wrong_type_cases() -> list[tuple[str, str, Any]]:
    cases = []
    for operation_id, (_, _, schema) in sorted(json_body_operations().items()):
        for name, prop in resolve(schema).get("properties", {}).items():
            allowed = json_types(prop)
            if not allowed:
                continue
            cases.extend((operation_id, name, value) for value, types in WRONG_VALUES if not types & allowed)
    return cases


def send(operation_id: str, body: dict[str, Any]) -> Any:
    """The operation's request with ``body``, as the demo user (with an app token or a signature where needed)."""
    path, method, _ = json_body_operations()[operation_id]
    headers = WORLD.headers.get(operation_id, WORLD.headers["demo"])
    return WORLD.client.request(method.upper(), WORLD.url(path), json=body, headers=headers)


def test_every_json_body_operation_has_a_valid_example() -> None:
    assert sorted(json_body_operations()) == sorted(WORLD.bodies), "add a valid body for the new operation"


@pytest.mark.parametrize("operation_id", sorted(WORLD.bodies))
def test_each_valid_example_is_accepted(operation_id: str) -> None:
    WORLD.cloud.restore(WORLD.snapshot)
    response = send(operation_id, WORLD.bodies[operation_id])
    assert response.status_code in (200, 201, 204), response.text


@pytest.mark.parametrize(("operation_id", "name", "value"), wrong_type_cases(),
                         ids=lambda v: v if isinstance(v, str) else json.dumps(v))
def test_a_wrong_type_at_any_field_is_refused(operation_id: str, name: str, value: Any) -> None:
    WORLD.cloud.restore(WORLD.snapshot)
    path, method, _ = json_body_operations()[operation_id]
    body = {**WORLD.bodies[operation_id], name: value}
    response = unchanged(WORLD.cloud, lambda: send(operation_id, body))
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
                                   "limit=1&limit=2", "show_disabled=2", "show_proto_ver=-1", "limit=%201",
                                   "limit=1_0", "limit=%EF%BC%91", "limit=+1", "show_disabled=%D9%A1"])
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
#: Sent as they are (an HTTP client would resolve "..", so the emulator itself must see them).
PATH_TRICKS = ["..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e", "a%00b", "%F0%9F%94%A5", "x" * 5000, "' OR '1'='1",
               "${jndi:ldap://x}", "%C0%AE%C0%AE", "%FF", "%C2%B2", "%EF%BC%91", "-1"]


@pytest.mark.parametrize("trick", PATH_TRICKS)
@pytest.mark.parametrize(("method", "template"), [
    ("GET", "/app/devices/{}"), ("GET", "/app/devdata/{}/latest"), ("GET", "/app/devices/{}/scheduler"),
    ("GET", "/app/devices/{}/raw_data?type=cmd&start_time=1727235789&end_time=1727239389"),
    ("GET", "/app/{}/bindings"), ("GET", "/app/group/{}/devices"), ("GET", "/app/scene/{}/task"),
    ("DELETE", "/app/common_scheduler/{}"), ("GET", "/app/scheduler/{}/logs"), ("DELETE", "/app/rules/{}"),
    ("DELETE", "/app/sharing/{}"), ("GET", "/app/sharing/code/{}"), ("GET", "/dev/devices/{}"),
])
def test_path_tricks_in_ids_find_nothing(client: TestClient, cloud: Cloud, demo: dict[str, str], trick: str,
                                         method: str, template: str) -> None:
    headers = [(name.lower().encode(), value.encode()) for name, value in demo.items()]
    before = state(cloud)
    status, _, body = call_asgi(client.app, method, template.format(trick), headers)
    assert state(cloud) == before
    assert 400 <= status < 500, body
    code = json.loads(body)["error_code"]
    assert code in (9014, 9015, 9030, 9084, 9220, 9999), body
    assert ERRORS[code].status == status or (code == 9999 and status in (404, 405))


@pytest.mark.parametrize("task_id", ["..", "..%2F..", "%00", "0" * 5000])
def test_path_tricks_in_task_ids_find_nothing(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                              demo_dids: dict[str, str], task_id: str) -> None:
    did = demo_dids["Heatzy"]
    response = unchanged(cloud, lambda: client.delete(f"/app/devices/{did}/scheduler/{task_id}", headers=demo))
    # ".." is resolved by the client: the request lands on another path, where DELETE is not allowed (405)
    assert response.status_code in (404, 405) and response.json()["error_code"] in (9030, 9999)


# -- text that is almost what is expected -----------------------------------------------------
@pytest.mark.parametrize(("method", "url", "body"), [
    ("GET", "/app/sharing?sharing_type=0&status=%C2%B2", None),  # "²".isdigit(), but int("²") fails
    ("GET", "/app/sharing?sharing_type=0&status=%201", None),
    ("POST", "/app/group", {"group_name": "g", "multicast_id": "²"}),
    ("POST", "/app/group", {"group_name": "g", "multicast_id": "١"}),
    ("POST", "/app/scene", {"scene_name": "s", "tasks": [{"task_type": "delay", "time": 1, "raw": "é"}]}),
    ("POST", "/app/scene", {"scene_name": "s", "tasks": [{"task_type": "delay", "time": 1, "did": 5}]}),
    ("POST", "/app/rules", {"product_key": "51d16c22a5f74280bc3cfe9ebcdc6402", "did": "{did}",
                            "output": [[{"type": "devctrl", "did": "{did}", "raw": "01 02"}]]}),
    ("GET", "/app/devdata/{did}/agg_data?start_ts=0&attrs=derog_time&aggregator=max&unit=hour%C5%BF", None),
])
def test_almost_valid_text_is_refused(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                      demo_dids: dict[str, str], method: str, url: str, body: Any) -> None:
    did = demo_dids["Pilote2"]
    if body is not None:
        body = json.loads(json.dumps(body).replace("{did}", did))
    response = unchanged(cloud, lambda: client.request(method, url.replace("{did}", did), headers=demo, json=body))
    assert_error(response, 9015, 400)


@pytest.mark.parametrize("data", ["é", "00ésé", "\u0100" * 4])
def test_ciphertext_that_is_not_ascii_is_refused(client: TestClient, cloud: Cloud, data: str) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = unchanged(cloud, lambda: client.post(f"/dev/{PILOTE2_PK}/device", headers=form, data={"data": data}))
    assert_error(response, 9015, 400)


# -- headers -------------------------------------------------------------------------------------
def call_asgi(app: Any, method: str, target: str, headers: list[tuple[bytes, bytes]]) -> tuple[int, dict[bytes, bytes],
                                                                                             bytes]:
    """One request sent as it is: raw header bytes (an HTTP client would refuse to send them), and a
    percent-encoded ``target`` (path and query) nobody normalised."""
    raw_path, _, query = target.partition("?")
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": unquote(raw_path, errors="surrogateescape"), "raw_path": raw_path.encode(),
             "query_string": query.encode(), "root_path": "", "headers": headers, "client": ("127.0.0.1", 1),
             "server": ("testserver", 80)}
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
