"""Device group routes: ``/app/group`` (list, create), ``/{id}`` (rename, delete), ``/{id}/devices``
(list, add, remove) and ``/{id}/control``.

Where the docs disagree, Heatzy's captured group payloads (2024) win: ``PUT``/``DELETE``
answer ``null``; a group without product (what the Heatzy app creates, ``product_key: ""``)
can be controlled, each device answering ``result: false`` when it refuses the command (the
Gizwits doc says only single-product groups can be). For a single-product group the
command is checked against the product first (9025, nothing sent).
"""

from __future__ import annotations

import re
from typing import Any

from starlette.routing import Route

from ..cloud.automation.groups import Group
from ..cloud.automation.task_control import fire_group_control
from ..cloud.automation.wiring import delete_group
from ..devices.datapoints import InvalidValue
from ..errors import ApiError, form_invalid
from .devices import parse_command
from .http import Call, Reply, endpoint, field, text
from .openapi import (
    BOOLEAN,
    INTEGER,
    NULLABLE_STRING,
    STRING,
    UTC_Z,
    array,
    flag_param,
    form,
    json_body,
    json_response,
    obj,
    operation,
    path_param,
    ref,
    text_field,
)

MAX_MULTICAST_ID = 65534
#: ASCII digits (``str.isdigit`` also takes digits ``int`` refuses, such as "²"); "" is no multicast id.
MULTICAST_ID_PATTERN = "^[0-9]{0,5}$"
_MULTICAST_ID = re.compile(MULTICAST_ID_PATTERN)


def _multicast_id(body: dict[str, Any]) -> str:
    value = text(body, "multicast_id", max_length=5) or ""
    if value and (not _MULTICAST_ID.fullmatch(value) or int(value) > MAX_MULTICAST_ID):
        raise form_invalid(f"multicast_id must be an integer string 0..{MAX_MULTICAST_ID}, got {value!r}")
    return value


def _group(call: Call) -> Group:
    return call.cloud.groups.require(call.me.uid, call.path("id"))


def _dids(call: Call) -> list[str]:
    dids = field(call.body, "dids", list, required=True)
    if any(not isinstance(did, str) for did in dids):
        raise form_invalid("dids must be a list of device ids (strings)")
    return dids


@endpoint(auth="user")
def list_groups(call: Call) -> Any:
    return [group.body() for group in call.cloud.groups.of_user(call.me.uid)]


@endpoint(auth="user", body="required")
def create_group(call: Call) -> Any:
    group_name = text(call.body, "group_name", required=True, max_length=128, allow_empty=False) or ""
    product_key = text(call.body, "product_key", max_length=64) or ""
    gw_did = text(call.body, "gw_did", max_length=64) or None
    multicast_id = _multicast_id(call.body)
    remark = text(call.body, "remark", max_length=1024) or ""
    verbose_name = call.cloud.product(product_key).name if product_key else ""
    group = call.cloud.groups.create(call.me.uid, call.now, group_name=group_name, product_key=product_key,
                                     verbose_name=verbose_name, gw_did=gw_did, multicast_id=multicast_id,
                                     remark=remark)
    return Reply({"id": group.id}, 201)


@endpoint(auth="user", body="required")
def rename_group(call: Call) -> Any:
    group_name = text(call.body, "group_name", required=True, max_length=128, allow_empty=False) or ""
    group = _group(call)
    group.group_name = group_name
    group.updated_at = call.now
    return None


@endpoint(auth="user")
def remove_group(call: Call) -> Any:
    delete_group(call.cloud, _group(call))
    return None


@endpoint(auth="user")
def group_devices(call: Call) -> Any:
    group = _group(call)
    entries = []
    for did in group.dids:
        device = call.cloud.devices.get(did)
        binding = call.cloud.bindings.get(call.me.uid, did)
        if device is None:
            continue
        entries.append({"did": did, "verbose_name": device.product.name, "type": device.metadata("type"),
                        "dev_alias": binding.dev_alias if binding else "", "product_key": device.product_key})
    return entries


@endpoint(auth="user", body="required")
def add_devices(call: Call) -> Any:
    show_detail = call.query_flag("show_detail")
    dids = _dids(call)
    group = _group(call)
    success: list[str] = []
    failures: list[tuple[str, ApiError]] = []
    for did in dids:
        try:
            device, _ = call.cloud.bound_device(call.me, did)
            if group.product_key and device.product_key != group.product_key:
                raise ApiError(9002, f"the group holds {group.verbose_name} devices only")
        except ApiError as error:
            failures.append((did, error))
            continue
        if did not in group.dids:
            group.dids.append(did)
        success.append(did)
    if success:
        group.updated_at = call.now
    reply: dict[str, Any] = {"failed": [did for did, _ in failures]}
    if show_detail:
        reply["detail"] = [{"did": did, "error_message": error.spec.message, "error_code": error.code,
                            "detail_msg": error.detail} for did, error in failures]
    reply["success"] = success
    return reply


@endpoint(auth="user", body="required")
def remove_devices(call: Call) -> Any:
    dids = _dids(call)
    group = _group(call)
    success, failed = [], []
    for did in dids:
        if did in group.dids:
            group.dids.remove(did)
            success.append(did)
        else:
            failed.append(did)
    if success:
        group.updated_at = call.now
    return {"failed": failed, "success": success}


@endpoint(auth="user", body="required")
def control_group(call: Call) -> Any:
    attrs, raw = parse_command(call.body)
    group = _group(call)
    if group.product_key and attrs is not None:
        try:
            call.cloud.product(group.product_key).datapoints.validate_write(attrs)
        except InvalidValue as error:
            raise ApiError(9025, str(error)) from None
    results = fire_group_control(call.cloud, call.me.uid, group, attrs=attrs, raw=raw, source="app")
    return [{"did": did, "result": ok} for did, ok in results]


