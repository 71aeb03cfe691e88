"""What every eWeLink route shares: the two kinds of authorisation, the envelope, parsing.

Handlers are plain functions ``handler(call) -> data`` wrapped by :func:`endpoint`, which
checks the authorisation the operation asks for, parses the body, runs the handler under
the world's lock after due events have run, and wraps what it returns in the envelope
``{"error": 0, "msg": "", "data": ...}`` on HTTP 200 (a handler may return a ``Response``
instead: dispatch is not wrapped). Every problem is an :class:`EwelinkError`, rendered by
the app as the envelope with its code, on HTTP 200 too (clients read ``error`` after
``raise_for_status()``).

Authorisation (seed 004 L17-30, DeveloperGuideV2):

- ``Sign``: ``Authorization: Sign <base64 HMAC-SHA256>`` keyed with the app secret of the
  ``X-CK-Appid`` header; the message is the raw body of a POST (clients serialise JSON
  differently, so the bytes received are what is signed) and, for a GET, the query: the
  parameters sorted by name as ``k=v&k=v``, with values decoded or as sent (the official SDK
  sends ``countryCode=86``; either spelling verifies). An unknown appid is 407, a bad
  signature 401; a lenient app's signature is not checked.
- ``Bearer``: ``Authorization: Bearer <at>``; 401 unknown or revoked, 402 expired. A token
  used on another region's host is 401 too (an account's tokens live in its region).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from msgspec import Struct
from starlette.requests import Request
from starlette.responses import Response

from ...core import bodies
from ...responses import JSONResponse
from ..cloud.apps import App
from ..cloud.cloud import EwelinkCloud
from ..cloud.users import Account, Token
from ..errors import EwelinkError, bad_params, envelope
from ..regions import region_of_host
from . import APPID_HEADER

_INTEGER = re.compile(r"-?[0-9]+")
#: Largest body accepted (bytes).
MAX_BODY = 1024 * 1024


class Call(Struct):
    """One request, as a handler sees it."""

    request: Request
    cloud: EwelinkCloud
    now: float
    app: App | None
    account: Account | None
    token: Token | None
    body: dict[str, Any]
    #: The region of the ``Host`` the request came to; None for localhost, an IP, the global host.
    region: str | None

    @property
    def me(self) -> Account:
        assert self.account is not None
        return self.account

    @property
    def appid(self) -> str | None:
        if self.app is not None:
            return self.app.appid
        return self.token.appid if self.token is not None else None

    @property
    def now_ms(self) -> int:
        """Now in milliseconds. Lists "older than ``from``" default to ``now_ms + 1``: up to now included."""
        return int(self.now * 1000)

    # -- query ------------------------------------------------------------------------------------------
    def query_str(self, name: str) -> str | None:
        values = self.request.query_params.getlist(name)
        if len(values) > 1:
            raise bad_params(f"{name} is given {len(values)} times")
        return values[0] if values else None

    def query_required(self, name: str) -> str:
        value = self.query_str(name)
        if not value:
            raise bad_params(f"{name} is required")
        return value

    def query_int(self, name: str, default: int | None = None, *, minimum: int | None = None,
                  maximum: int | None = None) -> int | None:
        raw = self.query_str(name)
        if raw is None or raw == "":
            return default
        if not _INTEGER.fullmatch(raw):
            raise bad_params(f"{name} must be an integer, got {raw!r}")
        return bounded(name, int(raw), minimum, maximum)


def bounded(name: str, value: int, minimum: int | None, maximum: int | None) -> int:
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise bad_params(f"{name} must be {minimum if minimum is not None else '...'}.."
                         f"{maximum if maximum is not None else '...'}, got {value}")
    return value


class EndpointInfo(Struct, frozen=True):
    """What :func:`endpoint` was told (the OpenAPI document derives security from it)."""

    auth: str
    body: str


Handler = Callable[[Call], Any]
AUTHS = ("sign", "token", "either", "none")


def sign(secret: str, message: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def _query_messages(raw_query: str) -> list[bytes]:
    """The spellings of a GET's query a client may have signed."""
    pairs = parse_qsl(raw_query, keep_blank_values=True)
    raw_pairs = [part.split("=", 1) if "=" in part else [part, ""] for part in raw_query.split("&") if part]
    candidates = {
        "&".join(f"{k}={v}" for k, v in sorted(pairs)),
        "&".join(f"{k}={v}" for k, v in sorted((k, v) for k, v in raw_pairs)),
        "&".join(f"{k}={v}" for k, v in pairs),
        raw_query,
    }
    return [c.encode() for c in candidates]


