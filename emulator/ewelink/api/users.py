"""User routes (seed 004 L182-710): region, register, login, SMS login, verification codes,
passwords, profile, token refresh, logout, closing the account.

Region rules: an account lives in one region. A login or a verification code for an account
asked on another region's host answers 10004 with the account's region (L504-512,
L566-574); clients retry there. On a host of no region (localhost, an IP) the account is
served where it is. A new account is made in the region of the host it registers on, or,
on a host of no region, in the region of its country code (as get-region says).
SMS login is for mainland China numbers only (L522): others are 400.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ..cloud.codes import TYPES
from ..cloud.users import Account
from ..errors import EwelinkError, bad_params
from ..regions import region_of_country
from .http import (
    Call,
    bearer,
    choice,
    country_code,
    endpoint,
    field,
    identity,
    password,
    text,
)
from .openapi import BOOLEAN, INTEGER, STRING, obj, operation, query

_REDIRECT = 10004


def _in_region(call: Call, account: Account) -> None:
    if call.region is not None and account.region != call.region:
        raise EwelinkError(_REDIRECT, data={"region": account.region}, msg="redirection")


def _session(call: Call, account: Account) -> dict[str, Any]:
    assert call.app is not None
    token = call.cloud.accounts.issue(account, call.app.appid, call.now)
    return {"user": account.profile(), "at": token.at, "rt": token.rt, "region": account.region}


def _find(call: Call, email: str, phone: str) -> Account:
    account = call.cloud.accounts.find(email=email or None, phone=phone or None)
    if account is None:
        raise EwelinkError(10003)
    return account


@endpoint(auth="sign")
def get_region(call: Call) -> Any:
    code = call.query_required("countryCode")
    if not code.lstrip("+").isdigit() or len(code.lstrip("+")) > 4:
        raise bad_params(f"countryCode must be like +86, got {code!r}")
    return {"region": region_of_country(code)}


@endpoint(auth="sign", body="required")
def register(call: Call) -> Any:
    code = country_code(call.body)
    email, phone = identity(call.body)
    verification = text(call.body, "verificationCode", required=True, max_length=16)
    secret = password(call.body)
    assert code is not None and verification is not None
    if call.cloud.accounts.find(email=email or None, phone=phone or None) is not None:
        raise EwelinkError(10009)
    call.cloud.codes.use(email or phone, 0, verification, call.now)
    account = call.cloud.create_account(region=call.region or region_of_country(code), password=secret, email=email,
                                        phone=phone, country_code=code)
    return _session(call, account)


@endpoint(auth="sign", body="required")
def login(call: Call) -> Any:
    country_code(call.body)
    email, phone = identity(call.body)
    given = text(call.body, "password", required=True, max_length=128)
    text(call.body, "lang", max_length=8)
    account = _find(call, email, phone)
    _in_region(call, account)
    if account.password != given:
        raise EwelinkError(10001)
    return _session(call, account)


@endpoint(auth="sign", body="required")
def sms_login(call: Call) -> Any:
    code = country_code(call.body)
    phone = text(call.body, "phoneNumber", required=True, max_length=24)
    verification = text(call.body, "verificationCode", required=True, max_length=16)
    assert phone is not None and verification is not None
    if code != "+86" or not phone.startswith("+86"):
        raise bad_params("SMS login is for mainland China (+86) numbers only")
    account = _find(call, "", phone)
    _in_region(call, account)
    call.cloud.codes.use(phone, 4, verification, call.now)
    return _session(call, account)


@endpoint(auth="sign", body="required")
def verification_code(call: Call) -> Any:
    kind = choice(call.body, "type", tuple(TYPES), required=True)
    email, phone = identity(call.body)
    assert kind is not None
    account = call.cloud.accounts.find(email=email or None, phone=phone or None)
    if kind == 0 and account is not None:
        raise EwelinkError(10009)
    if kind != 0:
        if account is None:
            raise EwelinkError(10003)
        _in_region(call, account)
    call.cloud.codes.send(email or phone, kind, call.now, sms=bool(phone))
    return {}


@endpoint(auth="sign", body="required")
def reset_password(call: Call) -> Any:
    email, phone = identity(call.body)
    verification = text(call.body, "verificationCode", required=True, max_length=16)
    secret = password(call.body)
    assert verification is not None
    account = _find(call, email, phone)
    _in_region(call, account)
    call.cloud.codes.use(email or phone, 1, verification, call.now)
    account.password = secret
    return _session(call, account)


@endpoint(auth="token", body="required")
def change_password(call: Call) -> Any:
    old = text(call.body, "oldPassword", required=True, max_length=128)
    new = password(call.body, "newPassword")
    if old != call.me.password:
        raise EwelinkError(10001)
    call.me.password = new
    return {}


@endpoint(auth="token")
def get_profile(call: Call) -> Any:
    return {"user": call.me.profile(), "region": call.me.region}


@endpoint(auth="token", body="required")
def update_profile(call: Call) -> Any:
    nickname = text(call.body, "nickname", max_length=64)
    accept = field(call.body, "acceptEmailAd", bool)
    consult = field(call.body, "accountConsult", bool)
    if consult is False:
        raise bad_params("accountConsult can only be set to true")
    if nickname is not None:
        call.me.nickname = nickname
    if accept is not None:
        call.me.accept_email_ad = accept
    if consult:
        call.me.account_consult = True
    return {}


@endpoint(auth="either", body="required")
def refresh(call: Call) -> Any:
    rt = text(call.body, "rt", required=True, max_length=64)
    assert rt is not None
    token = call.cloud.accounts.refresh(rt, call.now)
    return {"at": token.at, "rt": token.rt}


@endpoint(auth="token")
def logout(call: Call) -> Any:
    at = bearer(call.request)
    assert at is not None
    call.cloud.accounts.revoke(at)
    return {}


@endpoint(auth="token", body="required")
def close_account(call: Call) -> Any:
    verification = text(call.body, "verificationCode", required=True, max_length=16)
    assert verification is not None
    call.cloud.codes.use(call.me.account, 3, verification, call.now)
    call.cloud.close_account(call.me)
    return {}


ROUTES = [
    Route("/v2/utils/get-region", get_region, methods=["GET"]),
    Route("/v2/user/register", register, methods=["POST"]),
    Route("/v2/user/login", login, methods=["POST"]),
    Route("/v2/user/sms-login", sms_login, methods=["POST"]),
    Route("/v2/user/verification-code", verification_code, methods=["POST"]),
    Route("/v2/user/reset-pwd", reset_password, methods=["POST"]),
    Route("/v2/user/change-pwd", change_password, methods=["POST"]),
    Route("/v2/user/profile", get_profile, methods=["GET"]),
    Route("/v2/user/profile", update_profile, methods=["POST"]),
    Route("/v2/user/refresh", refresh, methods=["POST"]),
    Route("/v2/user/logout", logout, methods=["DELETE"]),
    Route("/v2/user/close-account", close_account, methods=["POST"]),
]

# -- OpenAPI ----------------------------------------------------------------------------------------------
_TAGS = ["user"]
USER = obj({"apikey": STRING, "countryCode": STRING, "email": STRING, "phoneNumber": STRING, "nickname": STRING,
            "accountLevel": INTEGER, "levelExpiredAt": INTEGER, "denyRecharge": BOOLEAN, "accountConsult": BOOLEAN,
            "acceptEmailAd": BOOLEAN, "ipCountry": STRING, "createdAt": INTEGER},
           ("apikey", "countryCode", "accountLevel"))
REGION = {"enum": ["cn", "as", "us", "eu"]}
SESSION = obj({"user": USER, "at": STRING, "rt": STRING, "region": REGION}, ("user", "at", "rt", "region"))
_WHO = {"email": STRING, "phoneNumber": STRING}

SPEC: dict[str, Any] = {
    "/v2/utils/get-region": {"get": operation(
        "getRegion", "The region of a country calling code (global host apia.coolkit.cn)", tags=_TAGS,
        parameters=[query("countryCode", STRING, "area code such as +86", required=True)],
        data=obj({"region": REGION}, ("region",)), lines="182-202")},
    "/v2/user/register": {"post": operation(
        "register", "Create an account", tags=_TAGS, lines="203-476", data=SESSION, errors=(10002, 10009),
        body=obj({"countryCode": STRING, **_WHO, "verificationCode": STRING, "password": STRING},
                 ("countryCode", "verificationCode", "password")))},
    "/v2/user/login": {"post": operation(
        "login", "Log in (10004 with the account's region on another region's host)", tags=_TAGS, lines="477-513",
        data=SESSION, errors=(10001, 10003, 10004),
        body=obj({"lang": STRING, "countryCode": STRING, **_WHO, "password": STRING}, ("countryCode", "password")))},
    "/v2/user/sms-login": {"post": operation(
        "smsLogin", "Log in with an SMS code (mainland China numbers)", tags=_TAGS, lines="514-543", data=SESSION,
        errors=(10002, 10003, 10004),
        body=obj({"countryCode": STRING, "lang": STRING, "phoneNumber": STRING, "verificationCode": STRING},
                 ("countryCode", "phoneNumber", "verificationCode")))},
    "/v2/user/verification-code": {"post": operation(
        "verificationCode", "Send a verification code (0 register, 1 reset, 3 delete, 4 login)", tags=_TAGS,
        lines="544-577", errors=(10003, 10004, 10009, 10010),
        body=obj({"type": {"enum": [0, 1, 3, 4]}, **_WHO}, ("type",)))},
    "/v2/user/reset-pwd": {"post": operation(
        "resetPassword", "Reset the password with a code", tags=_TAGS, lines="578-605", data=SESSION,
        errors=(10002, 10003, 10004),
        body=obj({**_WHO, "verificationCode": STRING, "password": STRING}, ("verificationCode", "password")))},
    "/v2/user/change-pwd": {"post": operation(
        "changePassword", "Change the password", tags=_TAGS, lines="606-622", errors=(10001,),
        body=obj({"oldPassword": STRING, "newPassword": STRING}, ("oldPassword", "newPassword")))},
    "/v2/user/profile": {
        "get": operation("getProfile", "The account's profile", tags=_TAGS, lines="623-641",
                         data=obj({"user": USER, "region": REGION}, ("user", "region"))),
        "post": operation("updateProfile", "Update the profile", tags=_TAGS, lines="642-659",
                          body=obj({"nickname": STRING, "acceptEmailAd": BOOLEAN, "accountConsult": BOOLEAN}))},
    "/v2/user/refresh": {"post": operation(
        "refreshToken", "Trade the refresh token for a new at/rt pair", tags=_TAGS, lines="660-682",
        data=obj({"at": STRING, "rt": STRING}, ("at", "rt")), body=obj({"rt": STRING}, ("rt",)))},
    "/v2/user/logout": {"delete": operation("logout", "Log out (the at is revoked)", tags=_TAGS, lines="683-694")},
    "/v2/user/close-account": {"post": operation(
        "closeAccount", "Delete the account", tags=_TAGS, lines="695-710", errors=(10002,),
        body=obj({"verificationCode": STRING}, ("verificationCode",)))},
}
