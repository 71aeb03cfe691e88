"""``PUT /app/users``: password, anonymous conversions, e-mail and phone changes, profile."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import APP_HEADERS, DEMO_PASSWORD, assert_error, login, user_headers
from starlette.testclient import TestClient
from support_users import FRIEND_EMAIL, T0, send_sms

from emulator.gizwits.cloud.cloud import Cloud

PHONE = "+33611223344"


@pytest.fixture(autouse=True)
def frozen(cloud: Cloud) -> None:
    cloud.clock.freeze(T0)


@pytest.fixture
def anonymous(client: TestClient) -> dict[str, str]:
    response = client.post("/app/users", headers=APP_HEADERS, json={"phone_id": "phone-1"})
    return user_headers(response.json()["token"])


def update(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    return client.put("/app/users", headers=headers, json=body)


def me(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    return client.get("/app/users", headers=headers).json()


def assert_updated(response: Any) -> None:
    assert response.status_code == 200, response.text
    assert response.json() == {"updatedAt": "2023-11-14T22:13:20.000000"}


def test_change_password(client: TestClient, demo: dict[str, str]) -> None:
    assert_updated(update(client, demo, old_pwd=DEMO_PASSWORD, new_pwd="new-secret"))
    assert login(client, "demo@heatzy.test", "new-secret")["uid"]
    body = assert_error(update(client, demo, old_pwd=DEMO_PASSWORD, new_pwd="again"), 9020, 400)
    assert body["error_message"] == "username or password error!"
    assert_error(update(client, demo, new_pwd="again"), 9015, 400)


def test_anonymous_to_username(client: TestClient, anonymous: dict[str, str]) -> None:
    assert_updated(update(client, anonymous, username="alice", password="pw-alice"))
    assert me(client, anonymous)["is_anonymous"] is False
    assert login(client, "alice", "pw-alice")["uid"] == me(client, anonymous)["uid"]


def test_anonymous_to_username_needs_a_free_name_and_a_password(client: TestClient, anonymous: dict[str, str],
                                                                demo: dict[str, str]) -> None:
    assert update(client, demo, name="x").status_code == 200
    client.post("/app/users", headers=APP_HEADERS, json={"username": "taken", "password": "x"})
    assert_error(update(client, anonymous, username="taken", password="pw"), 9019, 400)
    assert_error(update(client, anonymous, username="alice"), 9015, 400)
    assert_error(update(client, demo, username="demo2", password="pw"), 9015, 400)
    assert me(client, anonymous)["is_anonymous"] is True


def test_anonymous_to_phone_user(client: TestClient, cloud: Cloud, anonymous: dict[str, str]) -> None:
    code = send_sms(client, cloud, PHONE)
    assert_updated(update(client, anonymous, phone=PHONE, password="pw-phone", code=code))
    profile = me(client, anonymous)
    assert profile["phone"] == PHONE and profile["is_anonymous"] is False
    assert login(client, PHONE, "pw-phone")["uid"] == profile["uid"]


def test_change_phone_with_code(client: TestClient, cloud: Cloud, demo: dict[str, str]) -> None:
    code = send_sms(client, cloud, PHONE)
    assert_updated(update(client, demo, phone=PHONE, code=code))
    assert me(client, demo)["phone"] == PHONE
    # Single use: the same code does not change it again.
    assert_error(update(client, demo, phone=PHONE, code=code), 9010, 400)


def test_change_phone_errors_change_nothing(client: TestClient, cloud: Cloud, demo: dict[str, str]) -> None:
    friend = user_headers(login(client, FRIEND_EMAIL, "heatzy-friend")["token"])
    assert_updated(update(client, friend, phone=PHONE, code=send_sms(client, cloud, PHONE)))
    code = send_sms(client, cloud, PHONE)
    body = assert_error(update(client, demo, phone=PHONE, code=code, name="Changed"), 9018, 400)
    assert body["error_message"] == "phone unavailable!"
    other = "+33655555555"
    other_code = send_sms(client, cloud, other)
    wrong = "000000" if other_code != "000000" else "111111"
    assert_error(update(client, demo, phone=other, code=wrong, name="Changed"), 9010, 400)
    cloud.advance(24 * 3600)
    assert_error(update(client, demo, phone=other, code=other_code), 9009, 400)
    profile = me(client, demo)
    assert profile["phone"] is None and profile["name"] == "Demo Heatzy"
    assert_error(update(client, demo, phone=other), 9015, 400)


def test_change_email(client: TestClient, cloud: Cloud, demo: dict[str, str]) -> None:
    assert_updated(update(client, demo, email="new@heatzy.test"))
    assert me(client, demo)["email"] == "new@heatzy.test"
    assert_error(update(client, demo, email=FRIEND_EMAIL), 9022, 400)
    assert_error(update(client, demo, email="nope"), 9015, 400)


def test_anonymous_to_email_user(client: TestClient, anonymous: dict[str, str]) -> None:
    assert_updated(update(client, anonymous, email="anon@heatzy.test", password="pw-anon"))
    assert me(client, anonymous)["is_anonymous"] is False
    assert login(client, "anon@heatzy.test", "pw-anon")


def test_password_only_converts_anonymous_users(client: TestClient, demo: dict[str, str]) -> None:
    assert_error(update(client, demo, email="new@heatzy.test", password="pw"), 9015, 400)
    assert_error(update(client, demo, password="pw"), 9015, 400)
    assert me(client, demo)["email"] == "demo@heatzy.test"


def test_profile_fields(client: TestClient, demo: dict[str, str]) -> None:
    assert_updated(update(client, demo, name="Ada", gender="F", birthday="12-10", address="Paris", lang="zh-cn",
                          remar="hello"))
    profile = me(client, demo)
    assert (profile["name"], profile["gender"], profile["birthday"], profile["address"], profile["lang"],
            profile["remark"]) == ("Ada", "F", "12-10", "Paris", "zh-cn", "hello")
    assert_error(update(client, demo, gender="X"), 9015, 400)
    assert_error(update(client, demo, birthday="10/12/1990"), 9015, 400)
    assert_error(update(client, demo), 9015, 400)


def test_a_bad_field_leaves_the_others_unchanged(client: TestClient, demo: dict[str, str]) -> None:
    assert_error(update(client, demo, name="Changed", email=FRIEND_EMAIL), 9022, 400)
    assert me(client, demo)["name"] == "Demo Heatzy"