def check_signature(request: Request, app: App, raw: bytes) -> None:
    if app.lenient:
        return
    given = request.headers.get("authorization", "")
    if not given.startswith("Sign "):
        raise EwelinkError(401, "this operation needs Authorization: Sign <signature>")
    signature = given[5:].strip()
    messages = [raw] if request.method in ("POST", "PUT") else _query_messages(request.url.query)
    if not any(hmac.compare_digest(sign(app.secret, m), signature) for m in messages):
        raise EwelinkError(401, "the signature does not match the app secret")


def bearer(request: Request) -> str | None:
    given = request.headers.get("authorization", "")
    return given[7:].strip() if given.startswith("Bearer ") else None


def authenticate(cloud: EwelinkCloud, request: Request, auth: str, raw: bytes, now: float
                 ) -> tuple[App | None, Account | None, Token | None]:
    if auth == "none":
        return None, None, None
    at = bearer(request)
    if auth == "token" or (auth == "either" and at is not None):
        if at is None:
            raise EwelinkError(401, "this operation needs Authorization: Bearer <at>")
        token = cloud.accounts.token(at, now)
        account = cloud.accounts.get(token.apikey)
        assert account is not None
        region = region_of_host(request.headers.get("host"))
        if region is not None and region != account.region:
            raise EwelinkError(401, f"the token belongs to the {account.region} region")
        return cloud.apps.get(token.appid), account, token
    appid = request.headers.get(APPID_HEADER.lower())
    app = cloud.apps.get(appid)
    if app is None:
        raise EwelinkError(407, f"unknown appid {appid!r} ({APPID_HEADER} header)")
    check_signature(request, app, raw)
    return app, None, None


