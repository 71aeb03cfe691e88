"""Every operation's real answer is what the OpenAPI document says it is.

One walk through the whole API on the demo account calls every documented operation at
least once, with a request it accepts, and checks each answer against the document: its
status is a documented response, its content type the documented one, and its body
validates against the documented schema (responses are closed objects, so a field the
document does not list fails too). Errors are checked the same way, and their code must
be one the operation documents.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import jsonschema
import pytest
from clocked import PILOTE2_PK, T0, cloud_at
from conftest import APP_HEADERS, login, user_headers
from starlette.testclient import TestClient
from support_users import FRIEND_EMAIL, FRIEND_PASSWORD, app_token_headers, last_code

from emulator.config import HEATZY_APP_ID
from emulator.gizwits.api.openapi import ERROR_CODES_KEY, document
from emulator.gizwits.cloud.cloud import Cloud
from emulator.gizwits.cloud.devicedata import device_side

DOCUMENT = document()
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PHONE = "+33612345678"
SPARE_MAC = "a0b1c2d3e4f5"


@pytest.fixture
def cloud() -> Cloud:
    return cloud_at(T0)


def documented(path: str, method: str, status: int) -> tuple[str, dict[str, Any]]:
    """(media type, schema) of the documented answer of ``method path`` with ``status``."""
    responses = DOCUMENT["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} answered {status}, not a documented status"
    response = responses[str(status)]
    if "$ref" in response:
        response = DOCUMENT["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    if "content" not in response:
        return "", {}
    ((media_type, content),) = response["content"].items()
    return media_type, content["schema"]


def check(response: Any, path: str, method: str) -> None:
    """The answer has a documented status, the documented content type, and a body of the documented schema."""
    media_type, schema = documented(path, method, response.status_code)
    if not media_type:
        assert response.content == b""
        return
    assert response.headers["content-type"].split(";")[0] == media_type
    body = response.json() if media_type == "application/json" else response.text
    jsonschema.validate(body, {**schema, "components": DOCUMENT["components"]}, cls=jsonschema.Draft202012Validator)
    if response.status_code >= 400:
        assert body["error_code"] in DOCUMENT["paths"][path][method][ERROR_CODES_KEY], body


class Walk:
    """Calls operations, checks each answer against the document, remembers which operations ran."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers
        self.seen: set[tuple[str, str]] = set()

    def __call__(self, method: str, path: str, url: str | None = None, status: int = 200, **kwargs: Any) -> Any:
        kwargs.setdefault("headers", self.headers)
        response = self.client.request(method, url or path, **kwargs)
        assert response.status_code == status, (method, url or path, response.status_code, response.text)
        check(response, path, method.lower())
        self.seen.add((path, method.lower()))
        return response


def signed(headers: dict[str, str], cloud: Cloud, product_key: str) -> dict[str, str]:
    stamp = str(int(cloud.now()))
    signature = hashlib.md5((cloud.product(product_key).secret + stamp).encode()).hexdigest()
    return {**headers, "X-Gizwits-Timestamp": stamp, "X-Gizwits-Signature": signature}


