"""Hostile input and isolation over every eWeLink operation: every bad request gets an error
in the envelope (HTTP 200, ``error`` not 0, one of the operation's documented codes) and
changes nothing; no account reaches another's devices, groups, homes or rooms.

Each case compares the whole state (``snapshot()``) before and after, on a frozen clock. The
wrong-type cases are derived from the OpenAPI document: every property of every JSON request
body (and of the objects in it) is sent with values of the wrong JSON types, so a new
operation is covered once it is documented and has a valid example below (which must be
accepted, or the wrong-type cases would prove nothing).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from ewelink_support import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    FRIEND_EMAIL,
    FRIEND_PASSWORD,
    LAMP,
    LENIENT_APPID,
    POWR2,
    SPARE,
    STRIP,
    Ewe,
    ewelink_of,
    frozen_cloud,
)
from starlette.testclient import TestClient

from emulator.app import create_app
from emulator.ewelink.api.openapi import document

LOCAL = "127.0.0.1:8000"  # no region: every account is served where it is
PHONE = "+8613800000000"
WRONG_VALUES: list[tuple[Any, set[str]]] = [
    (12345, {"integer", "number"}), (1.5, {"number"}), (True, {"boolean"}), ("text", {"string"}),
    (["x"], {"array"}), ({"x": 1}, {"object"}),
]


class World:
    """The demo plus what the examples need: codes sent, a group, a share, a GSM spare, a +86 account."""

    def __init__(self) -> None:
        self.cloud = frozen_cloud()
        self.client = TestClient(create_app(cloud=self.cloud), raise_server_exceptions=False)
        ewe = ewelink_of(self.cloud)
        self.demo = Ewe(self.client, LOCAL)
        self.demo.login()
        self.friend = Ewe(self.client, LOCAL)
        self.friend.login(FRIEND_EMAIL, FRIEND_PASSWORD)
        self.lenient = Ewe(self.client, LOCAL, appid=LENIENT_APPID, secret="x")
        self.codes = {}
        for kind, to in ((0, "new@ewelink.test"), (1, DEMO_EMAIL), (3, DEMO_EMAIL)):
            self.demo.sign_post("/v2/user/verification-code", {"type": kind, "email": to})
            self.codes[kind] = ewe.outbox.messages[-1].data["code"]
        ewe.create_account(region="cn", password="phone-pass-1", phone=PHONE, country_code="+86")
        self.demo.sign_post("/v2/user/verification-code", {"type": 4, "phoneNumber": PHONE})
        self.codes[4] = ewe.outbox.messages[-1].data["code"]
        self.group = self.demo.ok(self.demo.post("/v2/device/group", {"name": "G", "mainDeviceId": LAMP}))
        self.group_id = self.group["itemData"]["id"]
        self.demo.ok(self.demo.post("/v2/device/share", {"deviceidList": [STRIP], "user": {"email": FRIEND_EMAIL},
                                                         "permit": 15}))
        self.friend_apikey = ewe.accounts.find(email=FRIEND_EMAIL).apikey  # type: ignore[union-attr]
        gsm = ewe.add_device(None, 1, deviceid="1000a0b0f2")
        gsm.sim["gsm_id"] = "348512d49379bb0acace4598e14fc450"
        homes = self.demo.ok(self.demo.get("/v2/family"))
        self.home = homes["familyList"][0]
        self.rooms = {r["name"]: r["id"] for r in self.home["roomList"]}
        self.rt = ewe.accounts.token(self.demo.at or "", self.cloud.now()).rt
        spare = ewe.device(SPARE)
        self.spare = {"name": "Porch", "deviceid": SPARE, "chipid": spare.chipid,
                      "digest": hashlib.sha256((SPARE + spare.devicekey).encode()).hexdigest()}
        things = self.demo.ok(self.demo.get("/v2/device/thing", num=0))["thingList"]
        self.things = [{"itemType": t["itemType"], "id": t["itemData"].get("deviceid") or t["itemData"]["id"]}
                       for t in things]
        self.state = self.cloud.snapshot()

    def fresh(self) -> None:
        self.cloud.restore(self.state)

    def stores(self) -> dict[str, Any]:
        return self.cloud.snapshot()["stores"]


@pytest.fixture(scope="module")
def world() -> World:
    return World()


def examples(w: World) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    """A valid body for every operation that takes one: (auth kind, body)."""
    kitchen = w.rooms["Kitchen"]
    return {
        ("post", "/v2/user/register"): ("sign", {"countryCode": "+33", "email": "new@ewelink.test",
                                                 "verificationCode": w.codes[0], "password": "secret123"}),
        ("post", "/v2/user/login"): ("sign", {"countryCode": "+33", "email": DEMO_EMAIL, "password": DEMO_PASSWORD}),
        ("post", "/v2/user/sms-login"): ("sign", {"countryCode": "+86", "phoneNumber": PHONE,
                                                  "verificationCode": w.codes[4]}),
        ("post", "/v2/user/verification-code"): ("sign", {"type": 1, "email": DEMO_EMAIL}),
        ("post", "/v2/user/reset-pwd"): ("sign", {"email": DEMO_EMAIL, "verificationCode": w.codes[1],
                                                  "password": "another-1"}),
        ("post", "/v2/user/change-pwd"): ("token", {"oldPassword": DEMO_PASSWORD, "newPassword": "another-22"}),
        ("post", "/v2/user/profile"): ("token", {"nickname": "N", "acceptEmailAd": True}),
        ("post", "/v2/user/refresh"): ("token", {"rt": w.rt}),
        ("post", "/v2/user/close-account"): ("token", {"verificationCode": w.codes[3]}),
        ("post", "/v2/homepage"): ("token", {"lang": "en", "getUser": {}, "getThing": {"num": 2, "beginIndex": 0},
                                             "getMessage": {"num": 3}}),
        ("post", "/v2/device/thing"): ("token", {"thingList": [{"itemType": 1, "id": LAMP}]}),
        ("post", "/v2/device/thing/status"): ("token", {"type": 1, "id": LAMP, "params": {"switch": "on"}}),
        ("post", "/v2/device/thing/batch-status"): ("token", {"thingList": [{"type": 1, "id": LAMP, "params": {
            "switch": "on"}}], "timeout": 10}),
        ("post", "/v2/device/add"): ("token", {**w.spare, "settings": {"opsHistory": 0}, "sort": 2}),
        ("post", "/v2/device/add-gsm"): ("token", {"id": "348512d49379bb0acace4598e14fc450", "name": "GSM"}),
        ("post", "/v2/device/update-info"): ("token", {"deviceid": LAMP, "name": "L2", "roomid": kitchen}),
        ("post", "/v2/device/tags"): ("token", {"deviceid": LAMP, "type": "merge", "tags": {"a": 1}}),
        ("post", "/v2/device/group"): ("token", {"name": "G2", "mainDeviceId": POWR2, "sort": 2}),
        ("put", "/v2/device/group"): ("token", {"id": w.group_id, "name": "G3"}),
        ("post", "/v2/device/group/status"): ("token", {"id": w.group_id, "params": {"switch": "on"}}),
        ("post", "/v2/device/group/update"): ("token", {"id": w.group_id, "deviceidList": [LAMP, POWR2]}),
        ("post", "/v2/device/share"): ("token", {"deviceidList": [LAMP], "user": {"email": FRIEND_EMAIL},
                                                 "permit": 15, "comment": "c"}),
        ("post", "/v2/device/share/permit"): ("token", {"deviceid": STRIP, "apikey": w.friend_apikey, "permit": 1}),
        ("post", "/v2/device/ota/query"): ("token", {"deviceInfoList": [{"deviceid": LAMP, "model": "m",
                                                                         "version": "1.0"}]}),
        ("post", "/v2/family"): ("token", {"name": "H", "sort": 2, "roomNameList": ["R1"]}),
        ("post", "/v2/family/room"): ("token", {"familyid": w.home["id"], "name": "R", "sort": 1}),
        ("put", "/v2/family"): ("token", {"id": w.home["id"], "name": "H2"}),
        ("put", "/v2/family/room"): ("token", {"id": kitchen, "name": "R2"}),
        ("post", "/v2/family/room/index"): ("token", {"familyid": w.home["id"],
                                                      "idList": list(reversed(w.rooms.values()))}),
        ("post", "/v2/family/thing/sort"): ("token", {"thingList": list(reversed(w.things))}),
        ("post", "/v2/family/room/thing"): ("token", {"roomid": kitchen, "oldThingList": [
            {"itemType": 1, "id": STRIP}, {"itemType": 1, "id": POWR2}], "newThingList": []}),
        ("post", "/v2/family/current"): ("token", {"id": w.home["id"]}),
    }


def send(w: World, method: str, path: str, auth: str, body: Any, *, raw: bytes | None = None) -> dict[str, Any]:
    content = raw if raw is not None else json.dumps(body).encode()
    if auth == "sign":
        headers = {"X-CK-Appid": LENIENT_APPID, "Authorization": "Sign x"}
    else:
        headers = {"Authorization": f"Bearer {w.demo.at}"}
    response = w.client.request(method.upper(), f"http://{LOCAL}{path}", content=content,
                                headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def unchanged(w: World, request: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    before = w.stores()
    answer = request()
    assert w.stores() == before, f"a refused request changed the state: {answer}"
    return answer


BODY_OPERATIONS = sorted((method, path) for path, item in document()["paths"].items()
                         for method, op in item.items() if "requestBody" in op)


def test_every_body_operation_has_an_example() -> None:
    w = World.__new__(World)
    w.codes, w.rt, w.group_id, w.friend_apikey = {0: "", 1: "", 3: "", 4: ""}, "", "", ""
    w.home, w.rooms, w.things = {"id": ""}, {"Kitchen": ""}, []
    w.spare = {}
    assert sorted(examples(w)) == BODY_OPERATIONS


@pytest.mark.parametrize(("method", "path"), BODY_OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in BODY_OPERATIONS])
def test_the_example_is_accepted_and_every_wrong_type_refused(world: World, method: str, path: str) -> None:
    auth, body = examples(world)[(method, path)]
    world.fresh()
    assert send(world, method, path, auth, body)["error"] == 0
    op = document()["paths"][path][method]
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    codes = set(op["x-error-codes"])
    for location, name, wrong in wrong_bodies(body, schema):
        world.fresh()
        answer = unchanged(world, lambda b=wrong: send(world, method, path, auth, b))
        assert answer["error"] != 0 and answer["error"] in codes, (location, name, answer)
    for raw in (b"", b"[1, 2]", b"{", b'{"a": NaN}', b"\xff\xfe", b'"\\ud800"', b"[" * 5000):
        world.fresh()
        answer = unchanged(world, lambda r=raw: send(world, method, path, auth, None, raw=r))
        assert answer["error"] == 400, (raw[:20], answer)


def _types(schema: dict[str, Any]) -> set[str] | None:
    kind = schema.get("type")
    if kind is None:
        return None
    return set(kind) if isinstance(kind, list) else {kind}


def wrong_bodies(body: dict[str, Any], schema: dict[str, Any], where: str = "$"):  # type: ignore[no-untyped-def]
    """``(where, name, body)`` for each property of ``body`` given a value of a wrong type."""
    for name, value in body.items():
        prop = schema.get("properties", {}).get(name, {})
        types = _types(prop)
        options = prop.get("enum") or ([prop["const"]] if "const" in prop else None)
        for wrong, satisfies in WRONG_VALUES:
            if types is not None:
                bad = not (satisfies & types) and not (types == {"number"} and isinstance(wrong, int))
            else:
                bad = options is not None and wrong not in options and not isinstance(wrong, bool)
            if bad:
                yield where, name, {**body, name: wrong}
        if isinstance(value, dict) and prop.get("properties"):
            for inner_where, inner, changed in wrong_bodies(value, prop, f"{where}.{name}"):
                yield inner_where, inner, {**body, name: changed}


# -- isolation --------------------------------------------------------------------------------------
def test_no_account_reaches_another_accounts_things(world: World) -> None:
    world.fresh()
    f = world.friend
    kitchen = world.rooms["Kitchen"]
    lamp = ewelink_of(world.cloud).device(LAMP)
    tries: list[Callable[[], dict[str, Any]]] = [
        lambda: f.get("/v2/device/thing/status", type=1, id=LAMP),
        lambda: f.post("/v2/device/thing/status", {"type": 1, "id": LAMP, "params": {"switch": "on"}}),
        lambda: f.get("/v2/device/thing/status", type=2, id=world.group_id),
        lambda: f.post("/v2/device/thing/status", {"type": 2, "id": world.group_id, "params": {"switch": "on"}}),
        lambda: f.post("/v2/device/update-info", {"deviceid": LAMP, "name": "mine"}),
        lambda: f.post("/v2/device/update-info", {"deviceid": STRIP, "name": "mine"}),  # shared: not the owner
        lambda: f.delete("/v2/device", deviceid=LAMP),
        lambda: f.post("/v2/device/tags", {"deviceid": STRIP, "tags": {"x": 1}}),
        lambda: f.get("/v2/device/history", deviceid=LAMP),
        lambda: f.delete("/v2/device/history", deviceid=STRIP),
        lambda: f.post("/v2/device/ota/query", {"deviceInfoList": [{"deviceid": LAMP, "model": "m", "version": "1"}]}),
        lambda: f.put("/v2/device/group", {"id": world.group_id, "name": "mine"}),
        lambda: f.delete("/v2/device/group", id=world.group_id),
        lambda: f.post("/v2/device/group/status", {"id": world.group_id, "params": {"switch": "on"}}),
        lambda: f.post("/v2/device/group/update", {"id": world.group_id, "deviceidList": [LAMP]}),
        lambda: f.post("/v2/device/group", {"name": "mine", "mainDeviceId": LAMP}),
        lambda: f.post("/v2/device/share", {"deviceidList": [STRIP], "user": {"email": DEMO_EMAIL}, "permit": 15}),
        lambda: f.post("/v2/device/share/permit", {"deviceid": STRIP, "apikey": world.friend_apikey, "permit": 15}),
        lambda: f.delete("/v2/device/share", deviceid=STRIP, apikey=world.friend_apikey),
        lambda: f.post("/v2/device/add", {"name": "mine", "deviceid": LAMP, "chipid": lamp.chipid,
                                          "digest": hashlib.sha256((LAMP + lamp.devicekey).encode()).hexdigest()}),
        lambda: f.put("/v2/family", {"id": world.home["id"], "name": "mine"}),
        lambda: f.delete("/v2/family", id=world.home["id"], deviceFamily=world.home["id"],
                         switchFamily=world.home["id"]),
        lambda: f.post("/v2/family/room", {"familyid": world.home["id"], "name": "mine", "sort": 1}),
        lambda: f.put("/v2/family/room", {"id": kitchen, "name": "mine"}),
        lambda: f.delete("/v2/family/room", id=kitchen),
        lambda: f.post("/v2/family/room/index", {"familyid": world.home["id"], "idList": list(world.rooms.values())}),
        lambda: f.post("/v2/family/thing/sort", {"familyid": world.home["id"], "thingList": world.things}),
        lambda: f.post("/v2/family/room/thing", {"roomid": kitchen, "oldThingList": [], "newThingList": []}),
        lambda: f.post("/v2/family/current", {"id": world.home["id"]}),
        lambda: f.get("/v2/device/thing", familyid=world.home["id"]),
        lambda: f.get("/v2/message/read", familyid=world.home["id"]),
    ]
    for attempt in tries:
        answer = unchanged(world, attempt)
        assert answer["error"] in (400, 405, 406, 500, 30018), answer
    seen = world.friend.ok(world.friend.get("/v2/device/thing"))["thingList"]
    assert [t["itemData"]["deviceid"] for t in seen] == [STRIP]  # only what was shared with it
    assert ewelink_of(world.cloud).device(LAMP).attrs["switch"] == "off"


def test_queries_with_bad_values_are_refused_and_change_nothing(world: World) -> None:
    world.fresh()
    d = world.demo
    for attempt in (lambda: d.get("/v2/device/thing", num="x"), lambda: d.get("/v2/device/thing", num=-1),
                    lambda: d.get("/v2/device/thing/status", type="1x", id=LAMP),
                    lambda: d.get("/v2/device/thing/status", type=1),
                    lambda: d.get("/v2/device/history", deviceid=LAMP, num=0),
                    lambda: d.get("/v2/device/history", deviceid=LAMP, **{"from": "yesterday"}),
                    lambda: d.get("/v2/message/read", num=31), lambda: d.delete("/v2/device"),
                    lambda: d.delete("/v2/device/group"), lambda: d.delete("/v2/family/room"),
                    lambda: world.lenient.sign_get("/v2/utils/get-region", {"countryCode": "France"})):
        answer = unchanged(world, attempt)
        assert answer["error"] in (400, 405), answer


def test_a_lone_surrogate_or_nul_in_a_string_is_refused(world: World) -> None:
    world.fresh()
    for value in ("a\x00b", "x" * 300):
        answer = unchanged(world, lambda v=value: world.demo.post("/v2/device/update-info", {"deviceid": LAMP,
                                                                                              "name": v}))
        assert answer["error"] == 400


