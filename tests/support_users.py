"""Helpers for the user, verification and sharing tests: accounts, codes from the outbox, shares."""

from __future__ import annotations

import hashlib
from typing import Any

from conftest import APP_HEADERS, login, user_headers
from starlette.testclient import TestClient

from emulator.config import HEATZY_APP_ID
from emulator.gizwits.cloud.cloud import Cloud

#: A fixed start for tests that move the clock.
T0 = 1_700_000_000.0
FRIEND_EMAIL, FRIEND_PASSWORD = "friend@heatzy.test", "heatzy-friend"


def register(client: TestClient, email: str, password: str = "secret-pw") -> dict[str, str]:
    """A new e-mail user; returns its headers."""
    response = client.post("/app/users", headers=APP_HEADERS, json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    return user_headers(response.json()["token"])


def friend_headers(client: TestClient) -> dict[str, str]:
    return user_headers(login(client, FRIEND_EMAIL, FRIEND_PASSWORD)["token"])


def uid_of(cloud: Cloud, email: str) -> str:
    user = cloud.users.find(HEATZY_APP_ID, email=email)
    assert user is not None
    return user.uid


def app_token_headers(client: TestClient, cloud: Cloud) -> dict[str, str]:
    """Headers with a fresh app token (``POST /app/request_token``)."""
    app = cloud.apps.get(HEATZY_APP_ID)
    assert app is not None
    auth = hashlib.md5((app.appid + app.secret).encode()).hexdigest()
    response = client.post("/app/request_token", headers={**APP_HEADERS, "X-Gizwits-Application-Auth": auth})
    assert response.status_code == 200, response.text
    return {**APP_HEADERS, "X-Gizwits-Application-Token": response.json()["token"]}


def send_sms(client: TestClient, cloud: Cloud, phone: str) -> str:
    """Ask the cloud for an SMS code to ``phone``; return the code it "sent"."""
    response = client.post("/app/sms_code", headers=app_token_headers(client, cloud), json={"phone": phone})
    assert response.status_code == 200, response.text
    return last_code(cloud, phone)


def last_code(cloud: Cloud, phone: str) -> str:
    sms = [m for m in cloud.outbox.to(phone) if m.kind == "sms"]
    assert sms, f"no SMS was sent to {phone}"
    return str(sms[-1].data["code"])


def share(client: TestClient, headers: dict[str, str], did: str, **fields: Any) -> dict[str, Any]:
    """Create a share and return its body (asserting success)."""
    body = {"type": 0, "did": did, **fields}
    response = client.post("/app/sharing", headers=headers, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def roles(cloud: Cloud, did: str) -> dict[str, str]:
    """uid -> role of every user bound to ``did``."""
    return {b.uid: b.role for b in cloud.bindings.of_device(did)}


def messages(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/app/messages?type=1&limit=100", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["objects"]
