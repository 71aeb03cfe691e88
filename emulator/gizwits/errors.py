"""The 9xxx error table of the Gizwits Open API, and the one exception the emulator raises.

Codes, names and messages come from the newer Gizwits doc (seed 001, which also names
every code); the HTTP status of each code comes from the status column of the older doc
(seed 002), 400 where that column is silent. 9047/9048 exist only in 002, 9080-9101 only
in 001, 9220/9221 only in 001's example of ``GET /errors``. Where the two docs spell a
message differently, 002's spelling is kept only for the codes 001 lacks.

Every error response body has exactly three keys::

    {"error_message": "...", "error_code": 9xxx, "detail_message": null | "..."}
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct


class ErrorSpec(Struct, frozen=True):
    code: int
    name: str
    message: str
    status: int


def _table(*rows: tuple[int, str, str, int]) -> dict[int, ErrorSpec]:
    return {code: ErrorSpec(code, name, message, status) for code, name, message, status in rows}


ERRORS: dict[int, ErrorSpec] = _table(
    (9001, "GIZ_OPENAPI_MAC_ALREADY_REGISTERED", "mac already registered!", 400),
    (9002, "GIZ_OPENAPI_PRODUCT_KEY_INVALID", "product_key invalid", 400),
    (9003, "GIZ_OPENAPI_APPID_INVALID", "appid invalid", 400),
    (9004, "GIZ_OPENAPI_TOKEN_INVALID", "token invalid", 400),
    (9005, "GIZ_OPENAPI_USER_NOT_EXIST", "user not exist", 400),
    (9006, "GIZ_OPENAPI_TOKEN_EXPIRED", "token expired", 400),
    (9007, "GIZ_OPENAPI_M2M_ID_INVALID", "m2m_id invalid", 400),
    (9008, "GIZ_OPENAPI_SERVER_ERROR", "server error", 500),
    (9009, "GIZ_OPENAPI_CODE_EXPIRED", "code expired", 400),
    (9010, "GIZ_OPENAPI_CODE_INVALID", "code invalid", 400),
    (9011, "GIZ_OPENAPI_SANDBOX_SCALE_QUOTA_EXHAUSTED", "sandbox scale quota exhausted!", 400),
    (9012, "GIZ_OPENAPI_PRODUCTION_SCALE_QUOTA_EXHAUSTED", "production scale quota exhausted!", 400),
    (9013, "GIZ_OPENAPI_PRODUCT_HAS_NO_REQUEST_SCALE", "product has no request scale!", 400),
    (9014, "GIZ_OPENAPI_DEVICE_NOT_FOUND", "device not found!", 404),
    (9015, "GIZ_OPENAPI_FORM_INVALID", "form invalid!", 400),
    (9016, "GIZ_OPENAPI_DID_PASSCODE_INVALID", "did or passcode invalid!", 400),
    (9017, "GIZ_OPENAPI_DEVICE_NOT_BOUND", "device not bound!", 401),
    (9018, "GIZ_OPENAPI_PHONE_UNAVALIABLE", "phone unavailable!", 400),
    (9019, "GIZ_OPENAPI_USERNAME_UNAVALIABLE", "username unavailable!", 400),
    (9020, "GIZ_OPENAPI_USERNAME_PASSWORD_ERROR", "username or password error!", 400),
    (9021, "GIZ_OPENAPI_SEND_COMMAND_FAILED", "send command failed!", 400),
    (9022, "GIZ_OPENAPI_EMAIL_UNAVALIABLE", "email unavailable!", 400),
    (9023, "GIZ_OPENAPI_DEVICE_DISABLED", "device is disabled!", 400),
    (9024, "GIZ_OPENAPI_FAILED_NOTIFY_M2M", "fail to notify m2m!", 400),
    (9025, "GIZ_OPENAPI_ATTR_INVALID", "attr invalid!", 400),
    (9026, "GIZ_OPENAPI_USER_INVALID", "user invalid!", 400),
    (9027, "GIZ_OPENAPI_FIRMWARE_NOT_FOUND", "firmware not found!", 404),
    (9028, "GIZ_OPENAPI_JD_PRODUCT_NOT_FOUND", "JD product info not found!", 404),
    (9029, "GIZ_OPENAPI_DATAPOINT_DATA_NOT_FOUND", "datapoint data not found!", 400),
    (9030, "GIZ_OPENAPI_SCHEDULER_NOT_FOUND", "scheduler not found!", 404),
    (9031, "GIZ_OPENAPI_QQ_OAUTH_KEY_INVALID", "qq oauth key invalid!", 400),
    (9032, "GIZ_OPENAPI_OTA_SERVICE_OK_BUT_IN_IDLE", "ota upgrade service OK, but in idle or disable!", 400),
    (9033, "GIZ_OPENAPI_BT_FIRMWARE_UNVERIFIED", "bt firmware unverified,except verify device!", 400),
    (9034, "GIZ_OPENAPI_BT_FIRMWARE_NOTHING_TO_UPGRADE", "bt firmware is OK, but nothing to upgrade!", 404),
    (9035, "GIZ_OPENAPI_SAVE_KAIROSDB_ERROR", "Save kairosdb error!", 500),
    (9036, "GIZ_OPENAPI_EVENT_NOT_DEFINED", "event not defined!", 400),
    (9037, "GIZ_OPENAPI_SEND_SMS_FAILED", "send sms failed!", 400),
    (9038, "GIZ_OPENAPI_APPLICATION_AUTH_INVALID", "X-Gizwits-Application-Auth invalid!", 400),
    (9039, "GIZ_OPENAPI_NOT_ALLOWED_CALL_API", "Not allowed to call deprecated API!", 403),
    (9040, "GIZ_OPENAPI_BAD_QRCODE_CONTENT", "bad qrcode content!", 400),
    (9041, "GIZ_OPENAPI_REQUEST_THROTTLED", "request was throttled", 429),
    (9042, "GIZ_OPENAPI_DEVICE_OFFLINE", "device offline!", 400),
    (9043, "GIZ_OPENAPI_TIMESTAMP_INVALID", "X-Gizwits-Timestamp invalid!", 400),
    (9044, "GIZ_OPENAPI_SIGNATURE_INVALID", "X-Gizwits-Signature invalid!", 400),
    (9045, "GIZ_OPENAPI_DEPRECATED_API", "API deprecated!", 400),
    (9046, "GIZ_OPENAPI_REGISTER_IS_BUSY", "Register already in progress!", 400),
    (9047, "GIZ_OPENAPI_DEVICE_ENCRYPT_DISABLED", "device encrypt disabled!", 400),
    (9048, "GIZ_OPENAPI_DEVICE_ENCRYPT_ENABLED", "device encrypt enabled, does not support this api!", 400),
    (9080, "GIZ_OPENAPI_CANNOT_SHARE_TO_SELF", "can not share device to self!", 400),
    (9081, "GIZ_OPENAPI_ONLY_OWNER_CAN_SHARE", "guest or normal user can not share device!", 400),
    (9082, "GIZ_OPENAPI_NOT_FOUND_GUEST", "guest user not found!", 400),
    (9083, "GIZ_OPENAPI_GUEST_ALREADY_BOUND", "guest user alread bound!", 400),
    (9084, "GIZ_OPENAPI_NOT_FOUND_SHARING_INFO", "sharing record not found!", 400),
    (9085, "GIZ_OPENAPI_NOT_FOUND_THE_MESSAGE", "message record not found!", 400),
    (9087, "GIZ_OPENAPI_SHARING_IS_WAITING_FOR_ACCEPT", "sharing alread created,waiting for the guest to accept!", 400),
    (9088, "GIZ_OPENAPI_SHARING_IS_EXPIRED", "sharing record expired!", 400),
    (9089, "GIZ_OPENAPI_SHARING_IS_COMPLETED", "sharing record status is not unaccept!", 400),
    (9090, "GIZ_OPENAPI_INVALID_SHARING_BECAUSE_UNBINDING", "owner binding disabled!", 400),
    (9092, "GIZ_OPENAPI_ONLY_OWNER_CAN_BIND", "owner exist, guest can not bind!", 400),
    (9093, "GIZ_OPENAPI_ONLY_OWNER_CAN_OPERATE", "permission denied, you are not owner!", 400),
    (9094, "GIZ_OPENAPI_SHARING_ALREADY_CANCELLED", "sharing already canceled!", 400),
    (9095, "GIZ_OPENAPI_OWNER_CANNOT_UNBIND_SELF", "can not unbind self!", 400),
    (9096, "GIZ_OPENAPI_ONLY_GUEST_CAN_CHECK_QRCODE", "permission denied, you are not guest!", 400),
    (9098, "GIZ_OPENAPI_MESSAGE_ALREADY_DELETED", "notify delele binding failed!", 400),
    (9099, "GIZ_OPENAPI_BINDING_NOTIFY_FAILED", "notify delele binding failed!", 400),
    (9100, "GIZ_OPENAPI_ONLY_SELF_CAN_MODIFY_ALIAS", "permission denied, you are not owner or guest!", 400),
    (9101, "GIZ_OPENAPI_ONLY_RECEIVER_CAN_MARK_MESSAGE", "permission denied, you are not the receiver!", 400),
    (9220, "GIZ_OPENAPI_SCENE_NOT_FOUND", "scene not found!", 404),
    (9221, "GIZ_OPENAPI_SCENE_NOT_OWNED", "the scene does not belong to you!", 400),
    # 9999 is "reserved" in both docs; the emulator uses it for requests that reach no
    # emulated route (HTTP 404/405), so such answers still carry the documented body shape.
    (9999, "GIZ_OPENAPI_RESERVED", "reserved", 404),
)


class ApiError(Exception):
    """A documented Open API error. Raised anywhere; rendered once, by the app's handler."""

    def __init__(self, code: int, detail: str | None = None, *, status: int | None = None) -> None:
        spec = ERRORS[code]
        super().__init__(f"{code} {spec.message}" + (f": {detail}" if detail else ""))
        self.spec = spec
        self.detail = detail
        self.status = status if status is not None else spec.status

    @property
    def code(self) -> int:
        return self.spec.code

    def body(self) -> dict[str, Any]:
        return error_body(self.spec.code, self.detail)


def error_body(code: int, detail: str | None = None) -> dict[str, Any]:
    spec = ERRORS[code]
    return {"error_message": spec.message, "error_code": spec.code, "detail_message": detail}


def form_invalid(detail: str) -> ApiError:
    """9015 with a message that says which field is wrong and why."""
    return ApiError(9015, detail)


def errors_listing() -> list[dict[str, Any]]:
    """The body of ``GET /errors``: every code with its HTTP status."""
    return [
        {"status": spec.status, "error_message": spec.message, "error_code": spec.code}
        for spec in ERRORS.values()
    ]
