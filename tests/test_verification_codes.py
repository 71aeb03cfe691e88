"""SMS codes and captchas: ``POST /app/sms_code`` and ``GET/POST/PUT /app/verify/codes``.

Codes land in the outbox, expire after 24 hours on the emulator clock and are single-use.
"""

from __future__ import annotations

import pytest
from conftest import APP_HEADERS, assert_error, login, user_headers
from starlette.testclient import TestClient
from support_users import T0, app_token_headers, last_code, send_sms

from emulator.gizwits.cloud.cloud import Cloud

PHONE = "+33612345678"


@pytest.fixture(autouse=True)
def frozen(cloud: Cloud) -> None:
    cloud.clock.freeze(T0)


def test_sms_code_is_sent_to_the_outbox(client: TestClient, cloud: Cloud) -> None:
    response = client.post("/app/sms_code", headers=app_token_headers(client, cloud), json={"phone": PHONE})
    assert response.status_code == 200
    assert response.json() == {}
    [sms] = cloud.outbox.to(PHONE)
    assert sms.kind == "sms"
    code = sms.data["code"]
    assert len(code) == 6 and code.isdigit()
    assert code in sms.body


def test_sms_code_checks_once(client: TestClient, cloud: Cloud) -> None:
    headers = app_token_headers(client, cloud)
    code = send_sms(client, cloud, PHONE)
    assert client.post("/app/sms_code", headers=headers, json={"phone": PHONE, "code": code}).status_code == 200
    body = assert_error(client.post("/app/sms_code", headers=headers, json={"phone": PHONE, "code": code}), 9010, 400)
    assert body["error_message"] == "code invalid"


def test_a_wrong_code_is_9010_and_leaves_the_right_one_usable(client: TestClient, cloud: Cloud) -> None:
    headers = app_token_headers(client, cloud)
    code = send_sms(client, cloud, PHONE)
    wrong = "000000" if code != "000000" else "111111"
    assert_error(client.post("/app/sms_code", headers=headers, json={"phone": PHONE, "code": wrong}), 9010, 400)
    assert_error(client.post("/app/sms_code", headers=headers, json={"phone": "+33600000000", "code": code}),
                 9010, 400)
    assert client.post("/app/sms_code", headers=headers, json={"phone": PHONE, "code": code}).status_code == 200


def test_sms_code_expires_after_24_hours(client: TestClient, cloud: Cloud) -> None:
    code = send_sms(client, cloud, PHONE)
    cloud.advance(24 * 3600)
    headers = app_token_headers(client, cloud)
    body = assert_error(client.put("/app/verify/codes", headers=headers, json={"phone": PHONE, "sms_code": code}),
                        9009, 400)
    assert body["error_message"] == "code expired"


def test_sms_code_is_still_valid_just_before_24_hours(client: TestClient, cloud: Cloud) -> None:
    code = send_sms(client, cloud, PHONE)
    cloud.advance(24 * 3600 - 1)
    headers = app_token_headers(client, cloud)
    assert client.put("/app/verify/codes", headers=headers, json={"phone": PHONE, "sms_code": code}).status_code == 200


def test_a_new_code_replaces_the_previous_one(client: TestClient, cloud: Cloud) -> None:
    first = send_sms(client, cloud, PHONE)
    second = send_sms(client, cloud, PHONE)
    assert first != second  # seeded: the same two codes every run
    headers = app_token_headers(client, cloud)
    assert_error(client.put("/app/verify/codes", headers=headers, json={"phone": PHONE, "sms_code": first}), 9010, 400)
    response = client.put("/app/verify/codes", headers=headers, json={"phone": PHONE, "sms_code": second})
    assert response.status_code == 200


def test_verification_routes_need_an_app_token(client: TestClient, cloud: Cloud) -> None:
    assert_error(client.post("/app/sms_code", headers=APP_HEADERS, json={"phone": PHONE}), 9004, 400)
    assert_error(client.get("/app/verify/codes", headers=APP_HEADERS), 9004, 400)
    user_token = user_headers(login(client)["token"])
    assert_error(client.post("/app/sms_code", headers=user_token, json={"phone": PHONE}), 9004, 400)
    assert cloud.outbox.to(PHONE) == []


def test_app_token_is_accepted_in_the_user_token_header(client: TestClient, cloud: Cloud) -> None:
    token = app_token_headers(client, cloud)["X-Gizwits-Application-Token"]
    response = client.post("/app/sms_code", headers=user_headers(token), json={"phone": PHONE})
    assert response.status_code == 200


