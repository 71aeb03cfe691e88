"""Admin API: reset, seed, snapshot, users, devices, accounts (``/_emulator``)."""

from __future__ import annotations

from conftest import APP_HEADERS, DEMO_EMAIL, assert_error, login, user_headers
from starlette.testclient import TestClient

from emulator.core.outbox import Message
from emulator.gizwits.cloud.cloud import Cloud


def test_reset_forgets_changes_and_restores_the_fixture(client: TestClient, demo: dict[str, str],
                                                        demo_dids: dict[str, str]) -> None:
    did = demo_dids["Pilote_Soc"]  # manual mode (no program), "eco" in the fixture
    assert client.post(f"/app/control/{did}", headers=demo, json={"attrs": {"mode": "fro"}}).status_code == 200
    client.post("/_emulator/faults", json={"path": "/status", "status": 502})
    response = client.post("/_emulator/reset")
    assert response.status_code == 200, response.text
    assert response.json() == {"fixture": "demo", "seed": 1}
    assert client.get("/_emulator/faults").json() == []
    assert client.get("/_emulator/journal").json() == []
    # the old token is gone with the old state; the fixture's device is back to its first mode
    assert_error(client.get("/app/bindings", headers=demo), 9004, 400)
    headers = user_headers(login(client)["token"])
    assert client.get(f"/app/devdata/{did}/latest", headers=headers).json()["attr"]["mode"] == "eco"


def test_reset_to_a_cached_fixture_gives_the_same_ids_as_a_fresh_load(client: TestClient, cloud: Cloud) -> None:
    def fresh_user_uid() -> str:
        response = client.post("/app/users", headers=APP_HEADERS, json={"email": "new@x.test", "password": "p"})
        assert response.status_code == 201, response.text
        return response.json()["uid"]

    client.post("/_emulator/reset")  # first reset loads the fixture and caches the result
    first = fresh_user_uid()
    client.post("/_emulator/reset")  # second reset restores the cached snapshot
    assert fresh_user_uid() == first
    fresh = Cloud(cloud.config)
    assert fresh.users.create("c70a66ff039d41b4a220e198b0fcc8b3", 0.0, email="n@x.test").uid == first


def test_reset_to_another_fixture_and_seed(client: TestClient) -> None:
    assert client.post("/_emulator/reset", json={"fixture": "empty", "seed": 7}).json() == {
        "fixture": "empty", "seed": 7}
    assert client.get("/_emulator/devices").json() == []
    assert client.get("/_emulator/users").json() == []


def test_reset_with_an_unknown_fixture_changes_nothing(client: TestClient) -> None:
    before = client.get("/_emulator/devices").json()
    assert_error(client.post("/_emulator/reset", json={"fixture": "no-such-fixture"}), 9015, 400)
    assert client.get("/_emulator/devices").json() == before


def test_seed_adds_an_inline_document_to_the_state(client: TestClient) -> None:
    document = {"format": 1, "users": [{"ref": "z", "email": "z@x.test", "password": "zz"}],
                "devices": [{"product": "Glow_Simple", "alias": "Z", "bound_to": ["z"]}]}
    response = client.post("/_emulator/seed", json={"fixture": document})
    assert response.json() == {"users": 1, "devices": 1}
    assert len(client.get("/_emulator/devices").json()) == 11
    login(client, "z@x.test", "zz")


def test_seed_that_fails_halfway_leaves_no_partial_state(client: TestClient) -> None:
    before = client.get("/_emulator/snapshot").json()["stores"]
    document = {"format": 1, "users": [{"ref": "y", "email": "y@x.test", "password": "y"},
                                       {"ref": "dup", "email": DEMO_EMAIL, "password": "x"}]}
    assert_error(client.post("/_emulator/seed", json={"fixture": document}), 9015, 400)
    assert client.get("/_emulator/snapshot").json()["stores"] == before


def test_seed_needs_a_fixture(client: TestClient) -> None:
    assert_error(client.post("/_emulator/seed", json={}), 9015, 400)
    assert_error(client.post("/_emulator/seed", json={"fixture": 3}), 9015, 400)


def test_snapshot_round_trip(client: TestClient, demo: dict[str, str], demo_dids: dict[str, str]) -> None:
    did = demo_dids["Pilote2"]
    saved = client.get("/_emulator/snapshot").json()
    assert saved["format"] == 1 and "devices" in saved["stores"]
    client.post(f"/app/control/{did}", headers=demo, json={"attrs": {"mode": "eco"}})
    assert client.post("/_emulator/snapshot", json=saved).json() == {"restored": True}
    assert client.get(f"/app/devdata/{did}/latest", headers=demo).json()["attr"]["mode"] == "cft"


