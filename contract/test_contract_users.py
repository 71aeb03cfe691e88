"""Contract: logging in, using the token, the user profile, and how bad credentials are refused."""

from __future__ import annotations

import pytest

from .conftest import Snapshot
from .target import Api


@pytest.mark.cloud_validated(None)
def test_login(api: Api, snapshot: Snapshot) -> None:
    response = api.request("POST", "/app/login", json={"username": api.target.username,
                                                       "password": api.target.password})
    snapshot.match("login", response)
    assert response.status_code == 200
    assert response.json()["expire_at"] > 0


@pytest.mark.cloud_validated(None)
def test_login_with_a_wrong_password(api: Api, snapshot: Snapshot) -> None:
    response = api.request("POST", "/app/login", json={"username": api.target.username,
                                                       "password": "not-the-password-" + "x" * 8})
    snapshot.match("login", response)
    assert response.json()["error_code"] == 9020


@pytest.mark.cloud_validated(None)
def test_token_reads_the_profile(api: Api, token: str, snapshot: Snapshot) -> None:
    response = api.request("GET", "/app/users", token=token)
    snapshot.match("profile", response)
    assert response.status_code == 200


@pytest.mark.cloud_validated(None)
def test_a_bad_token_is_refused(api: Api, snapshot: Snapshot) -> None:
    response = api.request("GET", "/app/users", token="0" * 32)
    snapshot.match("profile", response)
    assert response.json()["error_code"] == 9004


@pytest.mark.cloud_validated(None)
def test_a_missing_application_id_is_refused(api: Api, token: str, snapshot: Snapshot) -> None:
    response = api.request("GET", "/app/users", token=token, app_id=None)
    snapshot.match("profile", response)
    assert response.json()["error_code"] == 9003


@pytest.mark.cloud_validated(None)
def test_profile_update_and_restore(api: Api, token: str, snapshot: Snapshot) -> None:
    before = api.request("GET", "/app/users", token=token).json()
    try:
        response = api.request("PUT", "/app/users", token=token, json={"name": "contract-suite"})
        snapshot.match("update", response)
        assert response.status_code == 200
        assert api.request("GET", "/app/users", token=token).json()["name"] == "contract-suite"
    finally:
        api.request("PUT", "/app/users", token=token, json={"name": before["name"] or ""})
