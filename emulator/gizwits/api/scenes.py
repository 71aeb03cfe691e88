"""Scene routes: ``/app/scene`` (list, create), ``/app/scene/{id}`` (update, delete) and
``/app/scene/{id}/task`` (run, status).

Tasks are ``delay`` (``time`` seconds, at most 3600), ``device`` (``did``) or ``group``
(``group_id``) with ``attrs`` (enum points may be given by index) or ``raw`` (base64). A
scene's form is checked whole before it is stored: devices must be the user's (9014/9017),
groups the user's (9015), commands valid for the device or single-product group (9025).
A task's ``remark`` is stored HTML-escaped, as the swagger says the cloud does. Another
user's scene is 9221, an unknown one 9220.
"""

from __future__ import annotations

import base64
import html
from typing import Any

from starlette.routing import Route

from ...core.timefmt import utc_iso
from ..cloud.automation.scenes import Scene, start_run
from ..cloud.automation.wiring import delete_scene
from ..devices.catalog import Product
from ..devices.datapoints import InvalidValue
from ..errors import ApiError, form_invalid
from .http import Call, Reply, endpoint, field, text
from .openapi import (
    INTEGER,
    STRING,
    UTC_Z,
    array,
    form,
    json_body,
    json_response,
    obj,
    operation,
    path_param,
    ref,
    text_field,
)

MAX_DELAY = 3600
TASK_TYPES = ("delay", "device", "group")


def _command(attrs: dict[str, Any] | None, raw: str | None, where: str, product: Product | None) -> dict[str, Any]:
    """What a device or group task sends: ``attrs`` (checked against ``product`` unless None) or ``raw``."""
    if (not attrs) == (not raw):
        raise form_invalid(f"{where} needs attrs or raw (base64), one of them")
    if attrs and product is not None:
        try:
            product.datapoints.validate_write(attrs)
        except InvalidValue as error:
            raise ApiError(9025, f"{where}: {error}") from None
    return {"attrs": dict(attrs or {}), "raw": raw or ""}


def _task(call: Call, task: Any, where: str) -> dict[str, Any]:
    """One task of a scene form. Every field is checked, also those the task's type does not use."""
    if not isinstance(task, dict) or task.get("task_type") not in TASK_TYPES:
        raise form_invalid(f"{where}.task_type must be one of {list(TASK_TYPES)}")
    kind = task["task_type"]
    seconds = field(task, "time", int, required=kind == "delay")
    if seconds is not None and not 0 <= seconds <= MAX_DELAY:
        raise form_invalid(f"{where}.time must be 0..{MAX_DELAY} seconds")
    did = text(task, "did", required=kind == "device", max_length=64) or ""
    group_id = text(task, "group_id", required=kind == "group", max_length=64) or ""
    attrs = field(task, "attrs", dict)
    raw = field(task, "raw", str)
    if raw:
        try:
            base64.b64decode(raw, validate=True)
        except ValueError:  # binascii.Error, or text that is not ASCII
            raise form_invalid(f"{where}.raw must be base64") from None
    stored: dict[str, Any] = {"task_type": kind, "did": "", "group_id": "", "attrs": {}, "raw": "", "time": 0,
                              "remark": html.escape(text(task, "remark", max_length=1024) or "")}
    if kind == "delay":
        stored["time"] = seconds
    elif kind == "device":
        device, _ = call.cloud.bound_device(call.me, did)
        stored.update(did=device.did, **_command(attrs, raw, where, device.product))
    else:
        group = call.cloud.groups.require(call.me.uid, group_id)
        product = call.cloud.product(group.product_key) if group.product_key else None
        stored.update(group_id=group.id, **_command(attrs, raw, where, product))
    return stored


def _tasks(call: Call) -> list[dict[str, Any]]:
    tasks = field(call.body, "tasks", list, required=True)
    return [_task(call, task, f"tasks[{index}]") for index, task in enumerate(tasks)]


