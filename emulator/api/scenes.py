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
import binascii
import html
from typing import Any

from starlette.routing import Route

from ..cloud.automation import delete_scene
from ..cloud.scenes import Scene, start_run
from ..devices.catalog import Product
from ..devices.datapoints import InvalidValue
from ..errors import ApiError, form_invalid
from ..timefmt import utc_iso
from .http import Call, Reply, endpoint, field, text
from .spec import DATE_TIME, INTEGER, STRING, array, obj, operation, path_param, ref

TAG = "Scenes"
MAX_DELAY = 3600
TASK_TYPES = ("delay", "device", "group")


def _command(task: dict[str, Any], where: str, product: Product | None) -> dict[str, Any]:
    attrs = field(task, "attrs", dict)
    raw = field(task, "raw", str)
    if (not attrs) == (not raw):
        raise form_invalid(f"{where} needs attrs or raw (base64), one of them")
    if raw:
        try:
            base64.b64decode(raw, validate=True)
        except binascii.Error:
            raise form_invalid(f"{where}.raw must be base64") from None
    if attrs and product is not None:
        try:
            product.datapoints.validate_write(attrs)
        except InvalidValue as error:
            raise ApiError(9025, f"{where}: {error}") from None
    return {"attrs": dict(attrs or {}), "raw": raw or ""}


def _task(call: Call, task: Any, where: str) -> dict[str, Any]:
    if not isinstance(task, dict) or task.get("task_type") not in TASK_TYPES:
        raise form_invalid(f"{where}.task_type must be one of {list(TASK_TYPES)}")
    stored: dict[str, Any] = {"task_type": task["task_type"], "did": "", "group_id": "", "attrs": {}, "raw": "",
                              "time": 0, "remark": html.escape(text(task, "remark", max_length=1024) or "")}
    if task["task_type"] == "delay":
        seconds = field(task, "time", int, required=True)
        if not 0 <= seconds <= MAX_DELAY:
            raise form_invalid(f"{where}.time must be 0..{MAX_DELAY} seconds")
        stored["time"] = seconds
    elif task["task_type"] == "device":
        device, _ = call.cloud.bound_device(call.me, text(task, "did", required=True, max_length=64) or "")
        stored.update(did=device.did, **_command(task, where, device.product))
    else:
        group = call.cloud.groups.require(call.me.uid, text(task, "group_id", required=True, max_length=64) or "")
        product = call.cloud.product(group.product_key) if group.product_key else None
        stored.update(group_id=group.id, **_command(task, where, product))
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
    tasks = _tasks(call) if "tasks" in call.body else None
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
_ID = path_param("id", "scene id")
_EMPTY = obj({})
_SCENE_ERRORS = (9220, 9221)
_FORM_ERRORS = (9014, 9017, 9025)

SCHEMAS: dict[str, Any] = {
    "SceneTaskForm": obj({
        "task_type": {"enum": list(TASK_TYPES)}, "time": {"type": "integer", "minimum": 0, "maximum": MAX_DELAY},
        "did": STRING, "group_id": STRING, "attrs": {"type": "object"},
        "raw": {"type": "string", "contentEncoding": "base64"}, "remark": STRING,
    }, ["task_type"]),
    "SceneTask": obj({
        "task_type": {"enum": list(TASK_TYPES)}, "did": STRING, "product_key": STRING,
        "group_name": STRING, "raw": STRING, "attrs": {"type": "object"},
        "dev_remark": STRING, "time": INTEGER, "group_id": STRING,
        "verbose_name": STRING, "dev_alias": STRING, "remark": STRING,
    }, ["task_type", "did", "product_key", "group_name", "raw", "attrs", "dev_remark", "time", "group_id",
        "verbose_name", "dev_alias"]),
    "Scene": obj({
        "remark": STRING, "tasks": array(ref("SceneTask")),
        "created_at": DATE_TIME, "updated_at": DATE_TIME,
        "scene_name": STRING, "id": STRING,
    }, ["remark", "tasks", "created_at", "updated_at", "scene_name", "id"]),
}

SPEC: dict[str, dict[str, Any]] = {
    "/app/scene": {
        "get": operation("List the user's scenes", tag=TAG, ok=array(ref("Scene"))),
        "post": operation(
            "Create a scene", tag=TAG, status=201, ok=obj({"id": STRING}, ["id"]), errors=_FORM_ERRORS,
            body=obj({"scene_name": STRING, "remark": STRING,
                      "tasks": array(ref("SceneTaskForm"))}, ["scene_name", "tasks"]),
        ),
    },
    "/app/scene/{id}": {
        "put": operation(
            "Update a scene", tag=TAG, ok=_EMPTY, parameters=[_ID], errors=(*_SCENE_ERRORS, *_FORM_ERRORS),
            body=obj({"scene_name": STRING, "remark": STRING,
                      "tasks": array(ref("SceneTaskForm"))}),
        ),
        "delete": operation("Delete a scene", tag=TAG, ok=_EMPTY, parameters=[_ID], errors=_SCENE_ERRORS),
    },
    "/app/scene/{id}/task": {
        "get": operation(
            "Status of the scene's run", tag=TAG, parameters=[_ID], errors=_SCENE_ERRORS,
            ok=obj({"status": {"type": "integer", "enum": [0, 1, 2, 3]}}, ["status"]),
            description="0 running, 1 done, 2 failed (a task could not be delivered), 3 never run.",
        ),
        "post": operation("Run the scene", tag=TAG, ok=_EMPTY, parameters=[_ID], errors=_SCENE_ERRORS,
                          description="Tasks run in order on the emulator clock; delays wait in the event queue."),
    },
}