def test_app_token_expires(client: TestClient, cloud: Cloud) -> None:
    headers = app_token_headers(client, cloud)
    cloud.advance(cloud.config.token_ttl)
    body = assert_error(client.post("/app/sms_code", headers=headers, json={"phone": PHONE}), 9006, 400)
    assert body["error_message"] == "token expired"


def test_sms_code_validates_the_phone(client: TestClient, cloud: Cloud) -> None:
    headers = app_token_headers(client, cloud)
    assert_error(client.post("/app/sms_code", headers=headers, json={}), 9015, 400)
    assert_error(client.post("/app/sms_code", headers=headers, json={"phone": "call me"}), 9015, 400)
    assert_error(client.post("/app/sms_code", headers=headers, json={"phone": 33612345678}), 9015, 400)


def test_captcha_then_sms_then_check(client: TestClient, cloud: Cloud) -> None:
    headers = app_token_headers(client, cloud)
    response = client.get("/app/verify/codes", headers=headers)
    assert response.status_code == 200
    captcha = response.json()
    assert set(captcha) == {"captcha_url", "captcha_id"}
    assert captcha["captcha_url"].endswith(f"/captcha/image/{captcha['captcha_id']}/")
    [record] = [m for m in cloud.outbox.messages if m.kind == "captcha"]
    image = client.get(captcha["captcha_url"])
    assert image.status_code == 200
    assert image.headers["content-type"].startswith("image/svg+xml")
    assert record.data["code"] in image.text

    solved = {"captcha_id": captcha["captcha_id"], "captcha_code": record.data["code"], "phone": PHONE}
    response = client.post("/app/verify/codes", headers=headers, json=solved)
    assert response.status_code == 200
    assert response.json() == {}
    code = last_code(cloud, PHONE)
    response = client.put("/app/verify/codes", headers=headers, json={"phone": PHONE, "sms_code": code})
    assert response.status_code == 200
    assert response.json() == {}
    assert_error(client.put("/app/verify/codes", headers=headers, json={"phone": PHONE, "sms_code": code}), 9010, 400)


def test_a_wrong_or_used_captcha_sends_nothing(client: TestClient, cloud: Cloud) -> None:
    headers = app_token_headers(client, cloud)
    captcha_id = client.get("/app/verify/codes", headers=headers).json()["captcha_id"]
    code = cloud.codes.captcha(captcha_id).code  # type: ignore[union-attr]
    wrong = {"captcha_id": captcha_id, "captcha_code": "x" + code, "phone": PHONE}
    assert_error(client.post("/app/verify/codes", headers=headers, json=wrong), 9010, 400)
    unknown = {"captcha_id": "0" * 40, "captcha_code": code, "phone": PHONE}
    assert_error(client.post("/app/verify/codes", headers=headers, json=unknown), 9010, 400)
    assert cloud.outbox.to(PHONE) == []
    right = {"captcha_id": captcha_id, "captcha_code": code, "phone": PHONE}
    assert client.post("/app/verify/codes", headers=headers, json=right).status_code == 200
    assert_error(client.post("/app/verify/codes", headers=headers, json=right), 9010, 400)
    assert len(cloud.outbox.to(PHONE)) == 1


def test_captcha_expires(client: TestClient, cloud: Cloud) -> None:
    headers = app_token_headers(client, cloud)
    captcha_id = client.get("/app/verify/codes", headers=headers).json()["captcha_id"]
    code = cloud.codes.captcha(captcha_id).code  # type: ignore[union-attr]
    cloud.advance(10 * 60)
    solved = {"captcha_id": captcha_id, "captcha_code": code, "phone": PHONE}
    assert_error(client.post("/app/verify/codes", headers=headers, json=solved), 9009, 400)


def test_verify_codes_forms(client: TestClient, cloud: Cloud) -> None:
    headers = app_token_headers(client, cloud)
    assert_error(client.post("/app/verify/codes", headers=headers, json={"phone": PHONE}), 9015, 400)
    assert_error(client.put("/app/verify/codes", headers=headers, json={"phone": PHONE}), 9015, 400)
    assert_error(client.put("/app/verify/codes", headers=headers), 9015, 400)


def test_unknown_captcha_image_is_9999(client: TestClient) -> None:
    assert_error(client.get("/captcha/image/nope/"), 9999, 404)
