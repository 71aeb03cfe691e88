"""eWeLink things: the thing list and homepage, status read and write, batch writes, adding
and deleting devices, tags, groups, sharing, homes and rooms, messages, operation history, OTA."""

from __future__ import annotations

import hashlib

from ewelink_support import (
    DOOR,
    FRIEND_EMAIL,
    FRIEND_PASSWORD,
    LAMP,
    POWR2,
    SPARE,
    STRIP,
    TH16,
    Ewe,
    eclient,
    ecloud,
    ewe,
    ewelink_of,
)
from starlette.testclient import TestClient

from emulator.gizwits.cloud.cloud import Cloud

__all__ = ["eclient", "ecloud", "ewe"]
DEMO_DEVICES = [LAMP, STRIP, POWR2, TH16, DOOR]


def names(things: list[dict]) -> list[str]:
    return [t["itemData"].get("deviceid") or t["itemData"]["id"] for t in things]


def test_the_thing_list_has_every_field_the_clients_read(ewe: Ewe) -> None:
    data = ewe.ok(ewe.get("/v2/device/thing"))
    assert data["total"] == 5 and names(data["thingList"]) == DEMO_DEVICES
    item = data["thingList"][0]
    assert item["itemType"] == 1 and isinstance(item["index"], int)
    device = item["itemData"]
    for key in ("name", "deviceid", "apikey", "extra", "brandName", "brandLogo", "showBrand", "productModel",
                "devGroups", "tags", "devConfig", "settings", "family", "sharedBy", "shareTo", "devicekey", "online",
                "params"):
        assert key in device, key
    assert device["extra"]["uiid"] == 1 and device["extra"]["chipid"]
    assert device["settings"] == {"opsNotify": 0, "opsHistory": 1, "alarmNotify": 1}
    assert device["params"]["switch"] == "off" and device["online"] is True
    assert device["family"]["roomid"]  # the Lamp is in the living room


def test_paging_by_num_and_begin_index(ewe: Ewe) -> None:
    everything = ewe.ok(ewe.get("/v2/device/thing", num=0))["thingList"]
    indexes = [t["index"] for t in everything]
    assert indexes == sorted(indexes)
    two = ewe.ok(ewe.get("/v2/device/thing", num=2))
    assert names(two["thingList"]) == DEMO_DEVICES[:2] and two["total"] == 5
    later = ewe.ok(ewe.get("/v2/device/thing", num=2, beginIndex=indexes[2]))
    assert names(later["thingList"]) == DEMO_DEVICES[2:4]
    assert ewe.get("/v2/device/thing", num=-1)["error"] == 400


def test_chosen_things_and_homepage(ewe: Ewe) -> None:
    chosen = ewe.ok(ewe.post("/v2/device/thing", {"thingList": [{"itemType": 1, "id": POWR2},
                                                                {"itemType": 1, "id": "1000ffffff"}]}))
    assert names(chosen["thingList"]) == [POWR2]
    assert ewe.post("/v2/device/thing", {"thingList": []})["error"] == 400
    page = ewe.ok(ewe.post("/v2/homepage", {"lang": "en", "getUser": {}, "getFamily": {}, "getThing": {"num": 3},
                                           "getMessage": {}}))
    assert page["userInfo"]["email"] == "demo@ewelink.test"
    assert page["familyInfo"]["currentFamilyId"] and len(page["thingInfo"]["thingList"]) == 3
    assert page["messageInfo"] == {"messageList": []}


def test_status_read_and_write_with_the_params_filter(ewe: Ewe) -> None:
    assert ewe.control(LAMP, {"switch": "on"})["error"] == 0
    assert ewe.status(LAMP)["switch"] == "on"
    assert ewe.ok(ewe.get("/v2/device/thing/status", type=1, id=LAMP, params="switch|startup"))["params"] == {
        "switch": "on", "startup": "off"}
    assert ewe.control(LAMP, {"switch": "maybe"})["error"] == 400
    assert ewe.control(LAMP, {"colour": "red"})["error"] == 400
    assert ewe.control("1000ffffff", {"switch": "on"})["error"] == 405
    assert ewe.get("/v2/device/thing/status", type=3, id=LAMP)["error"] == 400


