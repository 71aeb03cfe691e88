"""User routes: ``/app/login``, ``/app/users`` (create, read, update), ``/app/reset_password``.

Phone numbers are proven with an SMS code (see :mod:`emulator.gizwits.cloud.identity.verification`):
registration with phone, password and code, password-free registration and login with
phone and code (swagger), phone change, anonymous-to-phone conversion, and password reset
by phone all use the code up once everything else has been checked.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from starlette.routing import Route

from ...core.outbox import Message
from ..cloud.identity.users import Token
from ..errors import ApiError, form_invalid
from .http import EMAIL_PATTERN, PHONE_PATTERN, Call, Reply, email_field, endpoint, field, phone_field, text
from .openapi import (
    BOOLEAN,
    INTEGER,
    NULLABLE_STRING,
    STRING,
    form,
    json_body,
    json_response,
    obj,
    operation,
    ref,
    text_field,
)

#: ASCII digits only; matched whole (``$`` alone would let a trailing newline through).
BIRTHDAY_PATTERN = r"^([0-9]{4}-)?[0-9]{2}-[0-9]{2}$"
_BIRTHDAY = re.compile(BIRTHDAY_PATTERN)
_GENDERS = ("M", "F", "N")
#: Third-party platforms of ``authData.src`` (swagger ``CreateUserForm``).
_AUTH_SOURCES = ("qq", "sina", "baidu", "wechat", "twitter", "facebook", "google", "amazon")


def updated_at(now: float) -> dict[str, str]:
    """``{"updatedAt": ...}``: UTC, ISO format with microseconds and no zone, as the real cloud."""
    return {"updatedAt": datetime.fromtimestamp(now, UTC).replace(tzinfo=None).isoformat(timespec="microseconds")}


@endpoint(auth="app", body="required")
def login(call: Call) -> Any:
    username = text(call.body, "username", required=True, max_length=254)
    password = text(call.body, "password", required=True, max_length=256)
    text(call.body, "lang", max_length=16)
    user = call.cloud.users.authenticate_password(call.appid, username or "", password or "")
    return call.cloud.users.issue_token(user, call.now).body()


@endpoint(auth="app", body="required")
def create_user(call: Call) -> Any:
    """Create a user, or log in an anonymous / third-party user that already exists (as the cloud does)."""
    body, users, appid = call.body, call.cloud.users, call.appid
    lang = text(body, "lang", max_length=16) or "en"
    auth_data = field(body, "authData", dict)
    if auth_data is not None and any(k in body for k in ("src", "uid", "token")):
        raise form_invalid("give authData or its flat form (src, uid, token), not both")
    if auth_data is None and any(k in body for k in ("src", "uid", "token")):
        auth_data = {k: body.get(k) for k in ("src", "uid", "token")}
    if auth_data is not None:
        src = text(auth_data, "src", required=True, max_length=32)
        third_uid = text(auth_data, "uid", required=True, max_length=256, allow_empty=False)
        text(auth_data, "token", required=True, max_length=2048, allow_empty=False)
        text(auth_data, "token_secret", max_length=2048)
        if src not in _AUTH_SOURCES:
            raise form_invalid(f"authData.src must be one of {list(_AUTH_SOURCES)}")
        phone_id = f"{src}:{third_uid}"
        user = users.by_phone_id(appid, phone_id)
        if user is None:
            user = users.create(appid, call.now, phone_id=phone_id, is_anonymous=False, lang=lang)
        return Reply(users.issue_token(user, call.now).body(), 201)

    phone_id = text(body, "phone_id", max_length=256, allow_empty=False)
    if phone_id is not None:
        user = users.by_phone_id(appid, phone_id)
        if user is None:
            user = users.create(appid, call.now, phone_id=phone_id, is_anonymous=True, lang=lang)
        return Reply(users.issue_token(user, call.now).body(), 201)

    password = text(body, "password", max_length=256, allow_empty=False)
    username = text(body, "username", max_length=128, allow_empty=False)
    email = email_field(body)
    phone, code = phone_and_code(body)
    if phone is not None and password is None and username is None and email is None:
        return Reply(phone_login(call, phone, code or "", lang).body(), 201)
    if username is None and email is None and phone is None:
        raise form_invalid("give username and password, email and password, phone and code, phone_id, or authData")
    if password is None:
        raise form_invalid("password is required")
    users.check_available(appid, username=username, email=email, phone=phone)
    if phone is not None:
        call.cloud.codes.redeem_sms_code(appid, phone, code or "", call.now)
    user = users.create(appid, call.now, username=username, email=email, phone=phone, password=password, lang=lang)
    if email is not None:
        # Seed 002: a user registered by e-mail "receives a notification mail".
        call.cloud.outbox.send(Message(kind="mail", to=email, subject="Welcome", body="Your account is ready.",
                                       at=call.now, data={"uid": user.uid, "appid": appid}))
    return Reply(users.issue_token(user, call.now).body(), 201)


def phone_and_code(body: dict[str, Any], *, paired: bool = True) -> tuple[str | None, str | None]:
    """``phone`` and its SMS ``code``, which go together (9015 otherwise; ``paired=False``: each is
    only checked for what it is)."""
    phone = phone_field(body)
    code = text(body, "code", max_length=16, allow_empty=False)
    if not paired:
        return phone, code
    if code is not None and phone is None:
        raise form_invalid("code goes with phone")
    if phone is not None and code is None:
        raise form_invalid("phone needs the SMS code sent to it (POST /app/sms_code)")
    return phone, code


def phone_login(call: Call, phone: str, code: str, lang: str) -> Token:
    """Password-free registration and login with phone and code (swagger): the phone's user, new if need be."""
    users = call.cloud.users
    user = users.find(call.appid, phone=phone)
    call.cloud.codes.redeem_sms_code(call.appid, phone, code, call.now)
    if user is None:
        user = users.create(call.appid, call.now, phone=phone, lang=lang)
    return users.issue_token(user, call.now)


