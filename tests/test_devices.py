"""``/app/devdata/{did}/latest``, ``/app/devices/{did}``, ``/app/datapoint`` and ``/app/control/{did}``."""

from __future__ import annotations

import json

from conftest import APP_HEADERS, assert_error, login, requires_shared, user_headers


def latest(client, headers, did):
    response = client.get(f"/app/devdata/{did}/latest", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def control(client, headers, did, body):
    return client.post(f"/app/control/{did}", headers=headers, json=body)


def test_devdata_has_did_updated_at_and_every_data_point(client, demo, demo_dids, cloud) -> None:
    body = latest(client, demo, demo_dids["Pilote2"])
    assert list(body) == ["did", "updated_at", "attr"]
    assert body["did"] == demo_dids["Pilote2"] and isinstance(body["updated_at"], int)
    product = cloud.catalog.resolve("Pilote2")
    assert set(body["attr"]) == {p.name for p in product.datapoints}
    assert latest(client, demo, demo_dids["Heatzy"])["attr"] == {"mode": "舒适"}


def test_devdata_needs_only_the_app_id_but_checks_a_token_when_sent(client, demo_dids) -> None:
    did = demo_dids["Pilote2"]
    assert client.get(f"/app/devdata/{did}/latest", headers=APP_HEADERS).status_code == 200
    other = user_headers(login(client, "friend@heatzy.test", "heatzy-friend")["token"])
    assert_error(client.get(f"/app/devdata/{did}/latest", headers=other), 9017, 401)
    assert_error(client.get(f"/app/devdata/{did}/latest", headers=user_headers("f" * 32)), 9004, 400)
    assert_error(client.get("/app/devdata/nope/latest", headers=APP_HEADERS), 9014, 404)


def test_device_details_have_the_real_clouds_fields_and_no_alias(client, demo, demo_dids) -> None:
    response = client.get(f"/app/devices/{demo_dids['INEA']}", headers=demo)
    assert response.status_code == 200
    details = response.json()
    captured = json.loads(requires_shared("reference", "captures", "heatzypy", "device.json").read_text())
    assert list(details) == list(captured)
    assert "dev_alias" not in details
    assert details["product_name"] == "INEA" and details["role"] == "special"


def test_device_details_errors(client, demo) -> None:
    assert_error(client.get("/app/devices/unknown", headers=demo), 9014, 404)
    assert_error(client.get("/app/devices/unknown", headers=APP_HEADERS), 9004, 400)


def test_datapoint_of_pilote2_is_the_captured_definition(client) -> None:
    captured = json.loads(requires_shared("reference", "captures", "sderosiaux-heatzy", "datapoint.json").read_text())
    response = client.get("/app/datapoint?product_key=51d16c22a5f74280bc3cfe9ebcdc6402", headers=APP_HEADERS)
    assert response.status_code == 200
    served = response.json()
    assert served["product_key"] == "51d16c22a5f74280bc3cfe9ebcdc6402"
    captured["product_key"] = served["product_key"]
    assert served == captured


def test_datapoint_of_every_product_is_served(client, cloud) -> None:
    for product in cloud.catalog:
        response = client.get(f"/app/datapoint?product_key={product.product_key}", headers=APP_HEADERS)
        body = response.json()
        assert response.status_code == 200 and body["name"] == product.name
        attrs = body["entities"][0]["attrs"]
        assert [a["id"] for a in attrs] == list(range(len(attrs)))
        assert len(body["ui"]["sections"][0]["elements"]) == len(attrs)


def test_datapoint_errors(client) -> None:
    assert_error(client.get("/app/datapoint?product_key=nope", headers=APP_HEADERS), 9002, 400)
    assert_error(client.get("/app/datapoint", headers=APP_HEADERS), 9015, 400)
    assert_error(client.get("/app/datapoint?product_key=51d16c22a5f74280bc3cfe9ebcdc6402"), 9003, 400)


def test_v1_is_controlled_with_raw_and_reports_chinese_modes(client, demo, demo_dids) -> None:
    did = demo_dids["Heatzy"]
    for value, mode in ((1, "经济"), (2, "解冻"), (3, "停止"), (0, "舒适")):
        response = control(client, demo, did, {"raw": [1, 1, value]})
        assert response.status_code == 200 and response.json() == {}
        assert latest(client, demo, did)["attr"]["mode"] == mode


def test_v1_accepts_a_whole_p0_frame_as_raw(client, demo, demo_dids) -> None:
    did = demo_dids["Heatzy"]
    assert control(client, demo, did, {"raw": [0, 0, 0, 3, 6, 0, 0, 144, 1, 1, 3]}).status_code == 200
    assert latest(client, demo, did)["attr"]["mode"] == "停止"


def test_v2_attrs_take_the_enum_string_or_its_index(client, demo, demo_dids) -> None:
    did = demo_dids["Pilote2"]
    assert control(client, demo, did, {"attrs": {"mode": 2}}).status_code == 200
    assert latest(client, demo, did)["attr"]["mode"] == "fro"
    assert control(client, demo, did, {"attrs": {"mode": "eco", "lock_switch": 1}}).status_code == 200
    attr = latest(client, demo, did)["attr"]
    assert (attr["mode"], attr["lock_switch"]) == ("eco", 1)


def test_control_changes_updated_at(client, demo, demo_dids, cloud) -> None:
    did = demo_dids["Bloom"]
    cloud.clock.freeze(cloud.now() + 3600)
    control(client, demo, did, {"attrs": {"cft_temp": 21}})
    assert latest(client, demo, did)["updated_at"] == int(cloud.now())


def test_unknown_read_only_or_out_of_range_attrs_are_9025_naming_the_attr(client, demo, demo_dids) -> None:
    pro = demo_dids["Pilote_Pro"]
    before = latest(client, demo, pro)["attr"]
    cases = [({"colour": 1}, "colour"), ({"cur_temp": 200}, "cur_temp"), ({"mode": "hot"}, "mode"),
             ({"mode": 9}, "mode"), ({"derog_mode": 4}, "derog_mode"), ({"lock_switch": "1"}, "lock_switch"),
             ({"mode": "eco", "com_temp": 101}, "com_temp")]
    for attrs, name in cases:
        body = assert_error(control(client, demo, pro, {"attrs": attrs}), 9025, 400)
        assert body["detail_message"].startswith(name), body
    assert latest(client, demo, pro)["attr"] == before


def test_glow_temperature_halves_are_checked_against_their_spec(client, demo, demo_dids) -> None:
    glow = demo_dids["Glow_Simple"]
    assert_error(control(client, demo, glow, {"attrs": {"cft_tempL": 256}}), 9025, 400)
    assert_error(control(client, demo, glow, {"attrs": {"cft_tempH": 2}}), 9025, 400)
    assert control(client, demo, glow, {"attrs": {"cft_tempL": 210}}).status_code == 200
    assert latest(client, demo, glow)["attr"]["cft_tempL"] == 210


def test_control_body_errors_are_9015(client, demo, demo_dids) -> None:
    did = demo_dids["Pilote2"]
    for body in ({}, {"attrs": {}}, {"attrs": [1]}, {"raw": "010203"}, {"raw": [1, 256]}, {"raw": []},
                 {"raw": [True]}, {"attrs": {"mode": 1}, "raw": [1, 1, 1]}, {"raw": {"timer_switch": 1}}):
        assert_error(control(client, demo, did, body), 9015, 400)


def test_control_of_an_offline_device_is_9042(client, demo, demo_dids, cloud) -> None:
    device = cloud.devices.get(demo_dids["Pilote2"])
    cloud.set_online(device, False)
    assert_error(control(client, demo, device.did, {"attrs": {"mode": 1}}), 9042, 400)
    assert latest(client, demo, device.did)["attr"]["mode"] == "cft"


def test_control_of_a_device_not_bound_or_unknown(client, demo_dids) -> None:
    other = user_headers(login(client, "friend@heatzy.test", "heatzy-friend")["token"])
    assert_error(control(client, other, demo_dids["Pilote2"], {"attrs": {"mode": 1}}), 9017, 401)
    assert_error(control(client, other, "unknown", {"attrs": {"mode": 1}}), 9014, 404)
