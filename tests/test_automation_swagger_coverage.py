"""Every operation of the official swagger's automation sections is routed by the emulator.

Sections: device groups (设备分组), linkage (设备联动), scenes (用户场景), the common
scheduler (通用定时任务) and advanced data (高级数据接口). Reads the swagger from ../shared
and skips, saying so, when it is absent.
"""

from __future__ import annotations

import re

import yaml
from conftest import requires_shared
from starlette.routing import Route

from emulator.api import routes

TAGS = {"设备分组", "设备联动", "用户场景", "通用定时任务", "高级数据接口"}


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_the_swagger_automation_operations_are_all_routed() -> None:
    swagger = yaml.safe_load(requires_shared("reference", "gizwits-swagger", "openapi_apps.en.yml").read_text())
    wanted = {(_shape(path), method.upper()) for path, operations in swagger["paths"].items()
              for method, operation in operations.items() if TAGS & set(operation.get("tags", ()))}
    assert len(wanted) == 24
    routed = {(_shape(route.path), method) for route in routes() if isinstance(route, Route)
              for method in route.methods or ()}
    assert sorted(wanted - routed) == []
