"""eWeLink signing, tokens and regions: Sign with the app secret over the raw body or sorted
query, lenient apps, at/rt lifetimes, a new login revoking the older at, refresh, logout,
10004 with the account's region on another region's host, localhost serving the account's own."""

from __future__ import annotations

import json

from ewelink_support import (
    APPID,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    HOSTS,
    LAMP,
    LENIENT_APPID,
    SECRET,
    Ewe,
    eclient,
    ecloud,
    ewe,
    ewelink_of,
    signature,
)
from starlette.testclient import TestClient

from emulator.gizwits.cloud.cloud import Cloud

__all__ = ["eclient", "ecloud", "ewe"]
LOGIN = {"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "countryCode": "+33"}


def test_login_on_the_accounts_region_gives_tokens_user_and_region(eclient: TestClient) -> None:
    data = Ewe(eclient).login()
    assert data["region"] == "eu" and len(data["at"]) == 40 and len(data["rt"]) == 40
    assert data["user"]["email"] == DEMO_EMAIL and data["user"]["apikey"]


def test_login_on_another_regions_host_answers_10004_with_the_region(eclient: TestClient) -> None:
    for region in ("cn", "us", "as"):
        answer = Ewe(eclient, HOSTS[region]).sign_post("/v2/user/login", LOGIN)
        assert answer == {"error": 10004, "msg": "redirection", "data": {"region": "eu"}}


def test_localhost_serves_the_account_in_its_own_region(eclient: TestClient) -> None:
    assert Ewe(eclient, "127.0.0.1:8000").login()["region"] == "eu"
    assert Ewe(eclient, "localhost").login()["region"] == "eu"


def test_a_bad_signature_an_unknown_appid_and_a_missing_sign_are_refused(eclient: TestClient) -> None:
    client = Ewe(eclient)
    assert client.sign_post("/v2/user/login", LOGIN, secret="wrong-secret")["error"] == 401
    assert Ewe(eclient, appid="nope").sign_post("/v2/user/login", LOGIN)["error"] == 407
    raw = json.dumps(LOGIN).encode()
    answer = eclient.post("https://eu-apia.coolkit.cc/v2/user/login", content=raw, headers={"X-CK-Appid": APPID})
    assert answer.status_code == 200 and answer.json()["error"] == 401


def test_the_signature_covers_the_raw_bytes_whatever_the_serialisation(eclient: TestClient) -> None:
    for raw in (json.dumps(LOGIN).encode(), json.dumps(LOGIN, separators=(",", ":")).encode()):
        answer = eclient.post("https://eu-apia.coolkit.cc/v2/user/login", content=raw,
                              headers={"X-CK-Appid": APPID, "Authorization": "Sign " + signature(SECRET, raw)})
        assert answer.json()["error"] == 0
    tampered = json.dumps({**LOGIN, "password": "other"}).encode()
    answer = eclient.post("https://eu-apia.coolkit.cc/v2/user/login", content=tampered,
                          headers={"X-CK-Appid": APPID, "Authorization": "Sign " + signature(SECRET, raw)})
    assert answer.json()["error"] == 401


def test_a_lenient_app_is_not_asked_for_a_valid_signature(eclient: TestClient) -> None:
    client = Ewe(eclient, appid=LENIENT_APPID, secret="anything")
    assert client.sign_post("/v2/user/login", LOGIN)["error"] == 0


def test_get_region_is_signed_over_the_query_with_or_without_plus(eclient: TestClient) -> None:
    client = Ewe(eclient, "apia.coolkit.cn")
    assert client.sign_get("/v2/utils/get-region", {"countryCode": "+86"})["data"] == {"region": "cn"}
    assert client.sign_get("/v2/utils/get-region", {"countryCode": "33"})["data"] == {"region": "eu"}
    assert client.sign_get("/v2/utils/get-region", {"countryCode": "+1"})["data"] == {"region": "us"}
    assert client.sign_get("/v2/utils/get-region", {"countryCode": "+65"})["data"] == {"region": "as"}
    bad = eclient.get("https://apia.coolkit.cn/v2/utils/get-region?countryCode=86",
                      headers={"X-CK-Appid": APPID, "Authorization": "Sign " + signature(SECRET, b"countryCode=1")})
    assert bad.json()["error"] == 401


def test_a_new_login_revokes_the_older_access_token(ewe: Ewe) -> None:
    first = ewe.at
    assert ewe.get("/v2/user/profile")["error"] == 0
    ewe.login()
    assert ewe.get("/v2/user/profile", at=first)["error"] == 401
    assert ewe.get("/v2/user/profile")["error"] == 0


def test_the_access_token_expires_after_30_days_and_refresh_gives_a_new_pair(ecloud: Cloud, ewe: Ewe) -> None:
    rt = ewelink_of(ecloud).accounts.token(ewe.at or "", ecloud.now()).rt
    ecloud.advance(30 * 86400 - 1)
    assert ewe.get("/v2/user/profile")["error"] == 0
    ecloud.advance(2)
    assert ewe.get("/v2/user/profile")["error"] == 402
    pair = ewe.ok(ewe.sign_post("/v2/user/refresh", {"rt": rt}))
    assert set(pair) == {"at", "rt"} and pair["rt"] != rt
    assert ewe.get("/v2/user/profile", at=pair["at"])["error"] == 0
    assert ewe.sign_post("/v2/user/refresh", {"rt": rt})["error"] == 401  # the old rt went with its pair
    ecloud.advance(60 * 86400 + 1)
    assert ewe.sign_post("/v2/user/refresh", {"rt": pair["rt"]})["error"] == 402


def test_logout_revokes_the_token(ewe: Ewe) -> None:
    assert ewe.delete("/v2/user/logout")["error"] == 0
    assert ewe.get("/v2/user/profile")["error"] == 401


def test_a_token_is_refused_on_another_regions_host(ewe: Ewe, eclient: TestClient) -> None:
    other = Ewe(eclient, HOSTS["us"])
    assert other.get("/v2/user/profile", at=ewe.at)["error"] == 401
    assert ewe.get("/v2/user/profile")["error"] == 0


def test_wrong_password_and_unknown_user(eclient: TestClient) -> None:
    client = Ewe(eclient)
    assert client.sign_post("/v2/user/login", {**LOGIN, "password": "nope-nope"})["error"] == 10001
    assert client.sign_post("/v2/user/login", {**LOGIN, "email": "who@ewelink.test"})["error"] == 10003


def test_register_with_a_code_from_the_outbox_then_log_in(ecloud: Cloud, eclient: TestClient) -> None:
    client = Ewe(eclient)
    email = "new@ewelink.test"
    assert client.sign_post("/v2/user/register", {"countryCode": "+33", "email": email, "verificationCode": "000000",
                                                  "password": "secret123"})["error"] == 10002
    assert client.sign_post("/v2/user/verification-code", {"type": 0, "email": email})["error"] == 0
    code = ewelink_of(ecloud).outbox.messages[-1].data["code"]
    data = client.ok(client.sign_post("/v2/user/register", {"countryCode": "+33", "email": email,
                                                            "verificationCode": code, "password": "secret123"}))
    assert data["region"] == "eu" and data["user"]["email"] == email
    assert client.sign_post("/v2/user/verification-code", {"type": 0, "email": email})["error"] == 10009
    assert client.login(email, "secret123")["user"]["apikey"] == data["user"]["apikey"]
    homes = client.ok(client.get("/v2/family"))
    assert len(homes["familyList"]) == 1 and homes["currentFamilyId"] == homes["familyList"][0]["id"]


def test_verification_codes_are_rate_limited(eclient: TestClient) -> None:
    client = Ewe(eclient)
    for _ in range(3):
        assert client.sign_post("/v2/user/verification-code", {"type": 1, "email": DEMO_EMAIL})["error"] == 0
    assert client.sign_post("/v2/user/verification-code", {"type": 1, "email": DEMO_EMAIL})["error"] == 10010


def test_reset_and_change_password(ecloud: Cloud, eclient: TestClient) -> None:
    client = Ewe(eclient)
    client.sign_post("/v2/user/verification-code", {"type": 1, "email": DEMO_EMAIL})
    code = ewelink_of(ecloud).outbox.messages[-1].data["code"]
    data = client.ok(client.sign_post("/v2/user/reset-pwd", {"email": DEMO_EMAIL, "verificationCode": code,
                                                             "password": "brand-new-1"}))
    client.at = data["at"]
    assert client.post("/v2/user/change-pwd", {"oldPassword": "wrong", "newPassword": "another-22"})["error"] == 10001
    assert client.post("/v2/user/change-pwd", {"oldPassword": "brand-new-1", "newPassword": "another-22"})["error"] == 0
    assert client.login(DEMO_EMAIL, "another-22")["region"] == "eu"


def test_profile_update_and_sms_login_rules(ewe: Ewe) -> None:
    assert ewe.post("/v2/user/profile", {"nickname": "Neo", "acceptEmailAd": True})["error"] == 0
    assert ewe.ok(ewe.get("/v2/user/profile"))["user"]["nickname"] == "Neo"
    assert ewe.post("/v2/user/profile", {"accountConsult": False})["error"] == 400
    answer = ewe.sign_post("/v2/user/sms-login", {"countryCode": "+33", "phoneNumber": "+33612345678",
                                                  "verificationCode": "123456"})
    assert answer["error"] == 400


def test_control_through_a_token_uses_the_app_of_the_token(ewe: Ewe, ecloud: Cloud) -> None:
    assert ewe.control(LAMP, {"switch": "on"})["error"] == 0
    record = [r for r in ecloud.history.of(LAMP) if r.source == "app"][-1]
    assert record.appid == APPID and record.attrs == {"switch": "on"}
