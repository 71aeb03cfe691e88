"""Token routes: ``POST /app/request_token`` (an app token) and ``DELETE /app/logout``.

The app token is what the verification routes (SMS codes, captchas) ask for, before any
user exists. It is granted against ``X-Gizwits-Application-Auth`` =
``lower(md5(appid + appsecret))``; anything else is 9038.
"""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from ..errors import ApiError
from .http import USER_TOKEN_HEADER, Call, endpoint
from .openapi import INTEGER, STRING, header_param, json_response, obj, operation

APPLICATION_AUTH_HEADER = "X-Gizwits-Application-Auth"


def application_auth(appid: str, secret: str) -> str:
    return hashlib.md5((appid + secret).encode()).hexdigest()


@endpoint(auth="app")
def request_token(call: Call) -> Any:
    assert call.app is not None
    given = call.header(APPLICATION_AUTH_HEADER)
    if given != application_auth(call.app.appid, call.app.secret):
        detail = "missing" if not given else "expected lower(md5(appid + appsecret))"
        raise ApiError(9038, f"{APPLICATION_AUTH_HEADER}: {detail}")
    token = call.cloud.codes.issue_app_token(call.appid, call.now)
    return {"token": token.token, "expired_at": token.expire_at}


@endpoint(auth="user")
def logout(call: Call) -> Any:
    """The token of this request stops working; the user's other tokens stay valid."""
    call.cloud.users.revoke(call.header(USER_TOKEN_HEADER) or "")
    return Response(status_code=204)


ROUTES = [
    Route("/app/request_token", request_token, methods=["POST"]),
    Route("/app/logout", logout, methods=["DELETE"]),
]

# -- OpenAPI ----------------------------------------------------------------------------------
_TAGS = ["users"]

SPEC = {
    "/app/request_token": {
        "post": operation(
            "request_token", "Get an app token (for the verification code routes)", tags=_TAGS, errors=(9038,),
            parameters=[header_param(APPLICATION_AUTH_HEADER, "lower(md5(appid + appsecret))", required=True)],
            responses={200: json_response(obj({"token": STRING, "expired_at": INTEGER}, ("token", "expired_at")),
                                          "the app token and when it expires (Unix time)")},
        ),
    },
    "/app/logout": {
        "delete": operation("logout", "Log out: the user token of the request stops working", tags=_TAGS,
                            responses={204: {"description": "logged out; no body"}}),
    },
}
