"""Linkage rules: available parameters, CRUD with the documented shape, and every form error."""

from __future__ import annotations

from typing import Any

import pytest
from clocked import PILOTE2_PK, PRO_PK, T0, cloud_at
from conftest import assert_error, login, user_headers
from starlette.testclient import TestClient

from emulator.gizwits.cloud.cloud import Cloud


@pytest.fixture
def cloud() -> Cloud:
    return cloud_at(T0)


def window_rule(dids: dict[str, str], **changes: Any) -> dict[str, Any]:
    """The Pro's window opens (it stops heating and sends fro): the Pilote2 goes to fro."""
    rule: dict[str, Any] = {
        "product_key": PRO_PK, "did": dids["Pilote_Pro"], "name": "Fenêtre séjour", "remark": "", "event": "data",
        "input": [{"product_key": PRO_PK, "did": dids["Pilote_Pro"], "prefix": "pro"}],
        "condition": [[{"left": "pro.cur_signal", "opt": "==", "right": "'fro'"},
                       {"left": "pro.heating_state", "opt": "==", "right": "0"}]],
        "output": [[{"type": "devctrl", "did": dids["Pilote2"], "attrs": {"mode": "fro"}}]],
    }
    rule.update(changes)
    return rule


def test_params_lists_the_data_points_of_the_asked_products(client: TestClient, demo: dict[str, str]) -> None:
    response = client.get(f"/app/rules/params?product_key={PILOTE2_PK},unknown", headers=demo)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == [PILOTE2_PK]
    points = {p["name"]: p for p in body[PILOTE2_PK]}
    assert points["mode"] == {"display_name": "mode", "enum": ["cft", "eco", "fro", "stop", "cft1", "cft2"],
                              "type": "enum", "name": "mode"}
    assert points["derog_time"] == {"display_name": "derog_time", "enum": [], "type": "int", "name": "derog_time"}
    assert list(points["mode"]) == ["display_name", "enum", "type", "name"]


def test_params_without_product_key_lists_every_product(client: TestClient, cloud: Cloud,
                                                        demo: dict[str, str]) -> None:
    body = client.get("/app/rules/params", headers=demo).json()
    assert set(body) == {p.product_key for p in cloud.catalog}


def test_a_new_user_has_no_rules(client: TestClient, demo: dict[str, str]) -> None:
    response = client.get("/app/rules", headers=demo)
    assert (response.status_code, response.json()) == (200, {"rules": []})


def test_create_answers_the_rule_id_and_lists_it(client: TestClient, demo: dict[str, str],
                                                 demo_dids: dict[str, str]) -> None:
    response = client.post("/app/rules", headers=demo, json=window_rule(demo_dids))
    assert response.status_code == 200
    assert response.json() == {"rule_id": 1}
    rules = client.get("/app/rules", headers=demo).json()["rules"]
    assert rules == [{
        "remark": "", "name": "Fenêtre séjour", "did": demo_dids["Pilote_Pro"], "interval": 0, "product_key": PRO_PK,
        "event": "data",
        "output": [[{"type": "devctrl", "did": demo_dids["Pilote2"], "attrs": {"mode": "fro"}}]],
        "input": [{"product_key": PRO_PK, "did": demo_dids["Pilote_Pro"], "prefix": "pro"}],
        "rule_id": 1,
        "condition": [[{"left": "pro.cur_signal", "opt": "==", "right": "'fro'"},
                       {"left": "pro.heating_state", "opt": "==", "right": "0"}]],
    }]
    assert list(rules[0]) == ["remark", "name", "did", "interval", "product_key", "event", "output", "input",
                              "rule_id", "condition"]


def test_rules_are_paged(client: TestClient, demo: dict[str, str], demo_dids: dict[str, str]) -> None:
    for name in ("a", "b", "c"):
        client.post("/app/rules", headers=demo, json=window_rule(demo_dids, name=name))
    page = client.get("/app/rules?limit=1&skip=1", headers=demo).json()["rules"]
    assert [r["name"] for r in page] == ["b"]


def test_event_defaults_to_data_and_raw_outputs_are_kept_as_bytes(client: TestClient, demo: dict[str, str],
                                                                  demo_dids: dict[str, str]) -> None:
    rule = window_rule(demo_dids, event="", condition=[], input=[],
                       output=[[{"type": "devctrl", "did": demo_dids["Heatzy"], "raw": "010102"},
                                {"type": "delay", "delay": 5}]])
    assert client.post("/app/rules", headers=demo, json=rule).status_code == 200
    (listed,) = client.get("/app/rules", headers=demo).json()["rules"]
    assert listed["event"] == "data"
    assert listed["output"] == [[{"type": "devctrl", "did": demo_dids["Heatzy"], "raw": [1, 1, 2]},
                                 {"type": "delay", "delay": 5}]]


def test_put_replaces_the_rule(client: TestClient, demo: dict[str, str], demo_dids: dict[str, str]) -> None:
    client.post("/app/rules", headers=demo, json=window_rule(demo_dids))
    changed = window_rule(demo_dids, name="Autre", interval=60, event="offline", condition=[])
    response = client.put("/app/rules/1", headers=demo, json=changed)
    assert (response.status_code, response.json()) == (200, {"rule_id": 1})
    (rule,) = client.get("/app/rules", headers=demo).json()["rules"]
    assert (rule["name"], rule["interval"], rule["event"], rule["condition"]) == ("Autre", 60, "offline", [])


