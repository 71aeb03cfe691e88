"""Helpers of the eWeLink tests: a cloud on a frozen clock, and a client that signs like real clients.

``Ewe`` wraps a Starlette ``TestClient``: ``sign_post``/``sign_get`` send Sign-authorised
requests (HMAC-SHA256 of the raw body, or of the sorted query, with the app secret), the
other methods send ``Authorization: Bearer <at>``; each returns the decoded envelope after
checking the answer is HTTP 200 (every eWeLink answer is).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from conftest import MONDAY_7AM_PARIS
from starlette.testclient import TestClient

from emulator.app import create_app
from emulator.config import EmulatorConfig
from emulator.core.clock import Clock
from emulator.ewelink.cloud.cloud import EwelinkCloud
from emulator.gizwits.cloud.cloud import Cloud

APPID, SECRET = "K6vUf3hTqN2pWx8Ls5Rd0YbJm7Ce1GzA", "Qz4Xw9Ht2Nv6Bp1Lk8Jr3Df7Gs5Ma0Yc"
LENIENT_APPID = "LenientDemoAppForUnknownSecrets1"
DEMO_EMAIL, DEMO_PASSWORD = "demo@ewelink.test", "ewelink-demo"
FRIEND_EMAIL, FRIEND_PASSWORD = "friend@ewelink.test", "ewelink-friend"
LAMP, STRIP, POWR2, TH16, DOOR, SPARE = "1000a0b001", "1000a0b004", "1000a0b032", "1000a0b015", "1000a0b102", \
    "1000a0b0f1"
HOSTS = {"cn": "cn-apia.coolkit.cn", "eu": "eu-apia.coolkit.cc", "us": "us-apia.coolkit.cc", "as": "as-apia.coolkit.cc"}


def signature(secret: str, message: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


class Ewe:
    def __init__(self, client: TestClient, host: str = HOSTS["eu"], appid: str = APPID, secret: str = SECRET) -> None:
        self.client = client
        self.base = f"https://{host}"
        self.appid, self.secret = appid, secret
        self.at: str | None = None

    @staticmethod
    def _envelope(response: Any) -> dict[str, Any]:
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) >= {"error", "msg", "data"} or "reason" in body, body
        return body  # type: ignore[no-any-return]

    def sign_post(self, path: str, body: dict[str, Any], *, secret: str | None = None) -> dict[str, Any]:
        raw = json.dumps(body).encode()
        headers = {"X-CK-Appid": self.appid, "Authorization": "Sign " + signature(secret or self.secret, raw),
                   "Content-Type": "application/json"}
        return self._envelope(self.client.post(self.base + path, content=raw, headers=headers))

    def sign_get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        message = "&".join(f"{k}={v}" for k, v in sorted(params.items())).encode()
        headers = {"X-CK-Appid": self.appid, "Authorization": "Sign " + signature(self.secret, message)}
        return self._envelope(self.client.get(f"{self.base}{path}?{urlencode(params)}", headers=headers))

    def login(self, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> dict[str, Any]:
        answer = self.sign_post("/v2/user/login", {"email": email, "password": password, "countryCode": "+33"})
        assert answer["error"] == 0, answer
        self.at = answer["data"]["at"]
        return answer["data"]  # type: ignore[no-any-return]

    def _auth(self, at: str | None) -> dict[str, str]:
        token = at or self.at
        return {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, at: str | None = None, **params: Any) -> dict[str, Any]:
        return self._envelope(self.client.get(self.base + path, params=params, headers=self._auth(at)))

    def post(self, path: str, body: Any, at: str | None = None) -> dict[str, Any]:
        return self._envelope(self.client.post(self.base + path, json=body, headers=self._auth(at)))

    def put(self, path: str, body: Any, at: str | None = None) -> dict[str, Any]:
        return self._envelope(self.client.put(self.base + path, json=body, headers=self._auth(at)))

    def delete(self, path: str, at: str | None = None, **params: Any) -> dict[str, Any]:
        return self._envelope(self.client.delete(self.base + path, params=params, headers=self._auth(at)))

    def ok(self, answer: dict[str, Any]) -> Any:
        assert answer["error"] == 0, answer
        return answer["data"]

    def status(self, deviceid: str) -> dict[str, Any]:
        return self.ok(self.get("/v2/device/thing/status", type=1, id=deviceid))["params"]  # type: ignore[no-any-return]

    def control(self, deviceid: str, params: dict[str, Any]) -> dict[str, Any]:
        return self.post("/v2/device/thing/status", {"type": 1, "id": deviceid, "params": params})


def frozen_cloud(at: float = MONDAY_7AM_PARIS, fixture: str = "demo") -> Cloud:
    """Both clouds in one world on a frozen clock (the app attaches the eWeLink part too; here it is
    attached at once, so a test can use it before making the app)."""
    clock = Clock()
    clock.freeze(at)
    cloud = Cloud(EmulatorConfig(seed=1, fixture=fixture), clock=clock)
    EwelinkCloud(cloud.world)
    return cloud


def ewelink_of(cloud: Cloud) -> EwelinkCloud:
    part = cloud.world.part("ewelink")
    assert part is not None
    return part  # type: ignore[no-any-return]


@pytest.fixture
def ecloud() -> Cloud:
    return frozen_cloud()


@pytest.fixture
def eclient(ecloud: Cloud) -> Iterator[TestClient]:
    with TestClient(create_app(cloud=ecloud), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def ewe(eclient: TestClient) -> Ewe:
    """A client of the demo eWeLink account, logged in on its region's host (eu)."""
    client = Ewe(eclient)
    client.login()
    return client
