"""The Gizwits side of the HTTP plumbing the application and the control plane share: what
fault rules may match on, how a fault or an unknown path is answered (a 9xxx body with its
HTTP status), and the error code an answer carries (for the journal). It answers every
request no other cloud claims."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import PlainTextResponse, Response

from ...core import headers as header_reading
from ...core.faults import FaultRule, RequestInfo, identities
from ...responses import JSONResponse
from ..cloud.cloud import Cloud
from ..errors import ERRORS, ApiError, error_body

APP_ID_HEADER = "x-gizwits-application-id"
USER_TOKEN_HEADER = "x-gizwits-user-token"
THROTTLED = 9041


def answer_status(rule: FaultRule) -> int:
    """The HTTP status of an answering rule."""
    if rule.action == "error":
        return ERRORS[rule.error or 9008].status if (rule.error or 9008) in ERRORS else 400
    if rule.action == "throttle":
        return ERRORS[THROTTLED].status
    return rule.status or 500


class GizwitsSurface:
    name = "gizwits"
    #: Errors come with their own HTTP status (4xx/5xx).
    envelope_errors = False

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud

    @staticmethod
    def claims(path: str) -> bool:
        return True

    def request_info(self, scope: Any, headers: header_reading.Reading, method: str, now: float,
                     client: str) -> RequestInfo:
        """Call with the cloud's lock held."""
        cloud = self.cloud
        # An identity header given twice has no value here, as for the app (9015) and the journal
        # (emulator/core/headers.py: one reading everywhere).
        appid = headers.single_or_none(APP_ID_HEADER)
        users: tuple[str, ...] = ()
        token = headers.single_or_none(USER_TOKEN_HEADER)
        if appid and token:
            try:
                user = cloud.users.authenticate_token(appid, token, now)
                users = identities(user.uid, user.email, user.username)
            except ApiError:
                pass
        dids = cloud.devices.among(scope["path"].split("/"))
        return RequestInfo(method, scope["path"], appid, users, dids, client)

    @staticmethod
    def fault_response(rule: FaultRule) -> Response:
        status = answer_status(rule)
        if rule.action == "error" and (rule.error or 9008) in ERRORS:
            return JSONResponse(error_body(rule.error or 9008, f"fault rule {rule.id}"), status_code=status)
        if rule.action == "error":
            return JSONResponse(error_body(9008, f"fault rule {rule.id}: {rule.error} is not a Gizwits code"),
                                status_code=500)
        if rule.action == "throttle":
            return JSONResponse(error_body(THROTTLED, f"fault rule {rule.id}"), status_code=status)
        return PlainTextResponse(rule.body if rule.body is not None else f"{status} (fault rule {rule.id})",
                                 status_code=status)

    @staticmethod
    def error_code(status: int, body: bytes) -> int | None:
        if status < 400:
            return None
        try:
            code = json.loads(body).get("error_code")
        except (ValueError, AttributeError):
            return None
        return code if isinstance(code, int) else None
