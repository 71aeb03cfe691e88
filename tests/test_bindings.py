"""``/app/bindings`` (list, edit, unbind) and ``/app/bind_mac``."""

from __future__ import annotations

import hashlib
import json

from conftest import APP_HEADERS, assert_error, login, requires_shared, user_headers

SPARE_MAC = "a0b1c2d3e4f5"
PILOTE2_KEY = "51d16c22a5f74280bc3cfe9ebcdc6402"


def signed(cloud, headers: dict[str, str], product_key: str = PILOTE2_KEY, *, skew: int = 0,
           secret: str | None = None) -> dict[str, str]:
    stamp = str(int(cloud.now()) + skew)
    secret = secret if secret is not None else cloud.catalog.get(product_key).secret
    return {**headers, "X-Gizwits-Timestamp": stamp,
            "X-Gizwits-Signature": hashlib.md5((secret + stamp).encode()).hexdigest()}


def friend(client) -> dict[str, str]:
    return user_headers(login(client, "friend@heatzy.test", "heatzy-friend")["token"])


def test_bindings_list_every_bound_device_with_the_real_clouds_fields(client, demo) -> None:
    response = client.get("/app/bindings", headers=demo)
    assert response.status_code == 200
    devices = response.json()["devices"]
    names = [d["product_name"] for d in devices]
    assert names == ["Bloom", "INEA", "onyx", "Glow_Simple", "Pilote_Pro", "Pilote_Soc_C3", "Pilote_Soc",
                     "Pilote2", "Heatzy"], "newest binding first"
    captured = json.loads(requires_shared("reference", "captures", "heatzypy", "devices.json").read_text())
    expected_keys = set(captured["devices"][0])
    for entry in devices:
        assert set(entry) == expected_keys
        assert entry["role"] == "special" and entry["is_online"] is True
        assert (entry["ws_port"], entry["wss_port"], entry["port"], entry["port_s"]) == (8080, 8880, 1883, 8883)
    assert devices[-2]["dev_alias"] == "Salon"


def test_bindings_paging_with_limit_and_skip(client, demo) -> None:
    everything = client.get("/app/bindings", headers=demo).json()["devices"]
    page = client.get("/app/bindings?limit=3&skip=2", headers=demo).json()["devices"]
    assert [d["did"] for d in page] == [d["did"] for d in everything[2:5]]
    assert client.get("/app/bindings?skip=100", headers=demo).json() == {"devices": []}
    assert_error(client.get("/app/bindings?limit=abc", headers=demo), 9015, 400)
    assert_error(client.get("/app/bindings?skip=-1", headers=demo), 9015, 400)


def test_bindings_default_page_is_twenty(client, demo, cloud) -> None:
    user = cloud.users.find(APP_HEADERS["X-Gizwits-Application-Id"], email="demo@heatzy.test")
    for _ in range(15):
        cloud.bind(user, cloud.register_device(cloud.catalog.resolve("Pilote2")))
    assert len(client.get("/app/bindings", headers=demo).json()["devices"]) == 20
    assert len(client.get("/app/bindings?limit=100", headers=demo).json()["devices"]) == 24


def test_show_proto_ver_adds_the_protocol_version(client, demo) -> None:
    plain = client.get("/app/bindings", headers=demo).json()["devices"][0]
    shown = client.get("/app/bindings?show_proto_ver=1", headers=demo).json()["devices"][0]
    assert "proto_ver" not in plain and shown["proto_ver"] == "04"


def test_disabled_devices_only_show_with_show_disabled(client, demo, cloud, demo_dids) -> None:
    cloud.devices.get(demo_dids["Bloom"]).is_disabled = True
    listed = [d["did"] for d in client.get("/app/bindings", headers=demo).json()["devices"]]
    assert demo_dids["Bloom"] not in listed
    shown = client.get("/app/bindings?show_disabled=1", headers=demo).json()["devices"]
    assert [d["is_disabled"] for d in shown if d["did"] == demo_dids["Bloom"]] == [True]


def test_put_binding_changes_alias_remark_and_labels(client, demo, demo_dids) -> None:
    did = demo_dids["Pilote2"]
    response = client.put(f"/app/bindings/{did}", headers=demo, json={"remark": "remarque", "dev_alias": "API test"})
    assert response.status_code == 200
    assert response.json() == {"remark": "remarque", "dev_label": [], "dev_alias": "API test"}
    entry = next(d for d in client.get("/app/bindings", headers=demo).json()["devices"] if d["did"] == did)
    assert (entry["dev_alias"], entry["remark"]) == ("API test", "remarque")
    labels = client.put(f"/app/bindings/{did}", headers=demo, json={"dev_label": ["salon", "rdc"]})
    assert labels.json()["dev_label"] == ["salon", "rdc"] and labels.json()["dev_alias"] == "API test"