def test_a_broken_snapshot_is_refused_and_changes_nothing(client: TestClient) -> None:
    saved = client.get("/_emulator/snapshot").json()
    assert_error(client.post("/_emulator/snapshot", json={"format": 2, "stores": {}}), 9015, 400)
    broken = {"format": 1, "stores": {"users": {"users": []}, "devices": [{"did": "x"}]}}
    assert_error(client.post("/_emulator/snapshot", json=broken), 9015, 400)
    assert client.get("/_emulator/snapshot").json()["stores"] == saved["stores"]


def test_users_lists_devices_and_tokens_but_no_password(client: TestClient, demo: dict[str, str]) -> None:
    listed = client.get("/_emulator/users")
    users = {u["email"]: u for u in listed.json()}
    assert "heatzy-demo" not in listed.text and "password" not in users[DEMO_EMAIL]
    assert users[DEMO_EMAIL]["has_password"] is True
    assert len(users[DEMO_EMAIL]["devices"]) == 9
    assert users[DEMO_EMAIL]["tokens"][0]["token"] == demo["X-Gizwits-User-token"]


def test_device_state_shows_program_and_bindings(client: TestClient, demo_dids: dict[str, str]) -> None:
    state = client.get(f"/_emulator/devices/{demo_dids['Pilote2']}").json()
    assert state["product_name"] == "Pilote2"
    assert state["program"]["1"][12] == "cft" and state["program"]["1"][0] == "eco"  # 06:00 comfort, night eco
    assert state["bound_to"][0]["dev_alias"] == "Salon"
    assert state["reported"]["mode"] == "cft"
    assert isinstance(state["pending_events"], list)
    assert client.get(f"/_emulator/devices/{demo_dids['Heatzy']}").json()["program"] is None
    assert_error(client.get("/_emulator/devices/nope"), 9014, 404)


def test_accounts_factory_creates_a_user_with_bound_devices(client: TestClient) -> None:
    response = client.post("/_emulator/accounts", json={"products": ["Pilote2", {"product": "Glow_Simple",
                                                                                  "alias": "Kitchen"}]})
    assert response.status_code == 201, response.text
    account = response.json()
    token = login(client, account["email"], account["password"])["token"]
    devices = client.get("/app/bindings", headers=user_headers(token)).json()["devices"]
    listed = {(d["product_name"], d["dev_alias"]) for d in devices}
    assert listed == {("Pilote2", "Pilote2 1"), ("Glow_Simple", "Kitchen")}
    assert client.get("/app/users", headers=user_headers(account["token"])).status_code == 200


def test_accounts_factory_checks_everything_first(client: TestClient) -> None:
    users = len(client.get("/_emulator/users").json())
    assert_error(client.post("/_emulator/accounts", json={"products": ["Pilote2", "Toaster"]}), 9002, 400)
    assert_error(client.post("/_emulator/accounts", json={"email": DEMO_EMAIL}), 9022, 400)
    assert_error(client.post("/_emulator/accounts", json={"products": [{"product": "Pilote2",
                                                                        "attrs": {"mode": "warm"}}]}), 9025, 400)
    assert len(client.get("/_emulator/users").json()) == users
    assert len(client.get("/_emulator/devices").json()) == 10


def test_admin_openapi_document_lists_every_admin_route(client: TestClient) -> None:
    document = client.get("/_emulator/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    routes = {(path, method) for path, ops in document["paths"].items() for method in ops}
    for route in client.app.router.routes:
        if getattr(route, "path", None) == "/_emulator":
            for sub in route.routes:
                template = sub.path.replace(":path}", "}")  # a route's converter is not part of the template
                for method in getattr(sub, "methods", set()) - {"HEAD"}:
                    assert ("/_emulator" + template, method.lower()) in routes


def test_a_snapshot_over_a_mebibyte_is_restored(client: TestClient, cloud: Cloud) -> None:
    """The app API takes bodies up to 1 MiB; the admin API takes large documents (its own limit)."""
    for number in range(1500):
        cloud.outbox.send(Message(kind="mail", to=f"u{number}@heatzy.test", subject="Hello",
                                  body="x" * 1000, at=cloud.now()))
    saved = client.get("/_emulator/snapshot")
    assert len(saved.content) > 1024 * 1024
    client.delete("/_emulator/outbox")
    response = client.post("/_emulator/snapshot", content=saved.content)
    assert response.status_code == 200, response.text
    assert len(cloud.outbox.messages) == 1500
    too_large = cloud.config.with_changes(admin_max_body_bytes=len(saved.content) - 1)
    cloud.config = too_large
    assert_error(client.post("/_emulator/snapshot", content=saved.content), 9015, 400)
