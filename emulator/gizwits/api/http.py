"""What every route shares: authentication, body and query parsing, JSON rendering.

Handlers are plain functions ``handler(call) -> Reply`` wrapped by :func:`endpoint`,
which checks the application id (and the user token when asked), parses the body, runs
the handler under the cloud's lock after due events have run, and renders the result.
Every problem with the input is an :class:`~emulator.gizwits.errors.ApiError` (9015 with a
detail saying what is wrong), never an exception of the framework.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import parse_qsl

from msgspec import Struct
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from ...core import bodies, headers
from ...responses import JSONResponse
from ..cloud.cloud import Cloud
from ..cloud.identity.apps import App
from ..cloud.identity.users import User
from ..errors import form_invalid

log = logging.getLogger("emulator")

APP_ID_HEADER = "X-Gizwits-Application-Id"
USER_TOKEN_HEADER = "X-Gizwits-User-token"
#: An integer in a query string: ASCII digits, with a minus sign when negative.
_INTEGER = re.compile(r"-?[0-9]+")


class Call(Struct):
    """One request, as a handler sees it."""

    request: Request
    cloud: Cloud
    now: float
    app: App | None
    user: User | None
    body: dict[str, Any]

    @property
    def appid(self) -> str:
        assert self.app is not None
        return self.app.appid

    @property
    def me(self) -> User:
        assert self.user is not None
        return self.user

    def path(self, name: str) -> str:
        return str(self.request.path_params[name])

    def path_int(self, name: str, meaning: str) -> int:
        """A path parameter that is a non-negative integer id (ASCII digits); 9015 saying what it is otherwise."""
        raw = self.path(name)
        if not _INTEGER.fullmatch(raw) or raw.startswith("-"):
            raise form_invalid(f"{name} must be {meaning} (an integer), got {raw!r}")
        return int(raw)

    def header(self, name: str) -> str | None:
        """The header's value; 9015 when it is given more than once (see :func:`single_header`)."""
        return single_header(self.request, name)

    # -- query -----------------------------------------------------------------------------
    def query_int(self, name: str, default: int | None = None, *, minimum: int = 0,
                  maximum: int | None = None) -> int | None:
        raw = self.query_str(name)
        if raw is None:
            return default
        if not _INTEGER.fullmatch(raw):  # int() alone also takes " 1", "1_0" and non-ASCII digits
            raise form_invalid(f"{name} must be an integer, got {raw!r}")
        value = int(raw)
        if value < minimum or (maximum is not None and value > maximum):
            bound = f"{minimum}..{maximum}" if maximum is not None else f">= {minimum}"
            raise form_invalid(f"{name} must be {bound}, got {value}")
        return value

    def query_choice(self, name: str, choices: tuple[int, ...]) -> int:
        """A required integer query parameter that must be one of ``choices``; 9015 otherwise."""
        value = self.query_int(name)
        if value is None or value not in choices:
            raise form_invalid(f"{name} is required, one of {', '.join(map(str, choices))}")
        return value

    def query_flag(self, name: str) -> bool:
        return bool(self.query_int(name, 0, maximum=1))

    def query_str(self, name: str) -> str | None:
        """The parameter's one value; 9015 when it is given more than once (which value would count?)."""
        values = self.request.query_params.getlist(name)
        if len(values) > 1:
            raise form_invalid(f"{name} is given {len(values)} times")
        return values[0] if values else None

    def query_required(self, name: str, meaning: str) -> str:
        """A query parameter that must be given and not empty; 9015 saying what it is otherwise."""
        value = self.query_str(name)
        if not value:
            raise form_invalid(f"{name} ({meaning}) is required")
        return value


class Reply(Struct):
    body: Any
    status: int = 200


Handler = Callable[[Call], Any]


class EndpointInfo(Struct, frozen=True):
    """What :func:`endpoint` was told: the OpenAPI document derives security and base errors from it."""

    auth: str
    body: str