def _task_body(call: Call, task: dict[str, Any]) -> dict[str, Any]:
    """One task of ``GET /app/scene`` (field order of seed 001's example, then ``remark``)."""
    product_key = verbose_name = group_name = dev_alias = dev_remark = ""
    if task["did"]:
        device = call.cloud.devices.get(task["did"])
        binding = call.cloud.bindings.get(call.me.uid, task["did"])
        if device is not None:
            product_key, verbose_name = device.product_key, device.product.name
        if binding is not None:
            dev_alias, dev_remark = binding.dev_alias, binding.remark
    if task["group_id"]:
        group = call.cloud.groups.get(task["group_id"])
        if group is not None:
            product_key, verbose_name, group_name = group.product_key, group.verbose_name, group.group_name
    return {
        "task_type": task["task_type"], "did": task["did"], "product_key": product_key, "group_name": group_name,
        "raw": task["raw"], "attrs": dict(task["attrs"]), "dev_remark": dev_remark, "time": task["time"],
        "group_id": task["group_id"], "verbose_name": verbose_name, "dev_alias": dev_alias, "remark": task["remark"],
    }


def _scene(call: Call) -> Scene:
    return call.cloud.scenes.require(call.me.uid, call.path("id"))


@endpoint(auth="user")
def list_scenes(call: Call) -> Any:
    return [
        {"remark": scene.remark, "tasks": [_task_body(call, task) for task in scene.tasks],
         "created_at": utc_iso(scene.created_at), "updated_at": utc_iso(scene.updated_at),
         "scene_name": scene.scene_name, "id": scene.id}
        for scene in call.cloud.scenes.of_user(call.me.uid)
    ]


@endpoint(auth="user", body="required")
def create_scene(call: Call) -> Any:
    scene_name = text(call.body, "scene_name", required=True, max_length=128, allow_empty=False) or ""
    remark = text(call.body, "remark", max_length=1024) or ""
    scene = call.cloud.scenes.create(call.me.uid, call.now, scene_name=scene_name, remark=remark,
                                     tasks=_tasks(call))
    return Reply({"id": scene.id}, 201)


@endpoint(auth="user", body="required")
def update_scene(call: Call) -> Any:
    scene = _scene(call)
    scene_name = text(call.body, "scene_name", max_length=128, allow_empty=False)
    remark = text(call.body, "remark", max_length=1024)
    tasks = _tasks(call) if call.body.get("tasks") is not None else None
    if scene_name is None and remark is None and tasks is None:
        raise form_invalid("give scene_name, remark or tasks")
    if scene_name is not None:
        scene.scene_name = scene_name
    if remark is not None:
        scene.remark = remark
    if tasks is not None:
        scene.tasks = tasks
    scene.updated_at = call.now
    return {}


@endpoint(auth="user")
def remove_scene(call: Call) -> Any:
    delete_scene(call.cloud, _scene(call))
    return {}


@endpoint(auth="user")
def run_scene(call: Call) -> Any:
    start_run(call.cloud, _scene(call), call.now)
    return {}


@endpoint(auth="user")
def run_status(call: Call) -> Any:
    return {"status": _scene(call).status}


ROUTES = [
    Route("/app/scene", list_scenes, methods=["GET"]),
    Route("/app/scene", create_scene, methods=["POST"]),
    Route("/app/scene/{id}", update_scene, methods=["PUT"]),
    Route("/app/scene/{id}", remove_scene, methods=["DELETE"]),
    Route("/app/scene/{id}/task", run_status, methods=["GET"]),
    Route("/app/scene/{id}/task", run_scene, methods=["POST"]),
]

# -- OpenAPI ------------------------------------------------------------------------------------
_TAGS = ["scenes"]
_ID = path_param("id", "scene id")
_DONE = json_response(ref("Empty"), "done")
_SCENE_ERRORS = (9220, 9221)
#: A task's device unknown (9014) or not the user's (9017), its command invalid (9025); an unknown
#: group is 9015 with a detail.
_FORM_ERRORS = (9014, 9017, 9025)
_BASE64 = "^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
_SCENE_FIELDS: dict[str, Any] = {"scene_name": text_field(128, blank=False), "remark": text_field(1024),
                                 "tasks": array(ref("SceneTaskForm"))}