def test_delete_answers_the_rule_id(client: TestClient, demo: dict[str, str], demo_dids: dict[str, str]) -> None:
    client.post("/app/rules", headers=demo, json=window_rule(demo_dids))
    response = client.delete("/app/rules/1", headers=demo)
    assert (response.status_code, response.json()) == (200, {"rule_id": 1})
    assert client.get("/app/rules", headers=demo).json() == {"rules": []}


def test_another_users_rule_is_unknown(client: TestClient, demo: dict[str, str], demo_dids: dict[str, str]) -> None:
    client.post("/app/rules", headers=demo, json=window_rule(demo_dids))
    friend = user_headers(login(client, "friend@heatzy.test", "heatzy-friend")["token"])
    assert_error(client.delete("/app/rules/1", headers=friend), 9015, 400)
    assert_error(client.put("/app/rules/1", headers=friend, json=window_rule(demo_dids)), 9015, 400)
    assert_error(client.delete("/app/rules/99", headers=demo), 9015, 400)
    assert_error(client.delete("/app/rules/abc", headers=demo), 9015, 400)
    assert client.get("/app/rules", headers=friend).json() == {"rules": []}


def _bad(dids: dict[str, str], spare: str) -> list[tuple[dict[str, Any], int, int]]:
    pro, pilote = dids["Pilote_Pro"], dids["Pilote2"]
    devctrl = {"type": "devctrl", "did": pilote, "attrs": {"mode": "fro"}}
    return [
        ({"product_key": "nope"}, 9002, 400),
        ({"product_key": PILOTE2_PK}, 9002, 400),
        ({"did": "unknownDid"}, 9014, 404),
        ({"did": spare, "product_key": PILOTE2_PK}, 9017, 401),
        ({"event": "rain"}, 9036, 400),
        ({"event": "alert"}, 9015, 400),
        ({"event": "alert", "event_attr": {"attr_name": "mode", "value": "1"}}, 9015, 400),
        ({"interval": -1}, 9015, 400),
        ({"input": [{"product_key": PRO_PK, "did": pro, "prefix": "1x"}]}, 9015, 400),
        ({"input": [{"product_key": PRO_PK, "did": pro, "prefix": "a"},
                    {"product_key": PRO_PK, "did": pro, "prefix": "a"}]}, 9015, 400),
        ({"input": [{"product_key": PILOTE2_PK, "did": pro, "prefix": "pro"}]}, 9002, 400),
        ({"input": [{"did": spare, "prefix": "pro"}]}, 9017, 401),
        ({"condition": [[{"left": "other.mode", "opt": "==", "right": "1"}]]}, 9015, 400),
        ({"condition": [[{"left": "pro.nothing", "opt": "==", "right": "1"}]]}, 9015, 400),
        ({"condition": [[{"left": "pro.mode", "opt": "=~", "right": "1"}]]}, 9015, 400),
        ({"condition": [[{"left": "pro.mode", "opt": "==", "right": None}]]}, 9015, 400),
        ({"condition": [[{"left": "pro.mode", "opt": [], "right": 1}]]}, 9015, 400),
        ({"condition": [[]]}, 9015, 400),
        ({"condition": "pro.mode == 1"}, 9015, 400),
        ({"output": []}, 9015, 400),
        ({"output": [[]]}, 9015, 400),
        ({"output": [[{"type": "shout"}]]}, 9015, 400),
        ({"output": [[{"type": "delay", "delay": -5}]]}, 9015, 400),
        ({"output": [[{"type": "devctrl", "did": pilote}]]}, 9015, 400),
        ({"output": [[{"type": "devctrl", "did": pilote, "attrs": {"mode": "fro"}, "raw": [1]}]]}, 9015, 400),
        ({"output": [[{"type": "devctrl", "did": pilote, "raw": "zz"}]]}, 9015, 400),
        ({"output": [[{"type": "devctrl", "did": pilote, "attrs": {"mode": "hot"}}]]}, 9025, 400),
        ({"output": [[{"type": "devctrl", "did": pilote, "attrs": {"cur_temp": 5}}]]}, 9025, 400),
        ({"output": [[devctrl, {"type": "devctrl", "did": spare, "attrs": {"mode": "fro"}}]]}, 9017, 401),
        ({"output": [[{"type": "devctrl", "did": pilote, "attrs": {"mode": "ghost.mode"}}]]}, 9015, 400),
    ]


def test_every_form_error_is_documented_and_stores_nothing(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                           demo_dids: dict[str, str]) -> None:
    spare = cloud.devices.by_mac(PILOTE2_PK, "a0b1c2d3e4f5")
    assert spare is not None
    for changes, code, status in _bad(demo_dids, spare.did):
        body = window_rule(demo_dids, **changes)
        assert_error(client.post("/app/rules", headers=demo, json=body), code, status)
    for key in ("product_key", "did", "output"):
        body = window_rule(demo_dids)
        del body[key]
        assert_error(client.post("/app/rules", headers=demo, json=body), 9015, 400)
    assert client.get("/app/rules", headers=demo).json() == {"rules": []}


def test_a_failed_replace_leaves_the_rule_as_it_was(client: TestClient, demo: dict[str, str],
                                                    demo_dids: dict[str, str]) -> None:
    client.post("/app/rules", headers=demo, json=window_rule(demo_dids))
    before = client.get("/app/rules", headers=demo).json()
    assert_error(client.put("/app/rules/1", headers=demo, json=window_rule(demo_dids, event="rain")), 9036, 400)
    assert client.get("/app/rules", headers=demo).json() == before