@endpoint(auth="user")
def get_user(call: Call) -> Any:
    return call.me.profile()


@endpoint(auth="user", body="required")
def update_user(call: Call) -> Any:
    """Change the password, convert an anonymous user (username, phone or e-mail with a password),
    change the e-mail or the phone (with its SMS code), or edit the profile.

    Everything is validated before anything changes; the SMS code is used up last.
    """
    body, user, users = call.body, call.me, call.cloud.users
    changes: dict[str, Any] = {}

    old_pwd = text(body, "old_pwd", max_length=256)
    new_pwd = text(body, "new_pwd", max_length=256, allow_empty=False)
    if (old_pwd is None) != (new_pwd is None):
        raise form_invalid("old_pwd and new_pwd go together")
    if new_pwd is not None:
        if not users.check_password(user, old_pwd or ""):
            raise ApiError(9020, "old_pwd does not match")
        changes["password"] = new_pwd

    username = text(body, "username", max_length=128, allow_empty=False)
    password = text(body, "password", max_length=256, allow_empty=False)
    email = email_field(body)
    phone, code = phone_and_code(body)
    if password is not None:
        if username is None and email is None and phone is None:
            raise form_invalid("password alone changes nothing: use old_pwd and new_pwd")
        if not user.is_anonymous:
            raise form_invalid("password with username, phone or email converts an anonymous user; "
                               "this user is not anonymous: use old_pwd and new_pwd")
        changes.update(password=password, is_anonymous=False)
    if username is not None:
        if not user.is_anonymous:
            raise form_invalid("username and password convert an anonymous user; this user is not anonymous")
        if password is None:
            raise form_invalid("password is required with username")
        users.check_available(user.appid, username=username, exclude=user)
        changes["username"] = username
    if email is not None:
        users.check_available(user.appid, email=email, exclude=user)
        changes["email"] = email
    if phone is not None:
        users.check_available(user.appid, phone=phone, exclude=user)
        call.cloud.codes.check_sms_code(user.appid, phone, code or "", call.now)
        # A verified phone is a way to log in (phone and code), so the user is no longer anonymous.
        changes.update(phone=phone, is_anonymous=False)

    for name, limit in (("name", 128), ("address", 256), ("lang", 16), ("remark", 1024)):
        value = text(body, name, max_length=limit)
        if value is not None:
            changes[name] = value
    remar = text(body, "remar", max_length=1024)  # the docs' spelling of "remark"
    if remar is not None:
        changes["remark"] = remar
    gender = text(body, "gender", max_length=1)
    if gender is not None:
        if gender not in _GENDERS:
            raise form_invalid("gender must be M, F or N")
        changes["gender"] = gender
    birthday = text(body, "birthday", max_length=10)
    if birthday is not None:
        if not _BIRTHDAY.fullmatch(birthday):
            raise form_invalid("birthday must be YYYY-MM-DD or MM-DD")
        changes["birthday"] = birthday

    if not changes:
        raise form_invalid("nothing to update")
    if phone is not None:
        call.cloud.codes.redeem_sms_code(user.appid, phone, code or "", call.now)
    users.update(user, call.now, **changes)
    return updated_at(call.now)


