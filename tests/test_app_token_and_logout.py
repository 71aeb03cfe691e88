"""``POST /app/request_token`` (app token against X-Gizwits-Application-Auth) and ``DELETE /app/logout``."""

from __future__ import annotations

import hashlib

from conftest import APP_HEADERS, assert_error, login, user_headers
from starlette.testclient import TestClient
from support_users import T0

from emulator.config import DEFAULT_TOKEN_TTL
from emulator.gizwits.cloud.cloud import Cloud
from emulator.gizwits.cloud.scenario import HEATZY_APP


def auth_for(appid: str, secret: str) -> str:
    return hashlib.md5((appid + secret).encode()).hexdigest()


def test_request_token_returns_token_and_expired_at(client: TestClient, cloud: Cloud) -> None:
    cloud.clock.freeze(T0)
    headers = {**APP_HEADERS, "X-Gizwits-Application-Auth": auth_for(HEATZY_APP.appid, HEATZY_APP.secret)}
    response = client.post("/app/request_token", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expired_at"}
    assert len(body["token"]) == 32 and int(body["token"], 16) >= 0
    assert body["expired_at"] == int(T0) + DEFAULT_TOKEN_TTL


def test_request_token_refuses_a_wrong_or_missing_signature(client: TestClient) -> None:
    wrong = {**APP_HEADERS, "X-Gizwits-Application-Auth": auth_for(HEATZY_APP.appid, "not-the-secret")}
    body = assert_error(client.post("/app/request_token", headers=wrong), 9038, 400)
    assert body["error_message"] == "X-Gizwits-Application-Auth invalid!"
    assert_error(client.post("/app/request_token", headers=APP_HEADERS), 9038, 400)
    upper = {**APP_HEADERS, "X-Gizwits-Application-Auth": auth_for(HEATZY_APP.appid, HEATZY_APP.secret).upper()}
    assert_error(client.post("/app/request_token", headers=upper), 9038, 400)


def test_request_token_needs_a_known_application(client: TestClient) -> None:
    headers = {"X-Gizwits-Application-Id": "0" * 32, "X-Gizwits-Application-Auth": "x"}
    assert_error(client.post("/app/request_token", headers=headers), 9003, 400)


def test_app_token_is_not_a_user_token(client: TestClient) -> None:
    headers = {**APP_HEADERS, "X-Gizwits-Application-Auth": auth_for(HEATZY_APP.appid, HEATZY_APP.secret)}
    token = client.post("/app/request_token", headers=headers).json()["token"]
    assert_error(client.get("/app/users", headers=user_headers(token)), 9004, 400)


def test_logout_ends_that_token_only(client: TestClient) -> None:
    first = user_headers(login(client)["token"])
    second = user_headers(login(client)["token"])
    response = client.delete("/app/logout", headers=first)
    assert response.status_code == 204
    assert response.content == b""
    assert_error(client.get("/app/users", headers=first), 9004, 400)
    assert client.get("/app/users", headers=second).status_code == 200


def test_logout_needs_a_valid_token(client: TestClient) -> None:
    assert_error(client.delete("/app/logout", headers=APP_HEADERS), 9004, 400)
    assert_error(client.delete("/app/logout", headers=user_headers("f" * 32)), 9004, 400)
