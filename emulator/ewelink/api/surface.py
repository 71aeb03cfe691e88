"""The eWeLink side of the HTTP plumbing the application and the control plane share: which
requests are eWeLink's, what fault rules may match on, how a fault or an unknown path is
answered (the envelope on HTTP 200), and the error code an answer carries (for the journal).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import PlainTextResponse, Response

from ...core.faults import FaultRule, RequestInfo
from ...core.headers import Reading
from ...responses import JSONResponse
from ..cloud.cloud import EwelinkCloud
from ..errors import NOT_FOUND, THROTTLED, EwelinkError, envelope
from . import APPID_HEADER

PREFIXES = ("/v2/", "/dispatch/", "/api/ws")


class EwelinkSurface:
    name = "ewelink"
    #: Errors come in the envelope of an HTTP 200 answer.
    envelope_errors = True

    def __init__(self, cloud: EwelinkCloud) -> None:
        self.cloud = cloud

    def claims(self, path: str) -> bool:
        return path.startswith(PREFIXES) or path == "/v2"

    def request_info(self, scope: Any, headers: Reading, method: str, now: float, client: str) -> RequestInfo:
        """Call with the world's lock held."""
        cloud = self.cloud
        users: tuple[str, ...] = ()
        appid = headers.get(APPID_HEADER.lower())
        auth = headers.get("authorization", "") or ""
        if auth.startswith("Bearer "):
            try:
                token = cloud.accounts.token(auth[7:].strip(), now)
                account = cloud.accounts.get(token.apikey)
                appid = appid or token.appid
                users = cloud.identities(account) if account is not None else ()
            except EwelinkError:
                pass
        query = scope.get("query_string", b"").decode("latin-1")
        parts = [p for p in scope["path"].split("/") if p] + [v for kv in query.split("&") for v in kv.split("=")[1:]]
        dids = tuple(dict.fromkeys(p for p in parts if cloud.devices.get(p) is not None))
        return RequestInfo(method, scope["path"], appid, users, dids, client)

    @staticmethod
    def fault_response(rule: FaultRule) -> Response:
        if rule.action == "error":
            code = rule.error or 500
            return JSONResponse(EwelinkError(code, f"fault rule {rule.id}").body())
        if rule.action == "throttle":
            return JSONResponse(EwelinkError(THROTTLED, f"fault rule {rule.id}").body())
        status = rule.status or 500
        return PlainTextResponse(rule.body if rule.body is not None else f"{status} (fault rule {rule.id})",
                                 status_code=status)

    @staticmethod
    def not_found(method: str, path: str) -> Response:
        return JSONResponse(envelope({}, NOT_FOUND, f"api not found: {method} {path} is not an emulated route"))

    @staticmethod
    def error_code(status: int, body: bytes) -> int | None:
        try:
            code = json.loads(body).get("error")
        except (ValueError, AttributeError):
            return None
        return code if isinstance(code, int) and code else None