@endpoint(auth="app", body="required")
def reset_password(call: Call) -> Any:
    """By e-mail: a reset mail lands in the outbox. By phone: ``phone``, ``code`` and ``new_pwd`` set it now.

    Every field is checked before either happens (phone and code go together only without email)."""
    email = email_field(call.body)
    phone, code = phone_and_code(call.body, paired=email is None)
    new_pwd = text(call.body, "new_pwd", max_length=256, allow_empty=False)
    if email is not None:
        user = call.cloud.users.find(call.appid, email=email)
        if user is None:
            raise ApiError(9005, f"no user with e-mail {email!r}")
        call.cloud.outbox.send(Message(
            kind="mail", to=email, subject="Reset your password",
            body="Follow the link to choose a new password.", at=call.now,
            data={"uid": user.uid, "appid": call.appid},
        ))
        return {}
    if phone is None:
        raise form_invalid("give email, or phone with code and new_pwd")
    if new_pwd is None:
        raise form_invalid("new_pwd is required")
    user = call.cloud.users.find(call.appid, phone=phone)
    if user is None:
        raise ApiError(9005, f"no user with phone {phone!r}")
    call.cloud.codes.redeem_sms_code(call.appid, phone, code or "", call.now)
    call.cloud.users.update(user, call.now, password=new_pwd)
    return {}


ROUTES = [
    Route("/app/login", login, methods=["POST"]),
    Route("/app/users", create_user, methods=["POST"]),
    Route("/app/users", get_user, methods=["GET"]),
    Route("/app/users", update_user, methods=["PUT"]),
    Route("/app/reset_password", reset_password, methods=["POST"]),
]


# -- OpenAPI ----------------------------------------------------------------------------------
_TAGS = ["users"]
_LANG = text_field(16, "en, zh-cn, ...")
_EMAIL = {"type": "string", "maxLength": 254, "pattern": EMAIL_PATTERN}
_PHONE = {"type": "string", "maxLength": 21, "pattern": PHONE_PATTERN,
          "description": "digits, with +country code for numbers abroad"}
_SMS_CODE = text_field(16, "the SMS code sent to phone (POST /app/sms_code)", blank=False)
#: A phone proven with its SMS code: unknown code (9010), expired (9009).
_CODE_ERRORS = (9009, 9010)
_SOURCE = {"type": "string", "enum": list(_AUTH_SOURCES)}

