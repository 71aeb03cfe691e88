"""``POST /app/reset_password``: by e-mail (a mail in the outbox) and by phone with an SMS code."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import APP_HEADERS, assert_error, login
from starlette.testclient import TestClient
from support_users import T0, send_sms

from emulator.gizwits.cloud.cloud import Cloud

PHONE = "+33677889900"


@pytest.fixture(autouse=True)
def frozen(cloud: Cloud) -> None:
    cloud.clock.freeze(T0)


@pytest.fixture
def phone_user(client: TestClient, cloud: Cloud) -> str:
    body = {"phone": PHONE, "password": "old-pw", "code": send_sms(client, cloud, PHONE)}
    response = client.post("/app/users", headers=APP_HEADERS, json=body)
    assert response.status_code == 201
    return str(response.json()["uid"])


def reset(client: TestClient, **body: str) -> Any:
    return client.post("/app/reset_password", headers=APP_HEADERS, json=body)


def test_reset_by_email_sends_a_mail(client: TestClient, cloud: Cloud) -> None:
    response = reset(client, email="demo@heatzy.test")
    assert response.status_code == 200
    assert response.json() == {}
    [mail] = cloud.outbox.to("demo@heatzy.test")
    assert mail.kind == "mail" and "password" in mail.subject.lower()


def test_reset_by_email_of_nobody_is_9005(client: TestClient) -> None:
    body = assert_error(reset(client, email="nobody@heatzy.test"), 9005, 400)
    assert body["error_message"] == "user not exist"


def test_reset_by_phone_and_code(client: TestClient, cloud: Cloud, phone_user: str) -> None:
    code = send_sms(client, cloud, PHONE)
    response = reset(client, phone=PHONE, code=code, new_pwd="new-pw")
    assert response.status_code == 200
    assert response.json() == {}
    assert login(client, PHONE, "new-pw")["uid"] == phone_user
    assert_error(client.post("/app/login", headers=APP_HEADERS, json={"username": PHONE, "password": "old-pw"}),
                 9020, 400)
    assert_error(reset(client, phone=PHONE, code=code, new_pwd="again"), 9010, 400)


def test_reset_by_phone_with_a_bad_or_expired_code(client: TestClient, cloud: Cloud, phone_user: str) -> None:
    code = send_sms(client, cloud, PHONE)
    wrong = "000000" if code != "000000" else "111111"
    assert_error(reset(client, phone=PHONE, code=wrong, new_pwd="new-pw"), 9010, 400)
    cloud.advance(24 * 3600)
    assert_error(reset(client, phone=PHONE, code=code, new_pwd="new-pw"), 9009, 400)
    assert login(client, PHONE, "old-pw")["uid"] == phone_user


def test_reset_by_phone_of_nobody_is_9005(client: TestClient, cloud: Cloud) -> None:
    code = send_sms(client, cloud, "+33600000001")
    assert_error(reset(client, phone="+33600000001", code=code, new_pwd="x"), 9005, 400)


def test_reset_forms(client: TestClient, phone_user: str) -> None:
    assert_error(reset(client), 9015, 400)
    assert_error(reset(client, phone=PHONE, code="123456"), 9015, 400)
    assert_error(reset(client, phone=PHONE, new_pwd="x"), 9015, 400)
    assert_error(reset(client, email="not-an-email"), 9015, 400)
