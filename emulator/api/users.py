"""User routes: ``/app/login``, ``/app/users`` (create, read, update), ``/app/reset_password``.

Phone numbers are proven with an SMS code (see :mod:`emulator.cloud.verification`):
registration with phone, password and code, password-free registration and login with
phone and code (swagger), phone change, anonymous-to-phone conversion, and password reset
by phone all use the code up once everything else has been checked.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from starlette.routing import Route

from ..cloud.outbox import Message
from ..cloud.users import Token
from ..errors import ApiError, form_invalid
from .http import EMAIL_PATTERN, Call, Reply, email_field, endpoint, field, phone_field, text
from .openapi import json_body, json_response, operation, ref

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
        user = next((u for u in users if u.appid == appid and u.phone_id == phone_id), None)
        if user is None:
            user = users.create(appid, call.now, phone_id=phone_id, is_anonymous=False, lang=lang)
        return Reply(users.issue_token(user, call.now).body(), 201)

    phone_id = text(body, "phone_id", max_length=256, allow_empty=False)
    if phone_id is not None:
        user = next((u for u in users if u.appid == appid and u.phone_id == phone_id), None)
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


def phone_and_code(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """``phone`` and its SMS ``code``, which go together (9015 otherwise)."""
    phone = phone_field(body)
    code = text(body, "code", max_length=16, allow_empty=False)
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
        if user.password is None or old_pwd != user.password:
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
    for key, value in changes.items():
        setattr(user, key, value)
    user.updated_at = call.now
    return updated_at(call.now)


@endpoint(auth="app", body="required")
def reset_password(call: Call) -> Any:
    """By e-mail: a reset mail lands in the outbox. By phone: ``phone``, ``code`` and ``new_pwd`` set it now."""
    email = email_field(call.body)
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
    phone, code = phone_and_code(call.body)
    if phone is None:
        raise form_invalid("give email, or phone with code and new_pwd")
    new_pwd = text(call.body, "new_pwd", required=True, max_length=256, allow_empty=False)
    user = call.cloud.users.find(call.appid, phone=phone)
    if user is None:
        raise ApiError(9005, f"no user with phone {phone!r}")
    call.cloud.codes.redeem_sms_code(call.appid, phone, code or "", call.now)
    user.password = new_pwd
    user.updated_at = call.now
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
_LANG = {"type": "string", "maxLength": 16, "description": "en, zh-cn, ..."}


def _text(max_length: int, description: str = "", *, min_length: int = 0) -> dict[str, Any]:
    """A string field as :func:`~emulator.api.http.text` checks it (length, no NUL)."""
    schema: dict[str, Any] = {"type": "string", "maxLength": max_length, "pattern": "^[^\\x00]*$"}
    if min_length:
        schema["minLength"] = min_length
    if description:
        schema["description"] = description
    return schema


SCHEMAS: dict[str, Any] = {
    "LoginForm": {
        "type": "object",
        "examples": [{"username": "demo@heatzy.test", "password": "heatzy-demo"}],
        "required": ["username", "password"],
        "properties": {
            "username": _text(254, "the user's username, e-mail or phone"),
            "password": _text(256),
            "lang": _LANG,
        },
    },
    "UserToken": {
        "type": "object",
        "required": ["token", "uid", "expire_at"],
        "additionalProperties": False,
        "properties": {
            "token": {"type": "string"},
            "uid": {"type": "string"},
            "expire_at": {"type": "integer", "description": "Unix time when the token stops working"},
        },
    },
    "CreateUserForm": {
        "type": "object",
        "examples": [{"email": "new@heatzy.test", "password": "secret", "lang": "en"}],
        "description": (
            "One of: username + password; email + password; phone_id (anonymous user, logged in again "
            "if it exists); authData (third-party user); or Heatzy's flat src + uid + token. Phone "
            "registration (phone + code) is not emulated and answers 9015."
        ),
        "properties": {
            "username": _text(128, min_length=1),
            "password": _text(256, min_length=1),
            "email": {"type": "string", "maxLength": 254, "pattern": EMAIL_PATTERN},
            "phone_id": _text(256, min_length=1),
            "lang": _LANG,
            "authData": {
                "type": "object",
                "required": ["src", "uid", "token"],
                "properties": {
                    "src": {"type": "string", "enum": list(_AUTH_SOURCES)},
                    "uid": _text(256, min_length=1),
                    "token": _text(2048, min_length=1),
                    "token_secret": _text(2048, "twitter only"),
                },
            },
            # Heatzy's flat form of authData (not together with authData).
            "src": {"type": "string", "enum": list(_AUTH_SOURCES)},
            "uid": _text(256, min_length=1),
            "token": _text(2048, min_length=1),
        },
    },
    "User": {
        "type": "object",
        "required": ["username", "uid", "phone", "birthday", "address", "lang", "remark", "name",
                     "is_anonymous", "gender", "email"],
        "additionalProperties": False,
        "properties": {
            "username": {"type": ["string", "null"]},
            "uid": {"type": "string"},
            "phone": {"type": ["string", "null"]},
            "birthday": {"type": ["string", "null"]},
            "address": {"type": ["string", "null"]},
            "lang": {"type": "string"},
            "remark": {"type": ["string", "null"]},
            "name": {"type": ["string", "null"]},
            "is_anonymous": {"type": "boolean"},
            "gender": {"type": ["string", "null"], "enum": ["M", "F", "N", None]},
            "email": {"type": ["string", "null"]},
        },
    },
    "UpdateUserForm": {
        "type": "object",
        "examples": [{"old_pwd": "heatzy-demo", "new_pwd": "heatzy-demo-2"}],
        "description": (
            "Change the password (old_pwd + new_pwd), convert an anonymous user (username + password, or "
            "email + password), change the e-mail, or edit the profile. Nothing changes unless every field "
            "is valid. Phone changes (phone + code) are not emulated and answer 9015."
        ),
        "properties": {
            "old_pwd": _text(256),
            "new_pwd": _text(256, min_length=1),
            "username": _text(128, min_length=1),
            "password": _text(256, min_length=1),
            "email": {"type": "string", "maxLength": 254, "pattern": EMAIL_PATTERN},
            "name": _text(128),
            "address": _text(256),
            "lang": _LANG,
            "remark": _text(1024),
            "remar": _text(1024, "the Heatzy guide's spelling of remark"),
            "gender": {"type": "string", "enum": list(_GENDERS)},
            "birthday": {"type": "string", "pattern": BIRTHDAY_PATTERN, "description": "YYYY-MM-DD or MM-DD"},
        },
    },
    "UpdatedAt": {
        "type": "object",
        "required": ["updatedAt"],
        "additionalProperties": False,
        "properties": {"updatedAt": {"type": "string", "description": "UTC, e.g. 2020-03-31T04:52:38.434400"}},
    },
    "ResetPasswordForm": {
        "type": "object",
        "examples": [{"email": "demo@heatzy.test"}],
        "description": "By e-mail: a reset mail is sent. By phone (phone + new_pwd + code): not emulated, 9015.",
        "required": ["email"],
        "properties": {"email": {"type": "string", "maxLength": 254, "pattern": EMAIL_PATTERN}},
    },
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
            "create_user", "Create a user (or log in an existing anonymous / third-party user)", tags=_TAGS,
            errors=(9018, 9019, 9022), body=json_body(ref("CreateUserForm")),
            responses={201: json_response(ref("UserToken"), "the user's first token")},
        ),
        "get": operation(
            "get_user", "The logged-in user's profile", tags=_TAGS,
            responses={200: json_response(ref("User"))},
        ),
        "put": operation(
            "update_user", "Change the password, e-mail or profile; convert an anonymous user", tags=_TAGS,
            errors=(9019, 9020, 9022), body=json_body(ref("UpdateUserForm")),
            responses={200: json_response(ref("UpdatedAt"), "when the user was updated")},
        ),
    },
    "/app/reset_password": {
        "post": operation(
            "reset_password", "Send a password-reset e-mail", tags=_TAGS, errors=(9005,),
            body=json_body(ref("ResetPasswordForm")),
            responses={200: json_response(ref("Empty"), "the mail was sent (see the emulator's outbox)")},
        ),
    },
}