SCHEMAS: dict[str, Any] = {
    "LoginForm": form({"username": text_field(254, "the user's username, e-mail or phone"),
                       "password": text_field(256), "lang": _LANG},
                      ("username", "password"), example={"username": "demo@heatzy.test", "password": "heatzy-demo"}),
    "UserToken": obj({"token": STRING, "uid": STRING,
                      "expire_at": {**INTEGER, "description": "Unix time when the token stops working"}},
                     ("token", "uid", "expire_at")),
    "CreateUserForm": form({
        "username": text_field(128, blank=False),
        "password": text_field(256, blank=False),
        "email": _EMAIL,
        "phone": _PHONE,
        "code": _SMS_CODE,
        "phone_id": text_field(256, blank=False),
        "lang": _LANG,
        "authData": form({"src": _SOURCE, "uid": text_field(256, blank=False), "token": text_field(2048, blank=False),
                          "token_secret": text_field(2048, "twitter only")}, ("src", "uid", "token")),
        # Heatzy's flat form of authData (not together with authData).
        "src": _SOURCE, "uid": text_field(256, blank=False), "token": text_field(2048, blank=False),
    }, description=(
        "One of: username + password; email + password; phone + code (+ password), the code sent by "
        "POST /app/sms_code (without password: log in, registering the phone if new); phone_id (anonymous user, "
        "logged in again if it exists); authData (third-party user, logged in again if it exists); or Heatzy's "
        "flat src + uid + token."
    ), example={"email": "new@heatzy.test", "password": "secret", "lang": "en"}),
    "User": obj({
        "username": NULLABLE_STRING, "uid": STRING, "phone": NULLABLE_STRING, "birthday": NULLABLE_STRING,
        "address": NULLABLE_STRING, "lang": STRING, "remark": NULLABLE_STRING, "name": NULLABLE_STRING,
        "is_anonymous": BOOLEAN, "gender": {"type": ["string", "null"], "enum": [*_GENDERS, None]},
        "email": NULLABLE_STRING,
    }, ("username", "uid", "phone", "birthday", "address", "lang", "remark", "name", "is_anonymous", "gender",
        "email")),
    "UpdateUserForm": form({
        "old_pwd": text_field(256),
        "new_pwd": text_field(256, blank=False),
        "username": text_field(128, blank=False),
        "password": text_field(256, blank=False),
        "email": _EMAIL,
        "phone": _PHONE,
        "code": _SMS_CODE,
        "name": text_field(128),
        "address": text_field(256),
        "lang": _LANG,
        "remark": text_field(1024),
        "remar": text_field(1024, "the Heatzy guide's spelling of remark"),
        "gender": {"type": "string", "enum": list(_GENDERS)},
        "birthday": {"type": "string", "pattern": BIRTHDAY_PATTERN, "description": "YYYY-MM-DD or MM-DD"},
    }, description=(
        "Change the password (old_pwd + new_pwd), convert an anonymous user (username, email or phone + code, "
        "with password), change the e-mail or the phone (phone + code), or edit the profile. Nothing changes "
        "unless every field is valid."
    ), example={"old_pwd": "heatzy-demo", "new_pwd": "heatzy-demo-2"}),
    "UpdatedAt": obj({"updatedAt": {**STRING, "description": "UTC, e.g. 2020-03-31T04:52:38.434400"}}, ("updatedAt",)),
    "ResetPasswordForm": form({"email": _EMAIL, "phone": _PHONE, "code": _SMS_CODE,
                               "new_pwd": text_field(256, blank=False)},
                              description="By e-mail: a reset mail is sent (see the emulator's outbox). By phone "
                                          "(phone + code + new_pwd): the password is set now.",
                              example={"email": "demo@heatzy.test"}),
}

SPEC: dict[str, Any] = {
    "/app/login": {
        "post": operation(
            "login", "Log in: a new user token", tags=_TAGS, errors=(9020,),
            description="`username` may be the username, e-mail or phone. Every login issues a new token; "
                        "earlier tokens stay valid until they expire.",
            body=json_body(ref("LoginForm")),
            responses={200: json_response(ref("UserToken"), "a new token")},
        ),
    },
    "/app/users": {
        "post": operation(
            "create_user", "Create a user (or log in an existing anonymous, third-party or phone user)", tags=_TAGS,
            errors=(9018, 9019, 9022, *_CODE_ERRORS), body=json_body(ref("CreateUserForm")),
            responses={201: json_response(ref("UserToken"), "a token of the user")},
        ),
        "get": operation(
            "get_user", "The logged-in user's profile", tags=_TAGS,
            responses={200: json_response(ref("User"))},
        ),
        "put": operation(
            "update_user", "Change the password, e-mail, phone or profile; convert an anonymous user", tags=_TAGS,
            errors=(9018, 9019, 9020, 9022, *_CODE_ERRORS), body=json_body(ref("UpdateUserForm")),
            responses={200: json_response(ref("UpdatedAt"), "when the user was updated")},
        ),
    },
    "/app/reset_password": {
        "post": operation(
            "reset_password", "Reset a password: by e-mail (a reset mail), or by phone and SMS code", tags=_TAGS,
            errors=(9005, *_CODE_ERRORS), body=json_body(ref("ResetPasswordForm")),
            responses={200: json_response(ref("Empty"), "done")},
        ),
    },
}
