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
from .http import PHONE_PATTERN, USER_TOKEN_HEADER, Call, endpoint, phone_field, text
from .openapi import (
    STRING,
    form,
    header_param,
    json_body,
    json_response,
    obj,
    operation,
    path_param,
    ref,
    text_field,
    text_response,
)

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

# -- OpenAPI ----------------------------------------------------------------------------------
_TAGS = ["users"]
_TOKEN = header_param(APP_TOKEN_HEADER, "the app token from POST /app/request_token (or send it in "
                                        "X-Gizwits-User-token)", required=False)
_TOKEN_ERRORS = (9004, 9006)
_PHONE = {"type": "string", "maxLength": 21, "pattern": PHONE_PATTERN,
          "description": "digits, with +country code for numbers abroad"}
_DONE = json_response(ref("Empty"), "done")

SPEC = {
    "/app/sms_code": {
        "post": operation(
            "sms_code", "Send an SMS code (phone), or check and use one up (phone and code)", tags=_TAGS,
            parameters=[_TOKEN], errors=(*_TOKEN_ERRORS, 9009, 9010),
            body=json_body(form({"phone": _PHONE, "code": text_field(16, blank=False)}, ("phone",),
                                example={"phone": "+33612345678"})),
            responses={200: _DONE},
        ),
    },
    "/app/verify/codes": {
        "get": operation(
            "new_captcha", "Get a captcha", tags=_TAGS, parameters=[_TOKEN], errors=_TOKEN_ERRORS,
            responses={200: json_response(obj({"captcha_url": STRING, "captcha_id": STRING},
                                              ("captcha_url", "captcha_id")))},
        ),
        "post": operation(
            "solve_captcha", "Check a captcha and send an SMS code to the phone", tags=_TAGS, parameters=[_TOKEN],
            errors=(*_TOKEN_ERRORS, 9009, 9010),
            body=json_body(form({"captcha_id": text_field(64), "captcha_code": text_field(16), "phone": _PHONE},
                                ("captcha_id", "captcha_code", "phone"))),
            responses={200: _DONE},
        ),
        "put": operation(
            "check_sms_code", "Check (and use up) an SMS code", tags=_TAGS, parameters=[_TOKEN],
            errors=(*_TOKEN_ERRORS, 9009, 9010),
            body=json_body(form({"phone": _PHONE, "sms_code": text_field(16)}, ("phone", "sms_code"))),
            responses={200: _DONE},
        ),
    },
    "/captcha/image/{id}/": {
        "get": operation(
            "captcha_image", "The captcha image (an SVG; the emulator's stand-in for the cloud's picture)",
            tags=_TAGS, parameters=[path_param("id", "captcha_id")], errors=(9999,),
            responses={200: text_response("the captcha as an SVG image", "image/svg+xml")},
        ),
    },
}