def test_an_offline_device_refuses_writes_and_batch_says_30022(ewe: Ewe, ecloud: Cloud) -> None:
    cloud = ewelink_of(ecloud)
    cloud.set_online(cloud.device(LAMP), False)
    assert ewe.control(LAMP, {"switch": "on"})["error"] == 4002
    answer = ewe.ok(ewe.post("/v2/device/thing/batch-status", {"timeout": 1000, "thingList": [
        {"type": 1, "id": LAMP, "params": {"switch": "on"}}, {"type": 1, "id": POWR2, "params": {"switch": "off"}}]}))
    assert answer["respList"] == [{"type": 1, "id": LAMP, "error": 30022}, {"type": 1, "id": POWR2, "error": 0}]
    assert ewe.status(POWR2)["switch"] == "off"
    quick = ewe.ok(ewe.post("/v2/device/thing/batch-status", {"thingList": [
        {"type": 1, "id": LAMP, "params": {"switch": "on"}}]}))
    assert quick["respList"][0]["error"] == 0  # timeout 0: answered at once (L1068)
    assert ewe.post("/v2/device/thing/batch-status", {"thingList": [
        {"type": 1, "id": LAMP, "params": {}}, {"type": 1, "id": LAMP, "params": {}}]})["error"] == 400


def test_four_channels_take_partial_writes_and_interlock(ewe: Ewe) -> None:
    assert ewe.control(STRIP, {"switches": [{"switch": "on", "outlet": 2}]})["error"] == 0
    assert [s["switch"] for s in ewe.status(STRIP)["switches"]] == ["off", "off", "on", "off"]
    assert ewe.control(STRIP, {"lock": 1})["error"] == 0
    ewe.control(STRIP, {"switches": [{"switch": "on", "outlet": 0}]})
    assert [s["switch"] for s in ewe.status(STRIP)["switches"]] == ["on", "off", "off", "off"]
    assert ewe.control(STRIP, {"switches": [{"switch": "on", "outlet": 4}]})["error"] == 400


def test_a_door_sensor_takes_no_writes_from_apps(ewe: Ewe) -> None:
    assert ewe.control(DOOR, {"switch": "on"})["error"] == 400
    assert ewe.status(DOOR)["battery"] == 100


def test_adding_a_spare_device_checks_id_chip_and_digest(ewe: Ewe, ecloud: Cloud) -> None:
    device = ewelink_of(ecloud).device(SPARE)
    digest = hashlib.sha256((SPARE + device.devicekey).encode()).hexdigest()
    body = {"name": "Porch", "deviceid": SPARE, "digest": digest, "chipid": device.chipid}
    assert ewe.post("/v2/device/add", {**body, "deviceid": "xyz"})["error"] == 30010
    assert ewe.post("/v2/device/add", {**body, "deviceid": "1000ffffff"})["error"] == 30018
    assert ewe.post("/v2/device/add", {**body, "chipid": "00"})["error"] == 30014
    assert ewe.post("/v2/device/add", {**body, "digest": "0" * 64})["error"] == 30015
    added = ewe.ok(ewe.post("/v2/device/add", {**body, "sort": 2}))
    assert added["itemType"] == 1 and added["itemData"]["name"] == "Porch"
    assert ewe.ok(ewe.get("/v2/device/thing"))["total"] == 6
    friend = Ewe(ewe.client)
    friend.login(FRIEND_EMAIL, FRIEND_PASSWORD)
    assert friend.post("/v2/device/add", body)["error"] == 406