def endpoint_info(route_function: Any) -> EndpointInfo | None:
    """The :class:`EndpointInfo` of a function made by :func:`endpoint`, else None."""
    info = getattr(route_function, "endpoint_info", None)
    return info if isinstance(info, EndpointInfo) else None


def single_header(request: Request, name: str) -> str | None:
    """A header's one value (None when absent); 9015 when the request repeats it: which value would
    count? (:mod:`emulator.core.headers`: fault rules and the journal read it the same way)."""
    try:
        return headers.of(request.scope).single(name)
    except headers.RepeatedHeader as error:
        raise form_invalid(str(error)) from None


def json_response(body: Any, status: int = 200) -> Response:
    return JSONResponse(body, status_code=status)


async def read_body(request: Request, cloud: Cloud, limit: int | None = None) -> bytes:
    """The request body; 9015 past ``limit`` bytes (default: the configured ``max_body_bytes``)."""
    limit = cloud.config.max_body_bytes if limit is None else limit
    whole = bodies.received(request.scope)
    if whole is not None:
        if len(whole) > limit:
            raise form_invalid(f"request body is larger than {limit} bytes")
        return whole
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise form_invalid(f"request body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise form_invalid(f"request body is larger than {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect:  # a normal event: one line, and an answer only a half-closed client hears
        log.warning("client went away after %d bytes of the body of %s %s", size, request.method, request.url.path)
        raise form_invalid("the client closed the connection before the end of the body") from None
    return b"".join(chunks)


def parse_json_object(raw: bytes, *, required: bool) -> dict[str, Any]:
    """A JSON object from a body sent with any content type (clients send ``text/plain``)."""
    try:
        return bodies.parse_json_object(raw, required=required)
    except bodies.BodyError as error:
        raise form_invalid(str(error)) from None


def parse_form(raw: bytes) -> dict[str, Any]:
    """An ``application/x-www-form-urlencoded`` body (what devices send) as ``{name: value}``."""
    try:
        text_body = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise form_invalid("request body is not UTF-8") from None
    try:
        return dict(parse_qsl(text_body, keep_blank_values=True, strict_parsing=bool(text_body.strip())))
    except ValueError as error:
        raise form_invalid(f"request body is not a form (name=value&...): {error}") from None


def _parse_body(raw: bytes, body: str) -> dict[str, Any]:
    if body == "none":
        return {}
    if body == "form":
        return parse_form(raw)
    return parse_json_object(raw, required=body == "required")


def endpoint(*, auth: str = "user", body: str = "none",
             body_limit: Callable[[Cloud], int] | None = None) -> Callable[[Handler], Callable[[Request], Any]]:
    """Wrap a handler. ``auth``: "none", "app" or "user"; ``body``: "none", "optional", "required"
    (a JSON object) or "form" (a urlencoded form, as devices send); ``body_limit``: the largest body
    taken, from the cloud's config (default ``max_body_bytes``)."""

    def wrap(handler: Handler) -> Callable[[Request], Any]:
        async def route(request: Request) -> Response:
            cloud: Cloud = request.app.cloud
            limit = body_limit(cloud) if body_limit is not None else None
            raw = await read_body(request, cloud, limit) if body != "none" else b""
            with cloud.lock:
                now = cloud.sync()
                app = cloud.apps.require(single_header(request, APP_ID_HEADER)) if auth != "none" else None
                user = (cloud.users.authenticate_token(app.appid, single_header(request, USER_TOKEN_HEADER), now)
                        if auth == "user" and app is not None else None)
                parsed = _parse_body(raw, body)
                result = handler(Call(request, cloud, now, app, user, parsed))
            if isinstance(result, Response):
                return result
            if isinstance(result, Reply):
                return json_response(result.body, result.status)
            return json_response(result)

        route.__name__ = handler.__name__
        route.__doc__ = handler.__doc__
        route.endpoint_info = EndpointInfo(auth, body)  # type: ignore[attr-defined]
        return route

    return wrap


# -- body field helpers -------------------------------------------------------------------
def field(body: Mapping[str, Any], name: str, kind: type | tuple[type, ...], *, required: bool = False,
          default: Any = None, allow_none: bool = False) -> Any:
    """``body[name]`` checked to be of ``kind`` (bools are not ints here); 9015 otherwise."""
    try:
        return bodies.field(body, name, kind, required=required, default=default, allow_none=allow_none)
    except bodies.BodyError as error:
        raise form_invalid(str(error)) from None


def text(body: Mapping[str, Any], name: str, *, required: bool = False, max_length: int = 1024,
         allow_empty: bool = True) -> str | None:
    try:
        return bodies.text(body, name, required=required, max_length=max_length, allow_empty=allow_empty)
    except bodies.BodyError as error:
        raise form_invalid(str(error)) from None


#: Longest raw payload a client may send (control ``raw``, a scheduler task's ``raw``), in bytes.
MAX_RAW_BYTES = 1024


def byte_list(value: Any, name: str = "raw", *, allow_empty: bool = False) -> bytes:
    """A JSON list of bytes: integers 0..255 (``3.0`` counts as 3, as in JSON Schema); 9015 otherwise."""
    if not isinstance(value, list) or (not value and not allow_empty):
        raise form_invalid(f"{name} must be a non-empty list of bytes (integers 0..255)")
    if len(value) > MAX_RAW_BYTES:
        raise form_invalid(f"{name} is longer than {MAX_RAW_BYTES} bytes")
    out = bytearray()
    for item in value:
        if isinstance(item, float) and item.is_integer():
            item = int(item)
        if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= 255:
            raise form_invalid(f"{name} must contain integers 0..255, got {item!r}")
        out.append(item)
    return bytes(out)


def string_list(body: Mapping[str, Any], name: str, *, max_items: int = 100, max_length: int = 256) -> list[str] | None:
    value = field(body, name, list)
    if value is None:
        return None
    if len(value) > max_items:
        raise form_invalid(f"{name} has more than {max_items} items")
    for item in value:
        if not isinstance(item, str) or len(item) > max_length:
            raise form_invalid(f"{name} must be a list of strings of at most {max_length} characters")
    return list(value)


#: What an e-mail address must look like (also the pattern in the OpenAPI document).
EMAIL_PATTERN = r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$"
_EMAIL = re.compile(EMAIL_PATTERN)


#: Digits, with a leading ``+`` and country code for numbers abroad (seed 001: "+14246531234");
#: also the pattern in the OpenAPI document.
PHONE_PATTERN = r"^\+?[0-9]{5,20}$"
_PHONE = re.compile(PHONE_PATTERN)


def matching_text(body: Mapping[str, Any], name: str, pattern: re.Pattern[str], expected: str, *,
                  required: bool = False, max_length: int = 1024) -> str | None:
    """A text field that must match ``pattern`` whole (9015 saying it must be ``expected`` otherwise)."""
    value = text(body, name, required=required, max_length=max_length)
    if value is not None and not pattern.fullmatch(value):
        raise form_invalid(f"{name} must be {expected}, got {value!r}")
    return value


def email_field(body: Mapping[str, Any], name: str = "email", *, required: bool = False) -> str | None:
    return matching_text(body, name, _EMAIL, "an e-mail address", required=required, max_length=254)


def phone_field(body: Mapping[str, Any], name: str = "phone", *, required: bool = False) -> str | None:
    return matching_text(body, name, _PHONE, "digits, with +country code for numbers abroad", required=required,
                         max_length=21)


#: A calendar date as the API writes it (Python's ``fromisoformat`` alone also takes ``2020-W01-1``).
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATE = re.compile(DATE_PATTERN)


def date_field(body: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    value = text(body, name, required=required, max_length=10)
    if value is None or value == "":
        return value
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        raise form_invalid(f"{name} must be a date YYYY-MM-DD, got {value!r}") from None
    return value
