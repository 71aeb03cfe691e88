"""Device group routes: ``/app/group`` (list, create), ``/{id}`` (rename, delete), ``/{id}/devices``
(list, add, remove) and ``/{id}/control``.

Where the docs disagree, Heatzy's captured group payloads (2024) win: ``PUT``/``DELETE``
answer ``null``; a group without product (what the Heatzy app creates, ``product_key: ""``)
can be controlled, each device answering ``result: false`` when it refuses the command (the
Gizwits doc says only single-product groups can be). For a single-product group the
command is checked against the product first (9025, nothing sent).
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ..cloud.automation import delete_group
from ..cloud.groups import Group
from ..cloud.task_control import fire_group_control
from ..devices.datapoints import InvalidValue
from ..errors import ApiError, form_invalid
from .devices import parse_command
from .http import Call, Reply, endpoint, field, text
from .spec import DATE_TIME, INTEGER, STRING, array, obj, operation, path_param, query_param, ref

TAG = "Device groups"
MAX_MULTICAST_ID = 65534


def _multicast_id(body: dict[str, Any]) -> str:
    value = text(body, "multicast_id", max_length=5) or ""
    if value and (not value.isdigit() or int(value) > MAX_MULTICAST_ID):
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
_ID = path_param("id", "group id")
_DIDS = obj({"dids": array(STRING)}, ["dids"])
_NULL = {"type": "null"}
_UNKNOWN_GROUP = "An unknown group (or another user's) is 9015 with a detail: the docs name no error for it."

SCHEMAS: dict[str, Any] = {
    "Group": obj({
        "remark": STRING, "gw_did": {"type": ["string", "null"]}, "multicast_id": STRING,
        "updated_at": DATE_TIME,
        "created_at": DATE_TIME, "verbose_name": STRING,
        "id": STRING, "product_key": STRING, "group_name": STRING,
    }, ["id", "group_name", "product_key", "verbose_name", "created_at", "updated_at"]),
    "GroupDevice": obj({
        "did": STRING, "verbose_name": STRING, "type": STRING,
        "dev_alias": STRING, "product_key": STRING,
    }, ["did", "verbose_name", "type", "dev_alias", "product_key"]),
    "GroupDeviceChange": obj({
        "failed": array(STRING),
        "detail": array(obj({"did": STRING, "error_message": STRING,
                             "error_code": INTEGER, "detail_msg": {"type": ["string", "null"]}})),
        "success": array(STRING),
    }, ["failed", "success"]),
    "GroupControlResult": obj({"did": STRING, "result": {"type": "boolean"}}, ["did", "result"]),
}

SPEC: dict[str, dict[str, Any]] = {
    "/app/group": {
        "get": operation("List the user's groups", tag=TAG, ok=array(ref("Group"))),
        "post": operation(
            "Create a group", tag=TAG, status=201, ok=obj({"id": STRING}, ["id"]), errors=(9002,),
            description="With product_key, a single-product group; without (or \"\"), a group of any devices.",
            body=obj({"group_name": STRING, "product_key": STRING,
                      "gw_did": STRING, "multicast_id": {"type": "string", "pattern": "^[0-9]{1,5}$"},
                      "remark": STRING}, ["group_name"]),
        ),
    },
    "/app/group/{id}": {
        "put": operation("Rename a group", tag=TAG, ok=_NULL, parameters=[_ID], description=_UNKNOWN_GROUP,
                         body=obj({"group_name": STRING}, ["group_name"])),
        "delete": operation("Delete a group", tag=TAG, ok=_NULL, parameters=[_ID], description=_UNKNOWN_GROUP),
    },
    "/app/group/{id}/devices": {
        "get": operation("List the devices of a group", tag=TAG, ok=array(ref("GroupDevice")), parameters=[_ID]),
        "post": operation(
            "Add devices to a group", tag=TAG, ok=ref("GroupDeviceChange"), body=_DIDS,
            parameters=[_ID, query_param("show_detail", "1: say why each failed did failed",
                                         {"type": "integer", "enum": [0, 1], "default": 0})],
            description="A did fails with 9014 (unknown), 9017 (not bound to the user) or 9002 (another "
                        "product than the group's); failures are listed, not answered as errors.",
        ),
        "delete": operation("Remove devices from a group", tag=TAG, ok=ref("GroupDeviceChange"), body=_DIDS,
                            parameters=[_ID]),
    },
    "/app/group/{id}/control": {
        "post": operation(
            "Send one command to every device of a group", tag=TAG, ok=array(ref("GroupControlResult")),
            parameters=[_ID], errors=(9025,),
            body=obj({"attrs": {"type": "object"}, "raw": array({"type": "integer", "minimum": 0, "maximum": 255})}),
            description="Each device answers result true (delivered) or false (offline, refused, not bound).",
        ),
    },
}