def test_put_binding_errors(client, demo, demo_dids) -> None:
    did = demo_dids["Pilote2"]
    assert_error(client.put(f"/app/bindings/{did}", headers=demo, json={}), 9015, 400)
    assert_error(client.put(f"/app/bindings/{did}", headers=demo, json={"dev_label": "x"}), 9015, 400)
    assert_error(client.put("/app/bindings/unknown", headers=demo, json={"remark": "r"}), 9014, 404)
    assert_error(client.put(f"/app/bindings/{did}", headers=friend(client), json={"remark": "r"}), 9017, 401)


def test_delete_bindings_reports_success_and_failure(client, demo, demo_dids) -> None:
    did = demo_dids["Bloom"]
    body = {"devices": [{"did": did}, {"did": "notmine"}]}
    response = client.request("DELETE", "/app/bindings", headers=demo, json=body)
    assert response.status_code == 200
    assert response.json() == {"failed": ["notmine"], "success": [did]}
    listed = [d["did"] for d in client.get("/app/bindings", headers=demo).json()["devices"]]
    assert did not in listed
    assert_error(client.get(f"/app/devices/{did}", headers=demo), 9017, 401)


def test_delete_bindings_validates_the_whole_body_first(client, demo, demo_dids) -> None:
    body = {"devices": [{"did": demo_dids["Bloom"]}, {"nodid": 1}]}
    assert_error(client.request("DELETE", "/app/bindings", headers=demo, json=body), 9015, 400)
    assert client.get(f"/app/devices/{demo_dids['Bloom']}", headers=demo).status_code == 200
    assert_error(client.request("DELETE", "/app/bindings", headers=demo, json={}), 9015, 400)


def test_bind_mac_binds_a_registered_device_with_201(client, demo, cloud) -> None:
    body = {"product_key": PILOTE2_KEY, "mac": SPARE_MAC, "dev_alias": "Cuisine", "remark": "r"}
    response = client.post("/app/bind_mac", headers=signed(cloud, demo), json=body)
    assert response.status_code == 201, response.text
    entry = response.json()
    assert entry["mac"] == SPARE_MAC and entry["role"] == "special" and entry["dev_alias"] == "Cuisine"
    assert entry["product_name"] == "Pilote2"
    cloud.advance(1)
    listed = [d["did"] for d in client.get("/app/bindings", headers=demo).json()["devices"]]
    assert listed[0] == entry["did"], "the newest binding comes first"


def test_bind_mac_accepts_a_mac_with_separators_in_any_case(client, demo, cloud) -> None:
    body = {"product_key": PILOTE2_KEY, "mac": "A0:B1:C2:D3:E4:F5"}
    assert client.post("/app/bind_mac", headers=signed(cloud, demo), json=body).status_code == 201


def test_second_binder_is_normal_and_becomes_special_when_the_first_unbinds(client, demo, cloud) -> None:
    body = {"product_key": PILOTE2_KEY, "mac": SPARE_MAC}
    first = client.post("/app/bind_mac", headers=signed(cloud, demo), json=body).json()
    other = friend(client)
    second = client.post("/app/bind_mac", headers=signed(cloud, other), json=body).json()
    assert (first["role"], second["role"]) == ("special", "normal")
    client.request("DELETE", "/app/bindings", headers=demo, json={"devices": [{"did": first["did"]}]})
    assert client.get(f"/app/devices/{first['did']}", headers=other).json()["role"] == "special"


def test_bind_mac_timestamp_more_than_five_minutes_off_is_9043(client, demo, cloud) -> None:
    body = {"product_key": PILOTE2_KEY, "mac": SPARE_MAC}
    assert_error(client.post("/app/bind_mac", headers=signed(cloud, demo, skew=301), json=body), 9043, 400)
    assert_error(client.post("/app/bind_mac", headers=signed(cloud, demo, skew=-301), json=body), 9043, 400)
    assert client.post("/app/bind_mac", headers=signed(cloud, demo, skew=-290), json=body).status_code == 201
    no_stamp = {**demo, "X-Gizwits-Signature": "x"}
    assert_error(client.post("/app/bind_mac", headers=no_stamp, json=body), 9043, 400)


def test_bind_mac_with_a_wrong_signature_is_9044(client, demo, cloud) -> None:
    body = {"product_key": PILOTE2_KEY, "mac": SPARE_MAC}
    headers = signed(cloud, demo, secret="not-the-secret")
    assert_error(client.post("/app/bind_mac", headers=headers, json=body), 9044, 400)
    listed = client.get("/app/bindings", headers=demo).json()["devices"]
    assert SPARE_MAC not in [d["mac"] for d in listed]


def test_bind_mac_unknown_product_or_mac(client, demo, cloud) -> None:
    body = {"product_key": "0" * 32, "mac": SPARE_MAC}
    assert_error(client.post("/app/bind_mac", headers=signed(cloud, demo), json=body), 9002, 400)
    body = {"product_key": PILOTE2_KEY, "mac": "ffffffffffff"}
    assert_error(client.post("/app/bind_mac", headers=signed(cloud, demo), json=body), 9014, 404)
    assert_error(client.post("/app/bind_mac", headers=signed(cloud, demo), json={"mac": SPARE_MAC}), 9015, 400)