def test_rename_move_tag_and_delete(ewe: Ewe) -> None:
    home = ewe.ok(ewe.get("/v2/family"))["familyList"][0]
    kitchen = next(r["id"] for r in home["roomList"] if r["name"] == "Kitchen")
    renamed = ewe.post("/v2/device/update-info", {"deviceid": LAMP, "name": "Reading lamp", "roomid": kitchen})
    assert renamed["error"] == 0
    lamp = ewe.ok(ewe.post("/v2/device/thing", {"thingList": [{"itemType": 1, "id": LAMP}]}))["thingList"][0]
    assert lamp["itemData"]["name"] == "Reading lamp" and lamp["itemData"]["family"]["roomid"] == kitchen
    ewe.post("/v2/device/tags", {"deviceid": LAMP, "tags": {"a": 1}})
    merged = ewe.ok(ewe.post("/v2/device/tags", {"deviceid": LAMP, "type": "merge", "tags": {"b": 2}}))
    assert merged["updatedThing"]["itemData"]["tags"] == {"a": 1, "b": 2}
    replaced = ewe.ok(ewe.post("/v2/device/tags", {"deviceid": LAMP, "tags": {"c": 3}}))
    assert replaced["updatedThing"]["itemData"]["tags"] == {"c": 3}
    assert ewe.post("/v2/device/tags", {"deviceid": "1000ffffff", "tags": {}})["error"] == 405
    assert ewe.delete("/v2/device", deviceid=LAMP)["error"] == 0
    assert LAMP not in names(ewe.ok(ewe.get("/v2/device/thing"))["thingList"])
    assert ewe.control(LAMP, {"switch": "on"})["error"] == 405


def test_groups_save_params_and_control_every_member(ewe: Ewe) -> None:
    made = ewe.ok(ewe.post("/v2/device/group", {"name": "Lights", "mainDeviceId": LAMP}))
    group_id = made["itemData"]["id"]
    assert made["itemType"] == 3 and names(made["updatedThingList"]) == [LAMP]
    assert ewe.post("/v2/device/group/update", {"id": group_id, "deviceidList": [POWR2]})["error"] == 400
    assert ewe.ok(ewe.post("/v2/device/group/update", {"id": group_id, "deviceidList": [LAMP, POWR2]}))
    assert ewe.put("/v2/device/group", {"id": group_id, "name": "All lights"})["error"] == 0
    groups = ewe.ok(ewe.get("/v2/device/group"))["groupList"]
    assert [g["itemData"]["name"] for g in groups] == ["All lights"]
    assert ewe.post("/v2/device/group/status", {"id": group_id, "params": {"switch": "on"}})["error"] == 0
    assert ewe.status(LAMP)["switch"] == "off"  # saved only (L1368)
    assert ewe.ok(ewe.get("/v2/device/thing/status", type=2, id=group_id))["params"] == {"switch": "on"}
    assert ewe.post("/v2/device/thing/status", {"type": 2, "id": group_id, "params": {"switch": "on"}})["error"] == 0
    assert ewe.status(LAMP)["switch"] == "on" and ewe.status(POWR2)["switch"] == "on"
    things = ewe.ok(ewe.get("/v2/device/thing", num=0))
    assert group_id in names(things["thingList"]) and things["total"] == 6
    lamp = next(t for t in things["thingList"] if t["itemData"].get("deviceid") == LAMP)
    assert lamp["itemData"]["devGroups"] == [{"type": 1, "groupId": group_id}]
    assert ewe.delete("/v2/device/group", id=group_id)["error"] == 0
    assert ewe.delete("/v2/device/group", id=group_id)["error"] == 400


