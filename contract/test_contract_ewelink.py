"""Contract: the eWeLink API v2, against the emulator (default) or the real CoolKit cloud.

On the emulator the suite's live server serves eWeLink beside Gizwits; the demo's eWeLink
account is used. Against the real cloud (``GIZWITS_TARGET=cloud``) these tests need
``EWELINK_BASE_URL`` (the account's region host, e.g. ``https://eu-apia.coolkit.cc``),
``EWELINK_APP_ID``/``EWELINK_APP_SECRET`` and ``EWELINK_EMAIL``/``EWELINK_PASSWORD``, and skip
without them. Snapshots are seeded from the seed's examples (``contract/seed_snapshots.py``)
and compared by shape until recorded against the cloud.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from .conftest import Snapshot
from .target import Target

DEMO = {"app": ("K6vUf3hTqN2pWx8Ls5Rd0YbJm7Ce1GzA", "Qz4Xw9Ht2Nv6Bp1Lk8Jr3Df7Gs5Ma0Yc"),
        "account": ("demo@ewelink.test", "ewelink-demo"), "host": "eu-apia.coolkit.cc"}


class EwelinkApi:
    """Signs (HMAC-SHA256 of the body with the app secret) or sends the token; ``host`` is the Host."""

    def __init__(self, base_url: str, host: str, appid: str, secret: str, email: str, password: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30.0)
        self.host, self.appid, self.secret = host, appid, secret
        self.email, self.password = email, password
        self.at: str | None = None

    def signed(self, path: str, body: dict[str, Any], host: str | None = None) -> httpx.Response:
        raw = json.dumps(body).encode()
        sign = base64.b64encode(hmac.new(self.secret.encode(), raw, hashlib.sha256).digest()).decode()
        return self.http.post(path, content=raw, headers={"Host": host or self.host, "X-CK-Appid": self.appid,
                                                          "Authorization": f"Sign {sign}",
                                                          "Content-Type": "application/json"})

    def login(self) -> str:
        answer = self.signed("/v2/user/login", {"email": self.email, "password": self.password, "countryCode": "+33"})
        self.at = answer.json()["data"]["at"]
        return self.at

    def get(self, path: str, host: str | None = None, **params: Any) -> httpx.Response:
        return self.http.get(path, params=params, headers={"Host": host or self.host,
                                                           "Authorization": f"Bearer {self.at}"})


@pytest.fixture(scope="module")
def ewelink(target: Target) -> Iterator[EwelinkApi]:
    if target.is_cloud:
        needed = ("EWELINK_BASE_URL", "EWELINK_APP_ID", "EWELINK_APP_SECRET", "EWELINK_EMAIL", "EWELINK_PASSWORD")
        missing = [name for name in needed if not os.environ.get(name)]
        if missing:
            pytest.skip(f"the eWeLink contract against the cloud needs {', '.join(missing)}")
        base = os.environ["EWELINK_BASE_URL"].rstrip("/")
        api = EwelinkApi(base, urlsplit(base).netloc, os.environ["EWELINK_APP_ID"], os.environ["EWELINK_APP_SECRET"],
                         os.environ["EWELINK_EMAIL"], os.environ["EWELINK_PASSWORD"])
    else:
        api = EwelinkApi(target.base_url, DEMO["host"], *DEMO["app"], *DEMO["account"])
    api.login()
    yield api
    api.http.close()


@pytest.mark.cloud_validated(None)
def test_login_on_another_regions_host(ewelink: EwelinkApi, snapshot: Snapshot) -> None:
    other = "us-apia.coolkit.cc" if not ewelink.host.startswith("us-") else "eu-apia.coolkit.cc"
    response = ewelink.signed("/v2/user/login", {"email": ewelink.email, "password": ewelink.password,
                                                 "countryCode": "+33"}, host=other)
    snapshot.match("login", response)
    assert response.status_code == 200 and response.json()["error"] == 10004


@pytest.mark.cloud_validated(None)
def test_an_unknown_interface(ewelink: EwelinkApi, snapshot: Snapshot) -> None:
    response = ewelink.get("/v2/no-such-interface")
    snapshot.match("answer", response)
    assert response.json()["error"] == 403


@pytest.mark.cloud_validated(None)
def test_dispatch(ewelink: EwelinkApi, snapshot: Snapshot) -> None:
    region = ewelink.host.split("-", 1)[0]
    response = ewelink.get("/dispatch/app", host=f"{region}-dispa.coolkit.{'cn' if region == 'cn' else 'cc'}")
    snapshot.match("dispatch", response)
    assert response.json()["reason"] == "ok" and isinstance(response.json()["port"], int)


@pytest.mark.cloud_validated(None)
def test_a_success_envelope(ewelink: EwelinkApi, snapshot: Snapshot) -> None:
    response = ewelink.get("/v2/family")
    body = response.json()
    first = {**body["data"]["familyList"][0], "roomList": body["data"]["familyList"][0]["roomList"][:1]}
    snapshot.match("family", response, body={**body, "data": {**body["data"], "familyList": [first]}})
    assert body["error"] == 0 and body["msg"] == ""