def walk_users(walk: Walk, cloud: Cloud) -> None:
    walk("GET", "/status", headers={})
    walk("GET", "/errors", headers={})
    walk("GET", "/openapi.json", headers={})
    walk("GET", "/docs", headers={})
    walk("POST", "/app/login", headers=APP_HEADERS, json={"username": "demo@heatzy.test", "password": "heatzy-demo"})
    token = walk("POST", "/app/users", status=201, headers=APP_HEADERS,
                 json={"email": "walker@heatzy.test", "password": "secret", "lang": "en"}).json()["token"]
    walker = user_headers(token)
    walk("GET", "/app/users", headers=walker)
    walk("PUT", "/app/users", headers=walker, json={"name": "Walker", "gender": "N", "birthday": "01-02"})
    walk("POST", "/app/reset_password", headers=APP_HEADERS, json={"email": "walker@heatzy.test"})
    app = cloud.apps.get(HEATZY_APP_ID)
    assert app is not None
    walk("POST", "/app/request_token", headers={
        **APP_HEADERS, "X-Gizwits-Application-Auth": hashlib.md5((app.appid + app.secret).encode()).hexdigest()})
    with_app_token = app_token_headers(walk.client, cloud)
    walk("POST", "/app/sms_code", headers=with_app_token, json={"phone": PHONE})
    walk("PUT", "/app/verify/codes", headers=with_app_token, json={"phone": PHONE, "sms_code": last_code(cloud, PHONE)})
    captcha = walk("GET", "/app/verify/codes", headers=with_app_token).json()
    walk("GET", "/captcha/image/{id}/", f"/captcha/image/{captcha['captcha_id']}/", headers={})
    [record] = [m for m in cloud.outbox.messages if m.kind == "captcha"]
    walk("POST", "/app/verify/codes", headers=with_app_token,
         json={"captcha_id": captcha["captcha_id"], "captcha_code": record.data["code"], "phone": PHONE})
    walk("DELETE", "/app/logout", status=204, headers=walker)


def walk_devices(walk: Walk, cloud: Cloud, did: str) -> None:
    walk("GET", "/app/devdata/{did}/latest", f"/app/devdata/{did}/latest")
    walk("GET", "/app/devices/{did}", f"/app/devices/{did}")
    walk("GET", "/app/datapoint", params={"product_key": PILOTE2_PK})
    walk("POST", "/app/control/{did}", f"/app/control/{did}", json={"attrs": {"mode": "eco"}})
    now = int(cloud.now())
    walk("GET", "/app/devices/{did}/raw_data", f"/app/devices/{did}/raw_data",
         params={"type": "cmd", "start_time": now - 3600, "end_time": now})
    walk("GET", "/app/devdata/{did}/agg_data", f"/app/devdata/{did}/agg_data",
         params={"start_ts": (now - 86400) * 1000, "attrs": "derog_time", "aggregator": "max", "unit": "hours"})
    created = walk("POST", "/app/devices/{did}/scheduler", f"/app/devices/{did}/scheduler", status=201,
                   json={"time": "05:30", "repeat": "mon", "attrs": {"mode": 1}, "start_date": "2030-01-01"})
    task = f"/app/devices/{did}/scheduler/{created.json()['id']}"
    walk("GET", "/app/devices/{did}/scheduler", f"/app/devices/{did}/scheduler")
    walk("PUT", "/app/devices/{did}/scheduler/{id}", task, json={"enabled": False})
    walk("DELETE", "/app/devices/{did}/scheduler/{id}", task)


def walk_bindings(walk: Walk, cloud: Cloud, did: str) -> None:
    spare = cloud.devices.by_mac(PILOTE2_PK, SPARE_MAC)
    assert spare is not None
    walk("GET", "/app/bindings", params={"show_proto_ver": 1, "lan_prot_ver": 1})
    walk("PUT", "/app/bindings/{did}", f"/app/bindings/{did}", json={"dev_alias": "Salon", "dev_label": ["a"]})
    walk("POST", "/app/bind_mac", status=201, headers=signed(walk.headers, cloud, PILOTE2_PK),
         json={"product_key": PILOTE2_PK, "mac": SPARE_MAC})
    walk("DELETE", "/app/bindings", json={"devices": [{"did": spare.did}, {"did": "unknown"}]})
    walk("POST", "/app/bind_latest", status=201, json={"qr_content": f"product_key={PILOTE2_PK}&mac={SPARE_MAC}"})
    walk("POST", "/app/bindings", json={"devices": [{"did": spare.did, "passcode": spare.passcode}]})