def test_sharing_shows_the_device_to_the_friend_and_cancelling_takes_it_back(ewe: Ewe) -> None:
    friend = Ewe(ewe.client)
    friend.login(FRIEND_EMAIL, FRIEND_PASSWORD)
    assert ewe.post("/v2/device/share", {"deviceidList": [LAMP], "user": {"email": "nobody@x.test"},
                                         "permit": 15})["error"] == 30008
    shared = ewe.ok(ewe.post("/v2/device/share", {"deviceidList": [LAMP], "user": {"email": FRIEND_EMAIL},
                                                  "permit": 3, "comment": "hi"}))
    share_to = shared["updatedThingList"][0]["itemData"]["shareTo"]
    apikey = share_to[0]["apikey"]
    assert share_to[0]["email"] == FRIEND_EMAIL and share_to[0]["permit"] == 3
    seen = friend.ok(friend.get("/v2/device/thing"))["thingList"]
    assert [t["itemType"] for t in seen] == [2] and seen[0]["itemData"]["sharedBy"]["email"] == "demo@ewelink.test"
    assert friend.control(LAMP, {"switch": "on"})["error"] == 0
    assert friend.post("/v2/device/tags", {"deviceid": LAMP, "tags": {}})["error"] == 406
    messages = friend.ok(friend.get("/v2/message/read"))["messageList"]
    assert [m["msgType"] for m in messages] == ["shareNotify_v2"]
    assert ewe.ok(ewe.post("/v2/device/share/permit", {"deviceid": LAMP, "apikey": apikey, "permit": 15}))
    assert ewe.post("/v2/device/share/permit", {"deviceid": LAMP, "apikey": "nobody", "permit": 1})["error"] == 500
    assert ewe.delete("/v2/device/share", deviceid=LAMP, apikey=apikey)["error"] == 0
    assert friend.ok(friend.get("/v2/device/thing"))["thingList"] == []
    assert friend.control(LAMP, {"switch": "off"})["error"] == 405
    assert ewe.delete("/v2/device/share", deviceid=LAMP, apikey=apikey)["error"] == 500
    types = [m["msgType"] for m in friend.ok(friend.get("/v2/message/read"))["messageList"]]
    assert types == ["cancelShareNotify_v2", "shareNotify_v2"]


def test_homes_rooms_ordering_and_current_home(ewe: Ewe) -> None:
    made = ewe.ok(ewe.post("/v2/family", {"name": "Cottage", "sort": 2, "roomNameList": ["Attic", "Barn"]}))
    assert [r["name"] for r in made["roomList"]] == ["Attic", "Barn"]
    room = ewe.ok(ewe.post("/v2/family/room", {"familyid": made["id"], "name": "Cellar", "sort": 1}))
    ids = [r["id"] for r in made["roomList"]] + [room["id"]]
    assert ewe.post("/v2/family/room/index", {"familyid": made["id"], "idList": ids[:2]})["error"] == 400
    assert ewe.post("/v2/family/room/index", {"familyid": made["id"], "idList": list(reversed(ids))})["error"] == 0
    homes = ewe.ok(ewe.get("/v2/family"))
    cottage = next(h for h in homes["familyList"] if h["id"] == made["id"])
    assert [r["name"] for r in cottage["roomList"]] == ["Cellar", "Barn", "Attic"]
    assert ewe.put("/v2/family/room", {"id": room["id"], "name": "Wine cellar"})["error"] == 0
    assert ewe.delete("/v2/family/room", id=room["id"])["error"] == 0
    assert ewe.post("/v2/family/current", {"id": made["id"]})["error"] == 0
    assert ewe.ok(ewe.get("/v2/device/thing"))["total"] == 0  # the cottage is empty
    assert ewe.put("/v2/family", {"name": "Holiday cottage"})["error"] == 0
    main = next(h["id"] for h in homes["familyList"] if h["id"] != made["id"])
    assert ewe.delete("/v2/family", id=made["id"], deviceFamily=main, switchFamily=main)["error"] == 0
    assert ewe.ok(ewe.get("/v2/family"))["currentFamilyId"] == main
    assert ewe.delete("/v2/family", id=main, deviceFamily=main, switchFamily=main)["error"] == 20003


