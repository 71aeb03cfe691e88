"""``/app/login``, ``/app/users`` and ``/app/reset_password``."""

from __future__ import annotations

import json

from conftest import APP_HEADERS, assert_error, login, user_headers

PROFILE_KEYS = ["username", "uid", "phone", "birthday", "address", "lang", "remark", "name", "is_anonymous",
                "gender", "email"]


def create(client, **body):
    return client.post("/app/users", headers=APP_HEADERS, json=body)


def test_login_with_email_returns_token_uid_and_expiry(client, cloud) -> None:
    cloud.clock.freeze(1_700_000_000)
    body = login(client)
    assert list(body) == ["token", "uid", "expire_at"]
    assert len(body["token"]) == 32 and len(body["uid"]) == 32
    assert body["expire_at"] == 1_700_000_000 + 7 * 86400


def test_login_with_a_wrong_password_or_unknown_user_is_9020(client) -> None:
    wrong = client.post("/app/login", headers=APP_HEADERS, json={"username": "demo@heatzy.test", "password": "x"})
    assert_error(wrong, 9020, 400)
    unknown = client.post("/app/login", headers=APP_HEADERS, json={"username": "who@x.test", "password": "x"})
    assert_error(unknown, 9020, 400)


def test_create_with_username_and_password_then_log_in(client) -> None:
    response = create(client, username="heatzy_user", password="heatzy1234")
    assert response.status_code == 201
    assert set(response.json()) == {"token", "uid", "expire_at"}
    assert login(client, "heatzy_user", "heatzy1234")["uid"] == response.json()["uid"]


def test_create_with_email_and_password(client) -> None:
    response = create(client, email="new@heatzy.test", password="pw123456")
    assert response.status_code == 201
    profile = client.get("/app/users", headers=user_headers(response.json()["token"])).json()
    assert profile["email"] == "new@heatzy.test" and profile["username"] is None
    assert profile["is_anonymous"] is False


def test_duplicate_username_is_9019_and_duplicate_email_9022(client) -> None:
    assert create(client, username="dup", password="p").status_code == 201
    assert_error(create(client, username="dup", password="q"), 9019, 400)
    assert_error(create(client, email="DEMO@heatzy.test", password="q"), 9022, 400)


def test_create_needs_a_password_and_an_identity(client, cloud) -> None:
    before = len(cloud.users)
    assert_error(create(client, username="nopw"), 9015, 400)
    assert_error(create(client, password="only"), 9015, 400)
    assert_error(create(client, email="not-an-email", password="p"), 9015, 400)
    assert len(cloud.users) == before


def test_anonymous_user_by_phone_id_logs_in_again_with_the_same_phone_id(client) -> None:
    first = create(client, phone_id="device-123")
    again = create(client, phone_id="device-123")
    assert first.status_code == again.status_code == 201
    assert first.json()["uid"] == again.json()["uid"] and first.json()["token"] != again.json()["token"]
    profile = client.get("/app/users", headers=user_headers(first.json()["token"])).json()
    assert profile["is_anonymous"] is True


def test_get_user_returns_the_profile_in_the_documented_shape(client, demo) -> None:
    response = client.get("/app/users", headers=demo)
    assert response.status_code == 200
    profile = response.json()
    assert list(profile) == PROFILE_KEYS
    assert profile["email"] == "demo@heatzy.test" and profile["is_anonymous"] is False


def test_put_user_updates_profile_fields(client, demo, cloud) -> None:
    cloud.clock.freeze(1_585_630_358.4344)
    body = {"name": "Lille Off", "gender": "F", "birthday": "2017-11-10", "address": "Lille", "lang": "en",
            "remark": "hello"}
    response = client.put("/app/users", headers=demo, json=body)
    assert response.status_code == 200
    assert response.json() == {"updatedAt": "2020-03-31T04:52:38.434400"}
    profile = client.get("/app/users", headers=demo).json()
    assert {k: profile[k] for k in body} == body


def test_put_user_with_an_invalid_field_changes_nothing(client, demo) -> None:
    before = client.get("/app/users", headers=demo).json()
    assert_error(client.put("/app/users", headers=demo, json={"name": "New", "gender": "X"}), 9015, 400)
    assert_error(client.put("/app/users", headers=demo, json={"name": "New", "birthday": "10/11"}), 9015, 400)
    assert client.get("/app/users", headers=demo).json() == before