def walk_sharing(walk: Walk, cloud: Cloud, did: str, other_did: str) -> None:
    friend = user_headers(login(walk.client, FRIEND_EMAIL, FRIEND_PASSWORD)["token"])
    friend_uid = cloud.users.find(HEATZY_APP_ID, email=FRIEND_EMAIL).uid  # type: ignore[union-attr]
    share_id = walk("POST", "/app/sharing", json={"type": 0, "did": did, "email": FRIEND_EMAIL,
                                                  "duration": 60}).json()["id"]
    walk("GET", "/app/sharing", params={"sharing_type": 0, "status": "0,1"})
    walk("PUT", "/app/sharing/{id}", f"/app/sharing/{share_id}?status=1", headers=friend)
    walk("PUT", "/app/sharing/{id}/alias", f"/app/sharing/{share_id}/alias?user_alias=Ami")
    walk("GET", "/app/{did}/bindings", f"/app/{did}/bindings")
    walk("DELETE", "/app/{did}/bindings", f"/app/{did}/bindings?uid={friend_uid}")
    qr_content = walk("POST", "/app/sharing", json={"type": 1, "did": other_did}).json()["qr_content"]
    code = qr_content.rsplit("=", 1)[1]
    walk("GET", "/app/sharing/code/{code}", f"/app/sharing/code/{code}", headers=friend)
    walk("POST", "/app/sharing/code/{code}", f"/app/sharing/code/{code}", headers=friend)
    walk("POST", "/app/sharing/{did}/transfer", f"/app/sharing/{other_did}/transfer?uid={friend_uid}")
    waiting = walk("POST", "/app/sharing", json={"type": 0, "did": did, "uid": friend_uid}).json()["id"]
    walk("DELETE", "/app/sharing/{id}", f"/app/sharing/{waiting}")
    message = walk("GET", "/app/messages", params={"type": 1, "limit": 5}, headers=friend).json()["objects"][0]
    walk("PUT", "/app/messages/{id}", f"/app/messages/{message['id']}?status=1", headers=friend)


def walk_automation(walk: Walk, cloud: Cloud, pilote: str, pro: str) -> None:
    group_id = walk("POST", "/app/group", status=201, json={"group_name": "Salon", "multicast_id": "7"}).json()["id"]
    walk("GET", "/app/group")
    walk("PUT", "/app/group/{id}", f"/app/group/{group_id}", json={"group_name": "Séjour"})
    walk("POST", "/app/group/{id}/devices", f"/app/group/{group_id}/devices?show_detail=1",
         json={"dids": [pilote, "nope"]})
    walk("GET", "/app/group/{id}/devices", f"/app/group/{group_id}/devices")
    walk("POST", "/app/group/{id}/control", f"/app/group/{group_id}/control", json={"attrs": {"mode": "eco"}})
    walk("DELETE", "/app/group/{id}/devices", f"/app/group/{group_id}/devices", json={"dids": [pilote, "nope"]})

    walk("GET", "/app/rules/params", params={"product_key": PILOTE2_PK})
    rule = {"product_key": PILOTE2_PK, "did": pilote, "input": [{"did": pilote, "prefix": "p"}],
            "condition": [[{"left": "p.mode", "opt": "==", "right": 1}]],
            "output": [[{"type": "delay", "delay": 1}, {"type": "devctrl", "did": pro, "attrs": {"mode": "eco"}},
                        {"type": "devctrl", "did": pro, "raw": "010102"}]]}
    rule_id = walk("POST", "/app/rules", json=rule).json()["rule_id"]
    walk("GET", "/app/rules")
    walk("PUT", "/app/rules/{rule_id}", f"/app/rules/{rule_id}", json={**rule, "name": "n", "interval": 5})

    scene = {"scene_name": "Nuit", "tasks": [
        {"task_type": "device", "did": pilote, "attrs": {"mode": 2}, "remark": "<b>"},
        {"task_type": "delay", "time": 5},
        {"task_type": "group", "group_id": group_id, "raw": base64.b64encode(b"\x01").decode()}]}
    scene_id = walk("POST", "/app/scene", status=201, json=scene).json()["id"]
    walk("GET", "/app/scene")
    walk("PUT", "/app/scene/{id}", f"/app/scene/{scene_id}", json={"remark": "r"})
    walk("POST", "/app/scene/{id}/task", f"/app/scene/{scene_id}/task")
    walk("GET", "/app/scene/{id}/task", f"/app/scene/{scene_id}/task")

    timing = {"time": "05:00", "repeat": "none", "date": "2024-09-25"}
    task_id = walk("POST", "/app/common_scheduler", status=201, json={**timing, "scene_id": scene_id}).json()["id"]
    walk("POST", "/app/common_scheduler", status=201, json={**timing, "did": pilote, "raw": "0102"})
    walk("GET", "/app/common_scheduler", params={"scene_id": scene_id})
    walk("PUT", "/app/common_scheduler/{id}", f"/app/common_scheduler/{task_id}", json={"enabled": False})
    walk("DELETE", "/app/common_scheduler/{id}", f"/app/common_scheduler/{task_id}")

    general = walk("POST", "/app/scheduler", status=201,
                   json={**timing, "task": [{"did": pilote, "attrs": {"mode": "fro"}}], "retry_count": 1}).json()["id"]
    cloud.advance(3600)
    walk("GET", "/app/scheduler")
    walk("GET", "/app/scheduler/{id}/logs", f"/app/scheduler/{general}/logs")
    walk("DELETE", "/app/scheduler/{id}", f"/app/scheduler/{general}")
    walk("DELETE", "/app/rules/{rule_id}", f"/app/rules/{rule_id}")
    walk("DELETE", "/app/scene/{id}", f"/app/scene/{scene_id}")
    walk("DELETE", "/app/group/{id}", f"/app/group/{group_id}")


