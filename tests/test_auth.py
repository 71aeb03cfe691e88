"""Application id and user token checks, shared by every route."""

from __future__ import annotations

from conftest import APP_HEADERS, assert_error, login, user_headers
from starlette.testclient import TestClient

from emulator.app import create_app
from emulator.config import EmulatorConfig
from emulator.gizwits.cloud.identity.apps import App


def test_missing_or_unknown_app_id_is_9003(client) -> None:
    body = {"username": "demo@heatzy.test", "password": "heatzy-demo"}
    assert_error(client.post("/app/login", json=body), 9003, 400)
    assert_error(client.post("/app/login", json=body, headers={"X-Gizwits-Application-Id": "nope"}), 9003, 400)


def test_missing_or_unknown_token_is_9004(client) -> None:
    assert_error(client.get("/app/bindings", headers=APP_HEADERS), 9004, 400)
    assert_error(client.get("/app/bindings", headers=user_headers("0" * 32)), 9004, 400)


def test_token_header_is_accepted_in_any_letter_case(client) -> None:
    token = login(client)["token"]
    for name in ("X-Gizwits-User-token", "X-Gizwits-User-Token", "x-gizwits-user-token"):
        response = client.get("/app/users", headers={**APP_HEADERS, name: token})
        assert response.status_code == 200, name


def test_every_login_issues_a_new_token_and_old_ones_stay_valid(client) -> None:
    first, second = login(client), login(client)
    assert first["token"] != second["token"] and first["uid"] == second["uid"]
    for token in (first["token"], second["token"]):
        assert client.get("/app/users", headers=user_headers(token)).status_code == 200


def test_token_expires_after_seven_days_with_9006(client, cloud) -> None:
    cloud.clock.freeze(1_800_000_000)
    issued = login(client)
    assert issued["expire_at"] == 1_800_000_000 + 7 * 24 * 3600
    cloud.advance(7 * 24 * 3600 - 1)
    assert client.get("/app/users", headers=user_headers(issued["token"])).status_code == 200
    cloud.advance(1)
    assert_error(client.get("/app/users", headers=user_headers(issued["token"])), 9006, 400)


def test_token_ttl_comes_from_the_config(client, cloud) -> None:
    cloud.users.token_ttl = 60
    cloud.clock.freeze(1_800_000_000)
    issued = login(client)
    assert issued["expire_at"] == 1_800_000_060


def test_a_token_only_works_with_the_app_id_it_was_issued_for(client, cloud) -> None:
    cloud.apps.add(App("a" * 32, "s" * 32, "Other"))
    token = login(client)["token"]
    headers = {"X-Gizwits-Application-Id": "a" * 32, "X-Gizwits-User-token": token}
    assert_error(client.get("/app/users", headers=headers), 9004, 400)


def test_users_belong_to_their_app(client, cloud) -> None:
    cloud.apps.add(App("b" * 32, "s" * 32, "Other"))
    other = {"X-Gizwits-Application-Id": "b" * 32}
    body = {"username": "demo@heatzy.test", "password": "heatzy-demo"}
    assert_error(client.post("/app/login", headers=other, json=body), 9020, 400)


def test_tokens_are_secrets_not_seeded() -> None:
    """Two fresh servers with the same seed give the same ids but not the same tokens; a token of one
    means nothing to the other (nor to the same server after a restart in memory)."""
    first, second = (TestClient(create_app(EmulatorConfig(seed=1))) for _ in range(2))
    one, two = login(first), login(second)
    assert one["uid"] == two["uid"] and one["token"] != two["token"]
    assert_error(second.get("/app/users", headers=user_headers(one["token"])), 9004, 400)


def test_expired_tokens_are_forgotten_after_a_week(client, cloud) -> None:
    cloud.clock.freeze(1_800_000_000)
    expired = [login(client)["token"] for _ in range(30)]
    cloud.advance(7 * 24 * 3600)
    assert_error(client.get("/app/users", headers=user_headers(expired[0])), 9006, 400)  # still known: expired
    cloud.advance(7 * 24 * 3600)
    fresh = login(client)["token"]
    assert [t["token"] for t in cloud.users.dump()["tokens"]] == [fresh]
    assert_error(client.get("/app/users", headers=user_headers(expired[0])), 9004, 400)  # forgotten