ROUTES = [
    Route("/app/group", list_groups, methods=["GET"]),
    Route("/app/group", create_group, methods=["POST"]),
    Route("/app/group/{id}", rename_group, methods=["PUT"]),
    Route("/app/group/{id}", remove_group, methods=["DELETE"]),
    Route("/app/group/{id}/devices", group_devices, methods=["GET"]),
    Route("/app/group/{id}/devices", add_devices, methods=["POST"]),
    Route("/app/group/{id}/devices", remove_devices, methods=["DELETE"]),
    Route("/app/group/{id}/control", control_group, methods=["POST"]),
]

# -- OpenAPI ------------------------------------------------------------------------------------
_TAGS = ["groups"]
_ID = path_param("id", "group id")
_GROUP_NAME = text_field(128, blank=False)
_DIDS_FORM = json_body(form({"dids": array(STRING)}, ("dids",), example={"dids": ["G4bswhyi45QARPAgFhTHH7"]}))
_NULL = json_response({"type": "null"}, "done (the body is null, as in Heatzy's captures)")
#: The docs name no error for an unknown group (or another user's): 9015 with a detail.
_UNKNOWN_GROUP = "An unknown group (or another user's) is 9015 with a detail: the docs name no error for it."

SCHEMAS: dict[str, Any] = {
    "Group": obj({
        "remark": STRING, "gw_did": NULLABLE_STRING, "multicast_id": STRING, "updated_at": UTC_Z,
        "created_at": UTC_Z, "verbose_name": {**STRING, "description": "the product's name; \"\" without product"},
        "id": STRING, "product_key": STRING, "group_name": STRING,
    }, ("remark", "gw_did", "multicast_id", "updated_at", "created_at", "verbose_name", "id", "product_key",
        "group_name")),
    "GroupForm": form({
        "group_name": _GROUP_NAME,
        "product_key": {**text_field(64), "description": "a single-product group; \"\" or absent: any devices"},
        "gw_did": text_field(64), "multicast_id": {"type": "string", "pattern": MULTICAST_ID_PATTERN,
                                                   "description": f"0..{MAX_MULTICAST_ID}, as a string"},
        "remark": text_field(1024),
    }, ("group_name",), example={"group_name": "Salon"}),
    "GroupDevice": obj({"did": STRING, "verbose_name": STRING, "type": STRING, "dev_alias": STRING,
                        "product_key": STRING}, ("did", "verbose_name", "type", "dev_alias", "product_key")),
    "GroupDeviceChange": obj({
        "failed": array(STRING),
        "detail": array(obj({"did": STRING, "error_message": STRING, "error_code": INTEGER,
                             "detail_msg": NULLABLE_STRING}, ("did", "error_message", "error_code", "detail_msg")),
                        description="with show_detail=1: why each failed did failed"),
        "success": array(STRING),
    }, ("failed", "success")),
    "GroupControlResult": obj({"did": STRING, "result": BOOLEAN}, ("did", "result")),
}

SPEC: dict[str, dict[str, Any]] = {
    "/app/group": {
        "get": operation("list_groups", "The user's groups", tags=_TAGS,
                         responses={200: json_response(array(ref("Group")))}),
        "post": operation(
            "create_group", "Create a group", tags=_TAGS, errors=(9002,), body=json_body(ref("GroupForm")),
            description="With product_key, a single-product group; without (or \"\"), a group of any devices.",
            responses={201: json_response(obj({"id": STRING}, ("id",)), "the new group's id")},
        ),
    },
    "/app/group/{id}": {
        "put": operation("rename_group", "Rename a group", tags=_TAGS, parameters=[_ID], description=_UNKNOWN_GROUP,
                         body=json_body(form({"group_name": _GROUP_NAME}, ("group_name",),
                                             example={"group_name": "Séjour"})),
                         responses={200: _NULL}),
        "delete": operation("delete_group", "Delete a group", tags=_TAGS, parameters=[_ID], errors=(9015,),
                            description=_UNKNOWN_GROUP, responses={200: _NULL}),
    },
    "/app/group/{id}/devices": {
        "get": operation("list_group_devices", "The devices of a group", tags=_TAGS, parameters=[_ID], errors=(9015,),
                         description=_UNKNOWN_GROUP, responses={200: json_response(array(ref("GroupDevice")))}),
        "post": operation(
            "add_group_devices", "Add devices to a group", tags=_TAGS, body=_DIDS_FORM,
            parameters=[_ID, flag_param("show_detail", "1: say why each failed did failed")],
            description="A did fails with 9014 (unknown), 9017 (not bound to the user) or 9002 (another product "
                        "than the group's); failures are listed, not answered as errors. " + _UNKNOWN_GROUP,
            responses={200: json_response(ref("GroupDeviceChange"))},
        ),
        "delete": operation("remove_group_devices", "Remove devices from a group", tags=_TAGS, body=_DIDS_FORM,
                            parameters=[_ID], description="Dids not in the group are listed under failed. "
                                                          + _UNKNOWN_GROUP,
                            responses={200: json_response(ref("GroupDeviceChange"))}),
    },
    "/app/group/{id}/control": {
        "post": operation(
            "control_group", "Send one command to every device of a group", tags=_TAGS, errors=(9025,),
            parameters=[_ID], body=json_body(ref("ControlForm")),
            description="Each device answers result true (delivered) or false (offline, refused, not bound). "
                        "A single-product group checks attrs against its product first (9025, nothing sent). "
                        + _UNKNOWN_GROUP,
            responses={200: json_response(array(ref("GroupControlResult")))},
        ),
    },
}
