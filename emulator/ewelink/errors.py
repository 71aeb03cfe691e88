"""The eWeLink error codes (seed 004, "Error codes", L2309-2359) and the one exception the
eWeLink side raises.

Every answer but dispatch is the envelope ``{"error": int, "msg": str, "data": {...}}`` on
HTTP 200 (L44-73); ``error`` 0 and ``msg`` "" on success. The seed gives a description per
code, not the ``msg`` text the cloud sends, except for 10004 (``"redirection"``, L504-512),
403 (``"api not found"``, L66-72) and 30017 (L1116-1124); for the others the emulator's ``msg``
is a short wording of the seed's description. 503 (device offline) and 10014 are answered
by no operation here but handled by public clients; they are in the table so fault rules
can answer them.
"""

from __future__ import annotations

from typing import Any

ERRORS: dict[int, str] = {
    # general
    400: "params incomplete or invalid",
    401: "access token is invalid",
    402: "access token expired",
    403: "api not found",
    405: "resource not found",
    406: "access denied",
    407: "appid has no permission",
    412: "appid calls exceed the limit",
    500: "internal server error",
    503: "device offline",
    4002: "device control failure",
    # user
    10001: "incorrect password",
    10002: "incorrect verification code",
    10003: "user does not exist",
    10004: "redirection",
    10009: "user already exists",
    10010: "verification code sent too often",
    10014: "account is closed",
    # home and room
    20001: "failed to create the first home",
    20002: "homes or rooms over the limit of the plan",
    20003: "the only home cannot be deleted",
    # device
    30003: "failed to notify the GSM device",
    30007: "the GSM device is added by another user",
    30008: "the user to share with does not exist",
    30009: "groups over the limit of the plan",
    30010: "wrong device id format",
    30011: "no factory data for this device",
    30012: "no extra in the factory data",
    30013: "no brand info in the factory data",
    30014: "chipid error",
    30015: "digest error",
    30016: "appid not found",
    30017: "this app does not support of adding this brand and its device",
    30018: "no device with this deviceid",
    30019: "no product model in the factory data",
    30022: "the device is offline",
    # WebSocket
    504: "the device did not respond",
}

#: An unknown path: the seed's own example of an error (L66-72).
NOT_FOUND = 403
#: What a throttle fault rule answers (412: the appid's calls exceed the limit).
THROTTLED = 412


class EwelinkError(Exception):
    """A documented eWeLink error. Raised anywhere; rendered once, as the envelope, by the app."""

    def __init__(self, code: int, detail: str | None = None, *, data: dict[str, Any] | None = None,
                 msg: str | None = None) -> None:
        if code not in ERRORS:
            raise ValueError(f"{code} is not an eWeLink error code")
        self.code = code
        self.detail = detail
        self.data = dict(data or {})
        self.msg = msg if msg is not None else ERRORS[code] + (f": {detail}" if detail else "")
        super().__init__(f"{code} {self.msg}")

    def body(self) -> dict[str, Any]:
        return envelope(self.data, self.code, self.msg)


def envelope(data: Any = None, error: int = 0, msg: str = "") -> dict[str, Any]:
    return {"error": error, "msg": msg, "data": {} if data is None else data}


def bad_params(detail: str) -> EwelinkError:
    """400 with a message saying which parameter is wrong and why."""
    return EwelinkError(400, detail)