def walk_device_side(walk: Walk, cloud: Cloud) -> None:
    did = walk("POST", "/dev/devices", status=201, headers=FORM,
               data={"product_key": PILOTE2_PK, "mac": "00:11:22:33:44:55", "passcode": "PASSCODE"}).text[4:]
    walk("GET", "/dev/devices/{did}", f"/dev/devices/{did}", headers={})
    walk("DELETE", "/dev/devices", headers=FORM, content=f"did={did}&passcode=PASSCODE")
    secret = cloud.product(PILOTE2_PK).secret
    data = device_side.encrypt(secret, b"mac=001122334466&passcode=PASSCODE&type=normal").hex()
    answer = walk("POST", "/dev/{product_key}/device", f"/dev/{PILOTE2_PK}/device", status=201, headers=FORM,
                  data={"data": data})
    assert device_side.decrypt(secret, bytes.fromhex(answer.text)).startswith(b"did=")


def test_each_operation_answers_what_it_documents(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                  demo_dids: dict[str, str]) -> None:
    walk = Walk(client, demo)
    walk_users(walk, cloud)
    walk_devices(walk, cloud, demo_dids["Pilote2"])
    walk_bindings(walk, cloud, demo_dids["Pilote2"])
    walk_sharing(walk, cloud, demo_dids["Pilote_Soc"], demo_dids["Glow_Simple"])
    walk_automation(walk, cloud, demo_dids["Pilote2"], demo_dids["Pilote_Pro"])
    walk_device_side(walk, cloud)
    every = {(path, method) for path, item in DOCUMENT["paths"].items() for method in item}
    assert sorted(every - walk.seen) == []


@pytest.mark.parametrize(("method", "path", "url", "code"), [
    ("GET", "/app/scene/{id}/task", "/app/scene/nope/task", 9220),
    ("GET", "/app/devices/{did}", "/app/devices/nope", 9014),
    ("DELETE", "/app/common_scheduler/{id}", "/app/common_scheduler/nope", 9030),
    ("PUT", "/app/sharing/{id}", "/app/sharing/999?status=1", 9084),
    ("GET", "/app/datapoint", "/app/datapoint?product_key=nope", 9002),
    ("GET", "/captcha/image/{id}/", "/captcha/image/nope/", 9999),
    ("GET", "/dev/devices/{did}", "/dev/devices/nope", 9014),
])
def test_errors_answer_the_documented_error(client: TestClient, demo: dict[str, str], method: str, path: str,
                                            url: str, code: int) -> None:
    response = client.request(method, url, headers=demo)
    assert response.json()["error_code"] == code
    check(response, path, method.lower())
