"""Every operation asks for what its documented security says, with the documented 9xxx answers.

A user operation (security ``appId`` + ``userToken``) refuses a request without an
application id (9003), with an unknown one (9003), without a token, with an unknown token
(9004) or an expired one (9006); an application operation refuses a missing or unknown
application id (9003); an operation without security answers without any header. All
answers are HTTP 400, as the Gizwits table says, and change nothing. (A token of another
application is ``test_isolation.py``'s.)
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from clocked import T0
from conftest import APP_HEADERS, assert_error, login, user_headers
from starlette.testclient import TestClient

from emulator.config import EmulatorConfig
from emulator.core.clock import Clock
from emulator.gizwits.api.openapi import document
from emulator.gizwits.cloud.cloud import Cloud

TOKEN_TTL = 3600


def operations(security: list[dict[str, list[str]]]) -> list[tuple[str, str]]:
    return sorted((path, method) for path, item in document()["paths"].items() for method, op in item.items()
                  if op["security"] == security)


USER_OPERATIONS = operations([{"appId": [], "userToken": []}])
APP_OPERATIONS = operations([{"appId": []}])
OPEN_OPERATIONS = operations([])


def url(path: str) -> str:
    """The path with every parameter filled in (``rule_id`` and ``id`` with digits, which both kinds of id take)."""
    return re.sub(r"\{[^}]+\}", "1", path)


def ids(operations: list[tuple[str, str]]) -> list[str]:
    return [f"{method.upper()} {path}" for path, method in operations]


@pytest.fixture
def cloud() -> Cloud:
    clock = Clock()
    clock.freeze(T0)
    return Cloud(EmulatorConfig(seed=1, token_ttl=TOKEN_TTL), clock=clock)


def unchanged(cloud: Cloud, request: Any) -> Any:
    before = cloud.snapshot()["stores"]
    response = request()
    assert cloud.snapshot()["stores"] == before
    return response


@pytest.mark.parametrize(("path", "method"), USER_OPERATIONS, ids=ids(USER_OPERATIONS))
def test_user_operations_need_an_app_id_and_a_live_token(client: TestClient, cloud: Cloud, path: str,
                                                         method: str) -> None:
    token = login(client)["token"]

    def send(headers: dict[str, str]) -> Any:
        return unchanged(cloud, lambda: client.request(method, url(path), headers=headers, json={}))

    assert_error(send({}), 9003, 400)
    assert_error(send({**user_headers(token), "X-Gizwits-Application-Id": "0" * 32}), 9003, 400)
    assert_error(send(APP_HEADERS), 9004, 400)
    assert_error(send(user_headers("0" * 32)), 9004, 400)
    cloud.advance(TOKEN_TTL)
    assert_error(send(user_headers(token)), 9006, 400)


@pytest.mark.parametrize(("path", "method"), APP_OPERATIONS, ids=ids(APP_OPERATIONS))
def test_app_operations_need_an_app_id(client: TestClient, cloud: Cloud, path: str, method: str) -> None:
    for headers in ({}, {"X-Gizwits-Application-Id": "0" * 32}):
        response = unchanged(cloud, lambda headers=headers: client.request(method, url(path), headers=headers,
                                                                           json={}))
        assert_error(response, 9003, 400)


@pytest.mark.parametrize(("path", "method"), OPEN_OPERATIONS, ids=ids(OPEN_OPERATIONS))
def test_open_operations_answer_without_credentials(client: TestClient, path: str, method: str) -> None:
    response = client.request(method, url(path))
    assert response.status_code < 500
    if response.status_code >= 400:
        assert response.json()["error_code"] not in (9003, 9004, 9006)

