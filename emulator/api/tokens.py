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
from .specs import INTEGER, STRING, header, obj, operation

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

TAG = "User Management"
SPEC = {
    "/app/request_token": {
        "post": operation(
            "Get an app token (for the verification code routes)", tag=TAG, auth="app",
            parameters=[header(APPLICATION_AUTH_HEADER, "lower(md5(appid + appsecret))")],
            response=obj({"token": STRING, "expired_at": INTEGER}, required=("token", "expired_at")),
            errors=(9038,),
        ),
    },
    "/app/logout": {
        "delete": operation("Log out: the user token of the request stops working", tag=TAG, status=204,
                            response_description="logged out; no body"),
    },
}
