"""Verification code routes: ``POST /app/sms_code`` and ``GET/POST/PUT /app/verify/codes``.

All of them need an app token (``POST /app/request_token``), sent as
``X-Gizwits-Application-Token`` (swagger, seed 003) or in ``X-Gizwits-User-token``
(seed 001's tables); a user token is not an app token (9004).

- ``POST /app/sms_code`` with ``phone`` sends a code; with ``phone`` and ``code`` it checks
  (and uses up) the code.
- ``GET /app/verify/codes`` gives a captcha (``captcha_id``, ``captcha_url``);
  ``POST`` with the solved captcha sends an SMS code; ``PUT`` checks an SMS code.

Statuses follow the swagger (200 everywhere); seed 002/003 give 201 for the captcha
POST, the swagger is the later contract. Codes land in the outbox. The captcha image is
served as a small SVG at ``captcha_url`` so a client can show it.
"""

from __future__ import annotations

from html import escape
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from ..errors import ApiError
from .http import USER_TOKEN_HEADER, Call, endpoint, phone_field, text
from .specs import STRING, header, obj, operation, path

APP_TOKEN_HEADER = "X-Gizwits-Application-Token"


def require_app_token(call: Call) -> None:
    token = call.header(APP_TOKEN_HEADER) or call.header(USER_TOKEN_HEADER)
    call.cloud.codes.check_app_token(call.appid, token, call.now)


@endpoint(auth="app", body="required")
def sms_code(call: Call) -> Any:
    require_app_token(call)
    phone = phone_field(call.body, required=True) or ""
    code = text(call.body, "code", max_length=16, allow_empty=False)
    if code is None:
        call.cloud.codes.send_sms_code(call.appid, phone, call.now)
    else:
        call.cloud.codes.redeem_sms_code(call.appid, phone, code, call.now)
    return {}


@endpoint(auth="app")
def new_captcha(call: Call) -> Any:
    require_app_token(call)
    captcha = call.cloud.codes.new_captcha(call.appid, call.now)
    return {"captcha_url": f"{call.request.base_url}captcha/image/{captcha.id}/", "captcha_id": captcha.id}


@endpoint(auth="app", body="required")
def solve_captcha(call: Call) -> Any:
    require_app_token(call)
    captcha_id = text(call.body, "captcha_id", required=True, max_length=64) or ""
    captcha_code = text(call.body, "captcha_code", required=True, max_length=16) or ""
    phone = phone_field(call.body, required=True) or ""
    call.cloud.codes.solve_captcha(call.appid, captcha_id, captcha_code, call.now)
    call.cloud.codes.send_sms_code(call.appid, phone, call.now)
    return {}


@endpoint(auth="app", body="required")
def check_sms_code(call: Call) -> Any:
    require_app_token(call)
    phone = phone_field(call.body, required=True) or ""
    code = text(call.body, "sms_code", required=True, max_length=16) or ""
    call.cloud.codes.redeem_sms_code(call.appid, phone, code, call.now)
    return {}


@endpoint(auth="none")
def captcha_image(call: Call) -> Any:
    """The captcha as an SVG image (the emulator's stand-in for the cloud's picture)."""
    captcha = call.cloud.codes.captcha(call.path("id"))
    if captcha is None:
        raise ApiError(9999, f"no captcha {call.path('id')!r}")
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">'
           '<rect width="120" height="40" fill="#eef"/>'
           f'<text x="60" y="28" font-family="monospace" font-size="24" text-anchor="middle">{escape(captcha.code)}'
           '</text></svg>')
    return Response(svg, media_type="image/svg+xml")


ROUTES = [
    Route("/app/sms_code", sms_code, methods=["POST"]),
    Route("/app/verify/codes", new_captcha, methods=["GET"]),
    Route("/app/verify/codes", solve_captcha, methods=["POST"]),
    Route("/app/verify/codes", check_sms_code, methods=["PUT"]),
    Route("/captcha/image/{id}/", captcha_image, methods=["GET"]),
]

TAG = "User Management"
_TOKEN = header(APP_TOKEN_HEADER, "the app token from POST /app/request_token (also accepted in X-Gizwits-User-token)")
_TOKEN_ERRORS = (9004, 9006)
_PHONE = {"type": "string", "pattern": r"^\+?[0-9]{5,20}$"}
SPEC = {
    "/app/sms_code": {
        "post": operation(
            "Send an SMS code (phone), or check and use one up (phone and code)", tag=TAG, auth="app",
            parameters=[_TOKEN], body=obj({"phone": _PHONE, "code": STRING}, required=("phone",)),
            response=obj({}), errors=(*_TOKEN_ERRORS, 9009, 9010),
        ),
    },
    "/app/verify/codes": {
        "get": operation(
            "Get a captcha", tag=TAG, auth="app", parameters=[_TOKEN],
            response=obj({"captcha_url": STRING, "captcha_id": STRING}, required=("captcha_url", "captcha_id")),
            errors=_TOKEN_ERRORS,
        ),
        "post": operation(
            "Check a captcha and send an SMS code to the phone", tag=TAG, auth="app", parameters=[_TOKEN],
            body=obj({"captcha_id": STRING, "captcha_code": STRING, "phone": _PHONE},
                     required=("captcha_id", "captcha_code", "phone")),
            response=obj({}), errors=(*_TOKEN_ERRORS, 9009, 9010),
        ),
        "put": operation(
            "Check (and use up) an SMS code", tag=TAG, auth="app", parameters=[_TOKEN],
            body=obj({"phone": _PHONE, "sms_code": STRING}, required=("phone", "sms_code")),
            response=obj({}), errors=(*_TOKEN_ERRORS, 9009, 9010),
        ),
    },
    "/captcha/image/{id}/": {
        "get": operation("The captcha image (an SVG; the emulator's stand-in)", tag="Emulator", auth="none",
                         parameters=[path("id", "captcha_id")], response=STRING, media_type="image/svg+xml",
                         errors=(9999,)),
    },
}