def test_put_user_changes_the_password_with_old_and_new(client, demo) -> None:
    body = {"old_pwd": "heatzy-demo", "new_pwd": "Heatzy1234&"}
    assert client.put("/app/users", headers=demo, json=body).status_code == 200
    assert login(client, "demo@heatzy.test", "Heatzy1234&")["token"]
    wrong = client.post("/app/login", headers=APP_HEADERS, json={"username": "demo@heatzy.test",
                                                                 "password": "heatzy-demo"})
    assert_error(wrong, 9020, 400)


def test_put_user_with_a_wrong_old_password_is_9020(client, demo) -> None:
    body = {"old_pwd": "nope", "new_pwd": "x"}
    assert_error(client.put("/app/users", headers=demo, json=body), 9020, 400)
    assert_error(client.put("/app/users", headers=demo, json={"new_pwd": "x"}), 9015, 400)


def test_put_user_with_nothing_to_change_is_9015(client, demo) -> None:
    assert_error(client.put("/app/users", headers=demo, json={}), 9015, 400)


def test_put_user_email_taken_by_another_user_is_9022(client, demo) -> None:
    assert_error(client.put("/app/users", headers=demo, json={"email": "friend@heatzy.test"}), 9022, 400)


def test_reset_password_for_a_known_email_sends_a_mail(client, cloud) -> None:
    response = client.post("/app/reset_password", headers=APP_HEADERS, json={"email": "demo@heatzy.test"})
    assert response.status_code == 200
    mails = cloud.outbox.to("demo@heatzy.test")
    assert len(mails) == 1 and mails[0].kind == "mail"


def test_reset_password_for_an_unknown_email_is_9005(client, cloud) -> None:
    response = client.post("/app/reset_password", headers=APP_HEADERS, json={"email": "nobody@heatzy.test"})
    assert_error(response, 9005, 400)
    assert cloud.outbox.messages == []
    assert_error(client.post("/app/reset_password", headers=APP_HEADERS, json={}), 9015, 400)


def test_passwords_are_kept_as_salted_hashes_never_as_given(client, cloud) -> None:
    token = create(client, email="chosen@heatzy.test", password="my-own-secret").json()["token"]
    assert client.put("/app/users", headers=user_headers(token),
                      json={"old_pwd": "my-own-secret", "new_pwd": "my-next-secret"}).status_code == 200
    snapshot = json.dumps(client.get("/_emulator/snapshot").json())
    for plaintext in ("my-own-secret", "my-next-secret", "heatzy-demo", "heatzy-friend"):
        assert plaintext not in snapshot
    rows = {u["email"]: u for u in client.get("/_emulator/snapshot").json()["stores"]["users"]["users"]}
    chosen, demo = rows["chosen@heatzy.test"]["password_hash"], rows["demo@heatzy.test"]["password_hash"]
    assert chosen.startswith("scrypt$14$8$1$")  # a password a user chose: full cost
    assert demo.startswith("scrypt$4$8$1$")  # the fixture's, printed in the banner anyway: public cost
    again = create(client, email="same@heatzy.test", password="my-next-secret")
    same = {u["email"]: u for u in cloud.snapshot()["stores"]["users"]["users"]}["same@heatzy.test"]
    assert again.status_code == 201 and same["password_hash"] != chosen  # salted
    assert login(client, "chosen@heatzy.test", "my-next-secret")["token"]
    assert_error(client.post("/app/login", headers=APP_HEADERS,
                             json={"username": "chosen@heatzy.test", "password": "my-own-secret"}), 9020, 400)


def test_a_snapshot_of_an_older_version_with_passwords_in_the_clear_still_logs_in(client, cloud) -> None:
    snapshot = client.get("/_emulator/snapshot").json()
    for row in snapshot["stores"]["users"]["users"]:
        row["password"] = {"demo@heatzy.test": "heatzy-demo"}.get(row["email"])
        del row["password_hash"]
    assert client.post("/_emulator/snapshot", json=snapshot).status_code == 200
    assert login(client)["token"]