async def read_body(request: Request) -> bytes:
    whole = bodies.received(request.scope)
    if whole is not None:
        if len(whole) > MAX_BODY:
            raise bad_params(f"the body is larger than {MAX_BODY} bytes")
        return whole
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise bad_params(f"the body is larger than {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_object(raw: bytes, *, required: bool) -> dict[str, Any]:
    try:
        return bodies.parse_json_object(raw, required=required)
    except bodies.BodyError as error:
        raise bad_params(str(error)) from None


def endpoint(*, auth: str, body: str = "none") -> Callable[[Handler], Callable[[Request], Any]]:
    """Wrap a handler. ``auth``: "sign", "token", "either" (Bearer or Sign) or "none";
    ``body``: "none", "optional" or "required" (a JSON object)."""
    assert auth in AUTHS

    def wrap(handler: Handler) -> Callable[[Request], Any]:
        async def route(request: Request) -> Response:
            cloud: EwelinkCloud = request.app.ewelink
            raw = await read_body(request) if body != "none" else b""
            with cloud.lock:
                now = cloud.world.sync()
                app, account, token = authenticate(cloud, request, auth, raw, now)
                parsed = parse_object(raw, required=body == "required") if body != "none" else {}
                call = Call(request, cloud, now, app, account, token, parsed,
                            region_of_host(request.headers.get("host")))
                result = handler(call)
            if isinstance(result, Response):
                return result
            return JSONResponse(envelope(result))

        route.__name__ = handler.__name__
        route.__doc__ = handler.__doc__
        route.endpoint_info = EndpointInfo(auth, body)  # type: ignore[attr-defined]
        return route

    return wrap


# -- body fields --------------------------------------------------------------------------------------
def field(body: Mapping[str, Any], name: str, kind: type, *, required: bool = False, default: Any = None) -> Any:
    """``body[name]`` of type ``kind`` (booleans are not integers); 400 otherwise. ``null`` is "not given"."""
    try:
        return bodies.field(body, name, kind, required=required, default=default)
    except bodies.BodyError as error:
        raise bad_params(str(error)) from None


def text(body: Mapping[str, Any], name: str, *, required: bool = False, max_length: int = 256,
         allow_empty: bool | None = None) -> str | None:
    """A string; a required one must not be blank (``allow_empty`` defaults to "not required")."""
    try:
        return bodies.text(body, name, required=required, max_length=max_length,
                           allow_empty=not required if allow_empty is None else allow_empty)
    except bodies.BodyError as error:
        raise bad_params(str(error)) from None


def integer(body: Mapping[str, Any], name: str, *, required: bool = False, default: int | None = None,
            minimum: int | None = None, maximum: int | None = None) -> int | None:
    value = field(body, name, int, required=required, default=default)
    return None if value is None else bounded(name, value, minimum, maximum)


def choice(body: Mapping[str, Any], name: str, choices: tuple[int, ...], *, default: int | None = None,
           required: bool = False) -> int | None:
    value = field(body, name, int, required=required, default=default)
    if value is not None and value not in choices:
        raise bad_params(f"{name} must be one of {', '.join(map(str, choices))}, got {value}")
    return value


def strings(body: Mapping[str, Any], name: str, *, required: bool = True, min_items: int = 0,
            max_items: int = 100, max_length: int = 256) -> list[str]:
    value = field(body, name, list, required=required, default=[])
    if not min_items <= len(value) <= max_items:
        raise bad_params(f"{name} must have {min_items}..{max_items} items")
    for item in value:
        if not isinstance(item, str) or not item or len(item) > max_length or "\x00" in item:
            raise bad_params(f"{name} must be a list of non-empty strings of at most {max_length} characters")
    return list(value)


def objects(body: Mapping[str, Any], name: str, *, min_items: int = 1, max_items: int = 10) -> list[dict[str, Any]]:
    value = field(body, name, list, required=True)
    if not min_items <= len(value) <= max_items or not all(isinstance(item, dict) for item in value):
        raise bad_params(f"{name} must be a list of {min_items}..{max_items} objects")
    return value


EMAIL = re.compile(r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$")
PHONE = re.compile(r"^\+[0-9]{6,20}$")
COUNTRY = re.compile(r"^\+?[0-9]{1,4}$")


def identity(body: Mapping[str, Any], *, prefix: str = "") -> tuple[str, str]:
    """``(email, phone)`` of a body that names an account by one of them (phone checked first)."""
    phone = text(body, "phoneNumber", max_length=24) or None
    email = text(body, "email", max_length=254) or None
    if phone is not None:
        if not PHONE.fullmatch(phone):
            raise bad_params(f"{prefix}phoneNumber must start with + and the country code, got {phone!r}")
        return "", phone
    if email is not None:
        if not EMAIL.fullmatch(email):
            raise bad_params(f"{prefix}email must be an e-mail address, got {email!r}")
        return email.lower(), ""
    raise bad_params(f"{prefix}email or {prefix}phoneNumber is required")


def country_code(body: Mapping[str, Any], *, required: bool = True) -> str | None:
    value = text(body, "countryCode", required=required, max_length=5)
    if value is not None and not COUNTRY.fullmatch(value):
        raise bad_params(f"countryCode must be like +86, got {value!r}")
    return None if value is None else ("+" + value.lstrip("+"))


PASSWORD = re.compile(r"^[^\x00]{8,128}$")


def password(body: Mapping[str, Any], name: str = "password") -> str:
    value = text(body, name, required=True, max_length=128)
    assert value is not None
    if not PASSWORD.fullmatch(value):
        raise bad_params(f"{name} must have 8 or more characters")
    return value