SCHEMAS: dict[str, Any] = {
    "SceneTaskForm": form({
        "task_type": {"enum": list(TASK_TYPES)},
        "time": {"type": "integer", "minimum": 0, "maximum": MAX_DELAY, "description": "delay: seconds to wait"},
        "did": text_field(64, "device: the device"), "group_id": text_field(64, "group: the group"),
        "attrs": {"type": "object", "description": "device and group: data point values (or raw)"},
        "raw": {"type": "string", "pattern": _BASE64, "description": "device and group: a raw payload, base64"},
        "remark": text_field(1024),
    }, ("task_type",)),
    "SceneForm": form(_SCENE_FIELDS, ("scene_name", "tasks"), example={
        "scene_name": "Nuit", "tasks": [{"task_type": "device", "did": "G4bswhyi45QARPAgFhTHH7", "attrs": {"mode": 2}},
                                        {"task_type": "delay", "time": 5}]}),
    "SceneUpdate": form(_SCENE_FIELDS, description="The fields to change (at least one).",
                        example={"remark": "every evening"}),
    "SceneTask": obj({
        "task_type": {"enum": list(TASK_TYPES)}, "did": STRING, "product_key": STRING, "group_name": STRING,
        "raw": STRING, "attrs": {"type": "object"}, "dev_remark": STRING, "time": INTEGER, "group_id": STRING,
        "verbose_name": STRING, "dev_alias": STRING, "remark": {**STRING, "description": "stored HTML-escaped"},
    }, ("task_type", "did", "product_key", "group_name", "raw", "attrs", "dev_remark", "time", "group_id",
        "verbose_name", "dev_alias", "remark")),
    "Scene": obj({
        "remark": STRING, "tasks": array(ref("SceneTask")), "created_at": UTC_Z, "updated_at": UTC_Z,
        "scene_name": STRING, "id": STRING,
    }, ("remark", "tasks", "created_at", "updated_at", "scene_name", "id")),
}

SPEC: dict[str, dict[str, Any]] = {
    "/app/scene": {
        "get": operation("list_scenes", "The user's scenes", tags=_TAGS,
                         responses={200: json_response(array(ref("Scene")))}),
        "post": operation(
            "create_scene", "Create a scene", tags=_TAGS, errors=_FORM_ERRORS, body=json_body(ref("SceneForm")),
            responses={201: json_response(obj({"id": STRING}, ("id",)), "the new scene's id")},
        ),
    },
    "/app/scene/{id}": {
        "put": operation("update_scene", "Change a scene's name, remark or tasks", tags=_TAGS, parameters=[_ID],
                         errors=(*_SCENE_ERRORS, *_FORM_ERRORS), body=json_body(ref("SceneUpdate")),
                         responses={200: _DONE}),
        "delete": operation("delete_scene", "Delete a scene", tags=_TAGS, parameters=[_ID], errors=_SCENE_ERRORS,
                            responses={200: _DONE}),
    },
    "/app/scene/{id}/task": {
        "get": operation(
            "scene_run_status", "Status of the scene's run", tags=_TAGS, parameters=[_ID], errors=_SCENE_ERRORS,
            description="0 running, 1 done, 2 failed (a task could not be delivered), 3 never run.",
            responses={200: json_response(obj({"status": {"type": "integer", "enum": [0, 1, 2, 3]}}, ("status",)))},
        ),
        "post": operation("run_scene", "Run the scene", tags=_TAGS, parameters=[_ID], errors=_SCENE_ERRORS,
                          description="Tasks run in order on the emulator clock; delays wait in the event queue.",
                          responses={200: _DONE}),
    },
}
