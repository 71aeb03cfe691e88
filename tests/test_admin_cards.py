"""Admin API: what a person sees of the devices and does to them (``/_emulator/cards``, the
week program editor, advancing to the next program change) — the dashboard's data."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import DEMO_EMAIL, MONDAY_7AM_PARIS, assert_error
from starlette.testclient import TestClient

from emulator.gizwits.cloud.cloud import Cloud


def card_of(client: TestClient, did: str) -> dict[str, Any]:
    response = client.get(f"/_emulator/cards/{did}")
    assert response.status_code == 200, response.text
    return response.json()


def act(client: TestClient, did: str, name: str, value: Any = None) -> Any:
    return client.post(f"/_emulator/cards/{did}/actions/{name}", json={} if value is None else {"value": value})


def fact(card: dict[str, Any], name: str) -> str | None:
    return next((f["text"] for f in card["facts"] if f["name"] == name), None)


def action(card: dict[str, Any], name: str) -> dict[str, Any]:
    return next(a for a in card["actions"] if a["name"] == name)


def latest(client: TestClient, demo: dict[str, str], did: str) -> dict[str, Any]:
    return client.get(f"/app/devdata/{did}/latest", headers=demo).json()["attr"]


def test_every_demo_device_has_a_card_with_its_owner(client: TestClient, demo_dids: dict[str, str]) -> None:
    overview = client.get("/_emulator/cards").json()
    titles = {c["title"] for c in overview["cards"]}
    assert {"Salon", "Séjour", "Véranda", "Chambre parentale"} <= titles
    assert len([c for c in overview["cards"] if c.get("cloud") != "ewelink"]) == 10
    assert len([c for c in overview["cards"] if c.get("cloud") == "ewelink"]) == 6  # after them, the eWeLink ones
    assert overview["timezone"] == "Europe/Paris"
    salon = next(c for c in overview["cards"] if c["did"] == demo_dids["Pilote2"])
    assert salon["owners"] == [{"uid": salon["owners"][0]["uid"], "user": DEMO_EMAIL, "role": "special",
                                "alias": "Salon"}]
    spare = next(c for c in overview["cards"] if c["owners"] == [])
    assert spare["product"] == "Pilote2"


def test_the_first_generation_s_chinese_mode_is_translated(client: TestClient, demo_dids: dict[str, str],
                                                           demo: dict[str, str]) -> None:
    did = demo_dids["Heatzy"]
    card = card_of(client, did)
    assert card["mode"]["value"] == "cft" and card["mode"]["label"] == "Comfort" and card["mode"]["raw"] == "舒适"
    assert [o["value"] for o in action(card, "mode")["options"]] == ["cft", "eco", "fro", "stop"]
    assert act(client, did, "mode", "eco").json()["mode"] == {**card["mode"], "value": "eco", "label": "Eco",
                                                               "raw": "经济"}
    assert latest(client, demo, did)["mode"] == "经济"
    assert card["program"] is None


def test_pressing_eco_on_a_card_is_the_device_s_own_change(client: TestClient, demo_dids: dict[str, str],
                                                            demo: dict[str, str], cloud: Cloud) -> None:
    did = demo_dids["Pilote2"]
    card = act(client, did, "mode", "eco").json()
    assert card["mode"]["value"] == "eco" and action(card, "mode")["value"] == "eco"
    assert latest(client, demo, did)["mode"] == "eco"
    assert cloud.history.of(did)[-1].source == "device"


def test_mode_options_are_the_ones_the_generation_supports(client: TestClient, demo_dids: dict[str, str]) -> None:
    options = {name: [o["value"] for o in action(card_of(client, demo_dids[name]), "mode")["options"]]
               for name in ("Pilote2", "Pilote_Soc_C3", "Glow_Simple")}
    assert options["Pilote2"] == ["cft", "eco", "fro", "stop"]  # comfort -1/-2 are 4th generation
    assert options["Pilote_Soc_C3"] == options["Glow_Simple"] == ["cft", "eco", "fro", "stop", "cft1", "cft2"]


def test_a_boost_counts_down_as_the_clock_advances(client: TestClient, demo_dids: dict[str, str],
                                                   demo: dict[str, str]) -> None:
    did = demo_dids["Pilote2"]
    card = act(client, did, "boost", 45).json()
    assert card["mode"] == {"value": "cft", "label": "Comfort", "why": "boost"}
    assert fact(card, "boost") == "45 min left · until Mon 07:45"
    client.post("/_emulator/clock", json={"advance": "30m"})
    assert fact(card_of(client, did), "boost") == "15 min left · until Mon 07:45"
    assert latest(client, demo, did)["derog_time"] == 15
    assert action(card_of(client, did), "end_derogation")["kind"] == "button"
    card = act(client, did, "end_derogation").json()
    assert fact(card, "boost") is None and card["mode"]["why"] == "set by hand"


def test_a_vacation_counts_days_and_forces_frost(client: TestClient, demo_dids: dict[str, str]) -> None:
    did = demo_dids["Glow_Simple"]
    card = act(client, did, "vacation", 2).json()
    assert card["mode"]["value"] == "fro" and card["mode"]["why"] == "vacation"
    assert fact(card, "vacation") == "2 days left · until Wed 00:00"
    client.post("/_emulator/clock", json={"advance": "1d"})
    assert fact(card_of(client, did), "vacation") == "1 day left · until Wed 00:00"


def test_the_program_shows_its_current_and_next_slot(client: TestClient, demo_dids: dict[str, str]) -> None:
    card = card_of(client, demo_dids["Bloom"])  # follows the standard week: comfort 06:00-08:00 on weekdays
    program = card["program"]
    assert len(program["grid"]) == 7 and all(len(day) == 48 for day in program["grid"])
    assert program["on"] is True and card["mode"]["why"] == "week program"
    assert program["now"] == {"day": 1, "slot": 14, "mode": "cft", "label": "Monday 07:00"}
    assert program["next"]["mode"] == "eco" and program["next"]["slot"] == 16
    assert program["summary"] == "on · Comfort now · Eco from Mon 08:00"
    client.post("/_emulator/clock", json={"advance": "1h"})
    moved = card_of(client, demo_dids["Bloom"])
    assert moved["program"]["now"]["slot"] == 16 and moved["mode"]["value"] == "eco"


def test_a_hand_set_mode_holds_until_the_program_s_next_change(client: TestClient, demo_dids: dict[str, str]) -> None:
    did = demo_dids["Bloom"]
    card = act(client, did, "mode", "fro").json()
    assert card["mode"]["value"] == "fro"
    assert card["mode"]["why"] == "set by hand until Mon 08:00 (the program's next change)"


def test_the_program_switch_and_the_next_program_change(client: TestClient, demo_dids: dict[str, str],
                                                        cloud: Cloud) -> None:
    assert client.get("/_emulator/cards").json()["next_program_change"] == {
        "at": MONDAY_7AM_PARIS + 3600, "did": demo_dids["Bloom"], "label": "Mon 08:00"}
    answer = client.post("/_emulator/clock/next-program-change").json()
    assert answer["at"] == MONDAY_7AM_PARIS + 3600 and answer["did"] == demo_dids["Bloom"]
    assert cloud.now() == MONDAY_7AM_PARIS + 3600
    assert card_of(client, demo_dids["Bloom"])["mode"]["value"] == "eco"
    assert act(client, demo_dids["Bloom"], "program", False).json()["program"]["on"] is False
    assert client.get("/_emulator/cards").json()["next_program_change"] is None
    assert_error(client.post("/_emulator/clock/next-program-change"), 9015, 400)
    assert cloud.now() == MONDAY_7AM_PARIS + 3600
    assert_error(client.post("/_emulator/clock/next-program-change", json={"did": "x"}), 9015, 400)


def test_the_room_window_and_connection_actions(client: TestClient, demo_dids: dict[str, str],
                                                demo: dict[str, str]) -> None:
    did = demo_dids["Glow_Simple"]
    card = act(client, did, "room_temperature", 14.5).json()
    assert fact(card, "room_temperature") in ("14.4 °C", "14.5 °C", "14.6 °C")  # the sensor's ±0.1 °C noise
    assert fact(act(client, did, "window", True).json(), "window") == "open"
    card = act(client, did, "online", False).json()
    assert card["online"] is False and action(card, "online")["value"] is False
    assert fact(card, "offline").startswith("since Mon 07:00")
    assert_error(client.post(f"/app/control/{did}", headers=demo, json={"attrs": {"mode": "eco"}}), 9042, 400)
    assert act(client, did, "online", True).json()["online"] is True


def test_a_device_fault_is_a_fault_rule_on_its_did(client: TestClient, demo_dids: dict[str, str],
                                                   demo: dict[str, str]) -> None:
    did = demo_dids["Pilote2"]
    card = act(client, did, "fault", "not_delivered").json()
    assert action(card, "fault")["value"] == "not_delivered"
    assert fact(card, "fault") == "commands not delivered (9021)"
    [rule] = client.get("/_emulator/faults").json()
    assert rule["did"] == did and rule["device"] == "not_delivered"
    assert_error(client.post(f"/app/control/{did}", headers=demo, json={"attrs": {"mode": "eco"}}), 9021, 400)
    act(client, did, "fault", "offline")
    assert [r["device"] for r in client.get("/_emulator/faults").json()] == ["offline"]
    assert fact(act(client, did, "fault", "none").json(), "fault") is None
    assert client.get("/_emulator/faults").json() == []


def test_a_locked_device_ignores_its_buttons_and_the_card_says_so(client: TestClient, demo_dids: dict[str, str],
                                                                  demo: dict[str, str]) -> None:
    did = demo_dids["Pilote2"]
    client.post(f"/app/control/{did}", headers=demo, json={"attrs": {"lock_switch": 1}})
    card = card_of(client, did)
    assert fact(card, "lock") == "locked"
    assert "locked" in action(card, "mode")["disabled"]
    assert action(card, "online")["disabled"] is None
    body = assert_error(act(client, did, "mode", "eco"), 9015, 400)
    assert "locked" in body["detail_message"]
    assert latest(client, demo, did)["mode"] == "cft"


def test_the_pilote_pro_shows_its_sensors_and_heating(client: TestClient, demo_dids: dict[str, str]) -> None:
    card = card_of(client, demo_dids["Pilote_Pro"])
    names = [f["name"] for f in card["facts"]]
    assert {"room_temperature", "humidity", "comfort_temperature", "eco_temperature", "window", "heating",
            "signal", "lock"} <= set(names)
    assert fact(card, "comfort_temperature") == "19.0 °C" and fact(card, "eco_temperature") == "16.5 °C"
    assert {"window_detection", "window", "room_temperature"} <= {a["name"] for a in card["actions"]}


@pytest.mark.parametrize(("name", "value", "why"), [
    ("mode", "warm", "one of"), ("boost", 0, "1..255"), ("boost", 300, "1..255"), ("boost", 2.5, "whole"),
    ("boost", "60", "number"), ("boost", True, "number"), ("program", 1, "true or false"),
    ("room_temperature", 99, "-20..40"), ("fault", "boom", "one of"), ("teleport", None, "no action"),
])
def test_bad_action_values_are_refused_and_change_nothing(client: TestClient, demo_dids: dict[str, str],
                                                          name: str, value: Any, why: str) -> None:
    did = demo_dids["Glow_Simple"]
    before = card_of(client, did)
    body = assert_error(act(client, did, name, value), 9015, 400)
    assert why in body["detail_message"]
    assert card_of(client, did) == before


def test_actions_need_a_known_device_and_a_plain_body(client: TestClient, demo_dids: dict[str, str]) -> None:
    assert_error(client.get("/_emulator/cards/nope"), 9014, 404)
    assert_error(act(client, "nope", "mode", "eco"), 9014, 404)
    did = demo_dids["Pilote2"]
    assert_error(client.post(f"/_emulator/cards/{did}/actions/mode", json={"value": "eco", "also": 1}), 9015, 400)
    assert_error(client.post(f"/_emulator/cards/{did}/actions/mode", content=b"[1]"), 9015, 400)


def _week(mode: str) -> list[str]:
    return [mode] * 48


def test_editing_the_week_program_writes_its_data_points(client: TestClient, demo_dids: dict[str, str],
                                                         demo: dict[str, str], cloud: Cloud) -> None:
    did = demo_dids["Bloom"]
    monday = ["fro"] * 12 + ["eco"] * 36
    answer = client.put(f"/_emulator/devices/{did}/program", json={"days": {"1": monday}})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["program"]["grid"][0] == monday and body["program"]["grid"][1][14] == "cft"  # Tuesday kept
    assert body["changed"]["p1_data1"] == 0b10101010  # four frost slots (10) in the first 2-hour block
    assert latest(client, demo, did)["p1_data5"] == 0b01010101
    assert cloud.history.of(did)[-1].source == "device"
    assert card_of(client, did)["mode"]["value"] == "eco"  # Monday 07:00 is eco now


@pytest.mark.parametrize("days", [
    {"8": _week("eco")}, {"0": _week("eco")}, {"1": ["eco"] * 47}, {"1": _week("stop")}, {"1": "eco"}, {},
    {"1": _week("eco"), "2": _week("warm")}, [], "eco",
])
def test_a_bad_program_is_refused_whole(client: TestClient, demo_dids: dict[str, str], days: Any) -> None:
    did = demo_dids["Bloom"]
    before = card_of(client, did)["program"]
    assert_error(client.put(f"/_emulator/devices/{did}/program", json={"days": days}), 9015, 400)
    assert card_of(client, did)["program"] == before


def test_a_device_without_a_program_refuses_one(client: TestClient, demo_dids: dict[str, str]) -> None:
    body = assert_error(client.put(f"/_emulator/devices/{demo_dids['Heatzy']}/program",
                                   json={"days": {"1": _week("eco")}}), 9015, 400)
    assert "no week program" in body["detail_message"]
    assert_error(client.put("/_emulator/devices/nope/program", json={"days": {"1": _week("eco")}}), 9014, 404)
    assert_error(client.put(f"/_emulator/devices/{demo_dids['Bloom']}/program", json={"program": {}}), 9015, 400)


def test_the_journal_says_whose_token_a_request_carried(client: TestClient, demo: dict[str, str]) -> None:
    client.get("/app/bindings", headers=demo)
    entry = client.get("/_emulator/journal?path=/app/bindings").json()[-1]
    assert entry["user"] == DEMO_EMAIL
    login = client.get("/_emulator/journal?path=/app/login").json()[-1]
    assert login["user"] is None
