"""``POST /app/users``: every way to create a user (seed 002, swagger ``CreateUserForm``)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import APP_HEADERS, assert_error, login, user_headers
from starlette.testclient import TestClient
from support_users import T0, app_token_headers, send_sms

from emulator.config import DEFAULT_TOKEN_TTL
from emulator.gizwits.cloud.cloud import Cloud

PHONE = "+33698765432"


@pytest.fixture(autouse=True)
def frozen(cloud: Cloud) -> None:
    cloud.clock.freeze(T0)


def create(client: TestClient, **body: Any) -> Any:
    return client.post("/app/users", headers=APP_HEADERS, json=body)


def assert_token(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"token", "uid", "expire_at"}
    assert body["expire_at"] == int(T0) + DEFAULT_TOKEN_TTL
    return body


def profile(client: TestClient, token: str) -> dict[str, Any]:
    return client.get("/app/users", headers=user_headers(token)).json()


def test_anonymous_user_by_phone_id_and_again_the_same(client: TestClient) -> None:
    first = assert_token(create(client, phone_id="device-123"))
    assert profile(client, first["token"])["is_anonymous"] is True
    again = assert_token(create(client, phone_id="device-123"))
    assert again["uid"] == first["uid"] and again["token"] != first["token"]


def test_username_and_password(client: TestClient) -> None:
    body = assert_token(create(client, username="bob", password="123456"))
    assert profile(client, body["token"])["username"] == "bob"
    assert login(client, "bob", "123456")["uid"] == body["uid"]
    error = assert_error(create(client, username="bob", password="other"), 9019, 400)
    assert error["error_message"] == "username unavailable!"


def test_email_and_password_sends_a_welcome_mail(client: TestClient, cloud: Cloud) -> None:
    body = assert_token(create(client, email="bob@bob.test", password="123456"))
    [mail] = cloud.outbox.to("bob@bob.test")
    assert mail.kind == "mail" and mail.data["uid"] == body["uid"]
    error = assert_error(create(client, email="BOB@bob.test", password="x"), 9022, 400)
    assert error["error_message"] == "email unavailable!"


def test_phone_password_and_code(client: TestClient, cloud: Cloud) -> None:
    code = send_sms(client, cloud, PHONE)
    body = assert_token(create(client, phone=PHONE, password="123456", code=code))
    assert profile(client, body["token"])["phone"] == PHONE
    assert profile(client, body["token"])["is_anonymous"] is False
    assert login(client, PHONE, "123456")["uid"] == body["uid"]
    # The code was used up.
    assert_error(create(client, phone="+33611111111", password="x", code=code), 9010, 400)


def test_a_taken_phone_is_9018_and_keeps_the_code(client: TestClient, cloud: Cloud) -> None:
    assert_token(create(client, phone=PHONE, password="123456", code=send_sms(client, cloud, PHONE)))
    code = send_sms(client, cloud, PHONE)
    error = assert_error(create(client, phone=PHONE, password="other", code=code), 9018, 400)
    assert error["error_message"] == "phone unavailable!"
    # Nothing changed, not even the code: it still proves the phone.
    check = {"phone": PHONE, "sms_code": code}
    assert client.put("/app/verify/codes", headers=app_token_headers(client, cloud), json=check).status_code == 200


def test_phone_registration_with_a_bad_or_expired_code(client: TestClient, cloud: Cloud) -> None:
    code = send_sms(client, cloud, PHONE)
    wrong = "000000" if code != "000000" else "111111"
    assert_error(create(client, phone=PHONE, password="123456", code=wrong), 9010, 400)
    cloud.advance(24 * 3600)
    assert_error(create(client, phone=PHONE, password="123456", code=code), 9009, 400)
    assert len(cloud.users) == 2  # only the demo accounts


def test_phone_and_code_register_then_log_in_without_password(client: TestClient, cloud: Cloud) -> None:
    first = assert_token(create(client, phone=PHONE, code=send_sms(client, cloud, PHONE)))
    assert profile(client, first["token"])["is_anonymous"] is False
    again = assert_token(create(client, phone=PHONE, code=send_sms(client, cloud, PHONE)))
    assert again["uid"] == first["uid"]


def test_phone_and_code_go_together(client: TestClient) -> None:
    assert_error(create(client, phone=PHONE, password="123456"), 9015, 400)
    assert_error(create(client, username="x", password="123456", code="123456"), 9015, 400)
    assert_error(create(client, phone="not a phone", code="1"), 9015, 400)


@pytest.mark.parametrize("form", [
    {"authData": {"src": "qq", "uid": "2346677", "token": "pnktnjyb996sj4p156gjtp4im"}},
    {"src": "qq", "uid": "2346677", "token": "pnktnjyb996sj4p156gjtp4im"},
])
def test_third_party_user_is_created_once(client: TestClient, form: dict[str, Any]) -> None:
    first = assert_token(create(client, **form))
    again = assert_token(create(client, authData={"src": "qq", "uid": "2346677", "token": "other"}))
    assert again["uid"] == first["uid"]
    assert profile(client, first["token"])["is_anonymous"] is False


def test_third_party_source_must_be_known(client: TestClient) -> None:
    assert_error(create(client, authData={"src": "myspace", "uid": "1", "token": "t"}), 9015, 400)
    assert_error(create(client, authData={"src": "qq", "uid": "1"}), 9015, 400)


def test_incomplete_forms_are_9015(client: TestClient) -> None:
    assert_error(create(client), 9015, 400)
    assert_error(create(client, username="bob"), 9015, 400)
    assert_error(create(client, email="not-an-email", password="x"), 9015, 400)
    assert_error(client.post("/app/users", headers=APP_HEADERS, content=b"[1]"), 9015, 400)


def test_creation_needs_the_application_id(client: TestClient) -> None:
    assert_error(client.post("/app/users", json={"username": "bob", "password": "1"}), 9003, 400)


def test_bad_credentials_are_9020(client: TestClient) -> None:
    response = client.post("/app/login", headers=APP_HEADERS, json={"username": "nobody", "password": "x"})
    body = assert_error(response, 9020, 400)
    assert body["error_message"] == "username or password error!"


# -- login names: one namespace, indexed -------------------------------------------------------
@pytest.mark.parametrize("squatted", ["demo@heatzy.test", "DEMO@Heatzy.Test"])
def test_a_username_cannot_be_another_users_email(client: TestClient, squatted: str) -> None:
    body = assert_error(create(client, username=squatted, password="x"), 9019, 400)
    assert "already registered" in body["detail_message"]
    assert_error(client.post("/app/login", headers=APP_HEADERS, json={"username": squatted, "password": "x"}),
                 9020, 400)
    assert login(client)["token"]  # demo's own password still logs demo in


def test_an_email_or_phone_cannot_be_another_users_username(client: TestClient, cloud: Cloud) -> None:
    assert_token(create(client, username="taken@heatzy.test", password="pw-one"))
    assert_error(create(client, email="Taken@heatzy.test", password="pw-two"), 9022, 400)
    assert_token(create(client, username="33611112222", password="pw-three"))
    code = send_sms(client, cloud, "33611112222")
    assert_error(create(client, phone="33611112222", code=code, password="pw-four"), 9018, 400)


def test_login_and_registration_look_users_up_without_scanning_them(client: TestClient, cloud: Cloud) -> None:
    class NoScan(dict):  # type: ignore[type-arg]
        def values(self):  # type: ignore[no-untyped-def]
            raise AssertionError("the users were scanned")

        items = __iter__ = values

    for _ in range(3):
        assert_token(create(client, email=f"user{_}@heatzy.test", password="pw"))
    cloud.users._users = NoScan(cloud.users._users)
    assert login(client)["uid"]
    assert_token(create(client, email="one-more@heatzy.test", password="pw"))
    assert_error(create(client, email="one-more@heatzy.test", password="pw"), 9022, 400)
    assert_token(create(client, phone_id="phone-1"))
    assert_error(client.post("/app/login", headers=APP_HEADERS,
                             json={"username": "nobody@heatzy.test", "password": "pw"}), 9020, 400)
