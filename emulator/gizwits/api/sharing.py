"""Device sharing routes (``/app/sharing``): invite, list, answer, cancel, QR codes, aliases, transfer.

What sharing does lives in :mod:`emulator.gizwits.cloud.sharing.flow`; this module parses,
calls it and renders. Statuses follow the swagger (200 everywhere, also for creation).
A record lists with the *other* user's identity, masked: the guest's to the owner
(``sharing_type=0``), the owner's to the guest (``sharing_type=1``); a QR share nobody
has accepted yet lists with null user fields.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.routing import Route

from ..cloud.sharing import flow as sharing_flow
from ..cloud.sharing.records import MAX_DURATION, MIN_DURATION, NORMAL_SHARE, SHARE_TYPES, STATUSES, SharingRecord
from ..errors import form_invalid
from .http import Call, endpoint, field, text
from .openapi import (
    INTEGER,
    NULLABLE_STRING,
    STRING,
    UTC_Z,
    array,
    form,
    json_body,
    json_response,
    obj,
    operation,
    paging_params,
    path_param,
    query_param,
    ref,
    text_field,
)
from .paging import page_window, paged
from .render import utc_time

MAX_ALIAS = 128
OWN_SHARES, SHARED_WITH_ME = 0, 1


def record_id(call: Call) -> int:
    return call.path_int("id", "a sharing record id")


def sharing_item(call: Call, record: SharingRecord, *, as_owner: bool) -> dict[str, Any]:
    """One item of ``GET /app/sharing`` (swagger ``SharingDeviceModel``)."""
    other_uid = record.guest_uid if as_owner else record.owner_uid
    other = call.cloud.users.get(other_uid) if other_uid else None
    masked = other.masked() if other else {"username": None, "email": None, "phone": None}
    device = call.cloud.devices.get(record.did)
    owner_binding = call.cloud.bindings.get(record.owner_uid, record.did)
    return {
        "status": record.status,
        "username": masked["username"],
        "uid": other.uid if other else None,
        "did": record.did,
        "created_at": utc_time(record.created_at),
        "updated_at": utc_time(record.updated_at),
        "email": masked["email"],
        "phone": masked["phone"],
        "dev_alias": owner_binding.dev_alias if owner_binding else "",
        "id": record.id,
        "user_alias": record.guest_alias if as_owner else record.owner_alias,
        "type": record.type,
        "product_name": device.product.name if device else None,
        "expired_at": utc_time(record.expired_at),
    }


#: ``status`` of ``GET /app/sharing``: statuses separated by commas (also the pattern in the OpenAPI document).
STATUS_LIST_PATTERN = "^([0-3](,[0-3])*)?$"
_STATUS_LIST = re.compile(STATUS_LIST_PATTERN)


def status_filter(raw: str | None) -> tuple[int, ...]:
    """``status``: statuses separated by commas ("0,1"); all of them when absent."""
    if raw is None or raw == "":
        return STATUSES
    if not _STATUS_LIST.fullmatch(raw):
        raise form_invalid(f"status must be statuses 0..3 separated by commas, got {raw!r}")
    return tuple(int(p) for p in raw.split(","))


@endpoint(auth="user")
def list_shares(call: Call) -> Any:
    sharing_type = call.query_choice("sharing_type", (OWN_SHARES, SHARED_WITH_ME))
    raw_status = call.query_str("status")
    statuses = status_filter(raw_status)
    did = call.query_str("did") or None
    limit, skip = page_window(call)
    if did is not None:
        # Seed 001: "只有owner用户可查询指定did的分享信息".
        sharing_flow.require_owner(call.cloud, call.me, did)
    as_owner = sharing_type == OWN_SHARES
    records = call.cloud.sharing.listing(owner_uid=call.me.uid if as_owner else None,
                                         guest_uid=None if as_owner else call.me.uid, did=did, statuses=statuses)
    query: dict[str, Any] = {"sharing_type": sharing_type}
    if raw_status:
        query["status"] = raw_status
    if did:
        query["did"] = did
    items = [sharing_item(call, r, as_owner=as_owner) for r in records]
    return paged(items, path="/app/sharing", limit=limit, skip=skip, query=query)


@endpoint(auth="user", body="required")
def create_share(call: Call) -> Any:
    share_type = field(call.body, "type", int, required=True)
    if share_type not in SHARE_TYPES:
        raise form_invalid("type must be 0 (normal share) or 1 (QR share)")
    did = text(call.body, "did", required=True, max_length=64, allow_empty=False) or ""
    duration = field(call.body, "duration", int)
    if duration is not None and not MIN_DURATION <= duration <= MAX_DURATION:
        raise form_invalid(f"duration must be {MIN_DURATION}..{MAX_DURATION} minutes")
    named = [(key, text(call.body, key, max_length=254, allow_empty=False) or "")
             for key in sharing_flow.TARGET_KEYS if call.body.get(key) is not None]
    target = None
    if share_type == NORMAL_SHARE:
        if len(named) != 1:
            raise form_invalid("a normal share names its user by exactly one of uid, username, email, phone")
        target = named[0]
    record = sharing_flow.create(call.cloud, call.me, did, share_type, target=target, duration=duration)
    return {"qr_content": record.qr_content, "id": record.id if share_type == NORMAL_SHARE else None}


@endpoint(auth="user")
def answer_share(call: Call) -> Any:
    status = call.query_choice("status", (1, 2))
    record = sharing_flow.respond(call.cloud, call.me, record_id(call), accept=status == 1)
    return {"id": record.id}


@endpoint(auth="user")
def cancel_share(call: Call) -> Any:
    record = sharing_flow.cancel(call.cloud, call.me, record_id(call))
    return {"id": record.id}


@endpoint(auth="user")
def qr_share_info(call: Call) -> Any:
    record = sharing_flow.qr_invitation(call.cloud, call.me, call.path("code"))
    owner = call.cloud.users.get(record.owner_uid)
    device = call.cloud.devices.get(record.did)
    owner_binding = call.cloud.bindings.get(record.owner_uid, record.did)
    return {
        "owner": owner.shown_as() if owner else record.owner_uid,
        "product_name": device.product.name if device else None,
        "dev_alias": owner_binding.dev_alias if owner_binding else "",
        "expired_at": utc_time(record.expired_at),
    }


@endpoint(auth="user")
def accept_qr_share(call: Call) -> Any:
    sharing_flow.accept_qr(call.cloud, call.me, call.path("code"))
    return {}


@endpoint(auth="user")
def set_alias(call: Call) -> Any:
    alias = call.query_str("user_alias")
    if alias is None:
        raise form_invalid("user_alias is required")
    if len(alias) > MAX_ALIAS:
        raise form_invalid(f"user_alias is longer than {MAX_ALIAS} characters")
    sharing_flow.set_alias(call.cloud, call.me, record_id(call), alias)
    return {}


@endpoint(auth="user")
def transfer(call: Call) -> Any:
    uid = call.query_required("uid", "the guest who becomes owner")
    sharing_flow.transfer(call.cloud, call.me, call.path("did"), uid)
    return {}


ROUTES = [
    Route("/app/sharing", list_shares, methods=["GET"]),
    Route("/app/sharing", create_share, methods=["POST"]),
    Route("/app/sharing/code/{code}", qr_share_info, methods=["GET"]),
    Route("/app/sharing/code/{code}", accept_qr_share, methods=["POST"]),
    Route("/app/sharing/{id}", answer_share, methods=["PUT"]),
    Route("/app/sharing/{id}", cancel_share, methods=["DELETE"]),
    Route("/app/sharing/{id}/alias", set_alias, methods=["PUT"]),
    Route("/app/sharing/{did}/transfer", transfer, methods=["POST"]),
]

# -- OpenAPI ----------------------------------------------------------------------------------
_TAGS = ["sharing"]
_ID = path_param("id", "sharing record id", pattern="^[0-9]+$")
_CODE = path_param("code", "the QR invitation code (or the whole qr_content)")
_DID = path_param("did", "device id")
_ID_BODY = json_response(obj({"id": INTEGER}, ("id",)), "the sharing record's id")
_DONE = json_response(ref("Empty"), "done")
_GUEST_UID = query_param("uid", "the guest", {"type": "string", "minLength": 1}, required=True)
#: A waiting share that was cancelled (9094), already answered (9089) or has expired (9088).
_NOT_WAITING = (9088, 9089, 9094)
_TARGET = text_field(254, blank=False)
SCHEMAS = {
    "SharingRecord": obj(
        {"id": INTEGER, "type": {"type": "integer", "enum": list(SHARE_TYPES), "description": "0 normal, 1 QR"},
         "uid": NULLABLE_STRING, "username": NULLABLE_STRING, "user_alias": STRING, "email": NULLABLE_STRING,
         "phone": NULLABLE_STRING, "did": STRING, "product_name": NULLABLE_STRING, "dev_alias": STRING,
         "status": {"type": "integer", "enum": list(STATUSES),
                    "description": "0 waiting, 1 accepted, 2 refused, 3 cancelled"},
         "created_at": UTC_Z, "updated_at": UTC_Z, "expired_at": UTC_Z},
        ("id", "type", "uid", "username", "user_alias", "email", "phone", "did", "product_name", "dev_alias",
         "status", "created_at", "updated_at", "expired_at"),
        description="The other user of the share (the guest to the owner, the owner to the guest), masked; "
                    "null for a QR share nobody accepted yet.",
    ),
    "SharingList": obj({"meta": ref("PageMeta"), "objects": array(ref("SharingRecord"))}, ("meta", "objects")),
    "ShareForm": form(
        {"type": {"type": "integer", "enum": list(SHARE_TYPES), "description": "0 to a user, 1 by QR code"},
         "did": text_field(64, blank=False), "uid": _TARGET, "username": _TARGET, "email": _TARGET, "phone": _TARGET,
         "duration": {"type": "integer", "minimum": MIN_DURATION, "maximum": MAX_DURATION,
                      "description": "minutes of access after acceptance"}},
        ("type", "did"),
        description="Type 0 names the user by exactly one of uid, username, email, phone.",
        example={"type": 0, "did": "G4bswhyi45QARPAgFhTHH7", "email": "friend@heatzy.test"},
    ),
    "ShareCreated": obj({"qr_content": NULLABLE_STRING, "id": {"type": ["integer", "null"]}}, ("qr_content", "id"),
                        description="type 0: the record id and no qr_content; type 1: the qr_content to show "
                                    "and no id"),
    "QrShare": obj({"owner": STRING, "product_name": NULLABLE_STRING, "dev_alias": STRING, "expired_at": UTC_Z},
                   ("owner", "product_name", "dev_alias", "expired_at")),
}
SPEC = {
    "/app/sharing": {
        "get": operation(
            "list_shares", "Shares I made (sharing_type=0) or received (1)", tags=_TAGS, errors=(9014, 9017, 9093),
            parameters=[
                query_param("sharing_type", "0: shares I made, 1: shares to me", {"type": "integer", "enum": [0, 1]},
                            required=True),
                query_param("status", "statuses separated by commas (0 waiting, 1 accepted, 2 refused, "
                                      "3 cancelled); all by default",
                            {"type": "string", "pattern": STATUS_LIST_PATTERN}),
                query_param("did", "only this device (its owner only)", STRING),
                *paging_params(min_limit=1),
            ],
            responses={200: json_response(ref("SharingList"))},
        ),
        "post": operation(
            "create_share", "Share a device: to a user (type 0) or by QR code (type 1)", tags=_TAGS,
            errors=(9014, 9017, 9080, 9081, 9082, 9083, 9087),
            description="An invitation waits 24 hours (type 0) or 15 minutes (type 1); duration limits the "
                        "guest's access.",
            body=json_body(ref("ShareForm")),
            responses={200: json_response(ref("ShareCreated"))},
        ),
    },
    "/app/sharing/{id}": {
        "put": operation(
            "answer_share", "Accept (status=1) or refuse (status=2) a share (the invited user only)", tags=_TAGS,
            errors=(9083, 9084, 9090, 9096, *_NOT_WAITING),
            parameters=[_ID, query_param("status", "1 accept, 2 refuse", {"type": "integer", "enum": [1, 2]},
                                         required=True)],
            responses={200: _ID_BODY},
        ),
        "delete": operation(
            "cancel_share", "Cancel a waiting share or take back an accepted one (the owner only)", tags=_TAGS,
            errors=(9014, 9015, 9017, 9084, 9089, 9093, 9094), parameters=[_ID], responses={200: _ID_BODY},
        ),
    },
    "/app/sharing/code/{code}": {
        "get": operation(
            "qr_share_info", "What a QR share offers (not for its owner)", tags=_TAGS, parameters=[_CODE],
            errors=(9084, 9096, *_NOT_WAITING), responses={200: json_response(ref("QrShare"))},
        ),
        "post": operation(
            "accept_qr_share", "Accept a QR share", tags=_TAGS, parameters=[_CODE],
            errors=(9083, 9084, 9090, 9096, *_NOT_WAITING), responses={200: _DONE},
        ),
    },
    "/app/sharing/{id}/alias": {
        "put": operation(
            "set_share_alias", "Name the other user of a share (the owner names the guest, the guest the owner)",
            tags=_TAGS, errors=(9084, 9100),
            parameters=[_ID, query_param("user_alias", "the name", {"type": "string", "maxLength": MAX_ALIAS},
                                         required=True)],
            responses={200: _DONE},
        ),
    },
    "/app/sharing/{did}/transfer": {
        "post": operation(
            "transfer_device", "Hand the device to a guest (the owner only); the owner stays as a guest", tags=_TAGS,
            errors=(9014, 9017, 9082, 9093), parameters=[_DID, _GUEST_UID], responses={200: _DONE},
        ),
    },
}