def test_sorting_and_moving_things(ewe: Ewe) -> None:
    refs = [{"itemType": 1, "id": d} for d in reversed(DEMO_DEVICES)]
    assert ewe.post("/v2/family/thing/sort", {"thingList": refs[:2]})["error"] == 400
    assert ewe.post("/v2/family/thing/sort", {"thingList": refs})["error"] == 0
    assert names(ewe.ok(ewe.get("/v2/device/thing"))["thingList"]) == list(reversed(DEMO_DEVICES))
    home = ewe.ok(ewe.get("/v2/family"))["familyList"][0]
    kitchen = next(r["id"] for r in home["roomList"] if r["name"] == "Kitchen")
    in_kitchen = [{"itemType": 1, "id": STRIP}, {"itemType": 1, "id": POWR2}]
    assert ewe.post("/v2/family/room/thing", {"roomid": kitchen, "oldThingList": [],
                                              "newThingList": []})["error"] == 400
    assert ewe.post("/v2/family/room/thing", {"roomid": kitchen, "oldThingList": in_kitchen,
                                              "newThingList": [{"itemType": 1, "id": LAMP}]})["error"] == 0
    rooms = {t["itemData"]["deviceid"]: t["itemData"]["family"]["roomid"]
             for t in ewe.ok(ewe.get("/v2/device/thing"))["thingList"]}
    assert rooms[LAMP] == kitchen and rooms[STRIP] == "" and rooms[POWR2] == ""


def test_the_operation_history_follows_ops_history(ewe: Ewe, ecloud: Cloud) -> None:
    ewe.control(LAMP, {"switch": "on"})
    ecloud.advance(60)
    ewe.control(LAMP, {"switch": "off"})
    logs = ewe.ok(ewe.get("/v2/device/history", deviceid=LAMP))["histories"]
    assert [log["request"] for log in logs] == ['{"switch":"off"}', '{"switch":"on"}']
    assert logs[0]["userAgent"] == "app" and logs[0]["opsAccount"] == "demo@ewelink.test"
    assert logs[0]["opsSwitchs"] == "switch" and logs[0]["opsTime"] - logs[1]["opsTime"] == 60_000
    older = ewe.ok(ewe.get("/v2/device/history", deviceid=LAMP, **{"from": logs[0]["opsTime"]}))["histories"]
    assert len(older) == 1
    assert ewe.delete("/v2/device/history", deviceid=LAMP)["error"] == 0
    assert ewe.ok(ewe.get("/v2/device/history", deviceid=LAMP))["histories"] == []
    ewelink_of(ecloud).things.get(LAMP).settings["opsHistory"] = 0
    ewe.control(LAMP, {"switch": "on"})
    assert ewe.ok(ewe.get("/v2/device/history", deviceid=LAMP))["histories"] == []
    assert ewe.get("/v2/device/history", deviceid=LAMP, num=31)["error"] == 400


def test_ota_query_offers_newer_firmware(ewe: Ewe) -> None:
    answer = ewe.ok(ewe.post("/v2/device/ota/query", {"deviceInfoList": [
        {"deviceid": LAMP, "model": "PSF-BD1-GL", "version": "3.5.0"},
        {"deviceid": STRIP, "model": "PSF-B04-GL", "version": "9.9.9"}]}))
    assert [o["deviceid"] for o in answer["otaInfoList"]] == [LAMP]
    assert answer["otaInfoList"][0]["binList"][0]["downloadUrl"].endswith(".bin")


def test_dispatch_answers_the_regions_websocket_domain_or_this_server(eclient: TestClient, ewe: Ewe) -> None:
    answer = eclient.get("https://eu-dispa.coolkit.cc/dispatch/app").json()
    assert answer == {"IP": "127.0.0.1", "port": 8080, "domain": "eu-pconnect2.coolkit.cc", "error": 0,
                      "reason": "ok"}
    local = eclient.get("http://localhost:8123/dispatch/app").json()
    assert (local["domain"], local["port"]) == ("localhost", 8123)


def test_unknown_paths_answer_403_in_the_envelope(ewe: Ewe) -> None:
    assert ewe.get("/v2/device/things")["error"] == 403


def test_closing_the_account_removes_its_devices(ewe: Ewe, ecloud: Cloud) -> None:
    ewe.sign_post("/v2/user/verification-code", {"type": 3, "email": "demo@ewelink.test"})
    code = ewelink_of(ecloud).outbox.messages[-1].data["code"]
    assert ewe.post("/v2/user/close-account", {"verificationCode": "000000"})["error"] == 10002
    assert ewe.post("/v2/user/close-account", {"verificationCode": code})["error"] == 0
    assert ewe.get("/v2/user/profile")["error"] == 401
    assert ewelink_of(ecloud).devices.get(LAMP) is None
