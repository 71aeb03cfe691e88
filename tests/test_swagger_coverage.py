"""Every operation of the official Gizwits app swagger, and the legacy ones, is routed.

The swagger (v2.36.0, 63 operations) is read from ../shared; the test skips, saying so,
when it is absent. Legacy operations come from the older docs (seeds 002 and 003).
"""

from __future__ import annotations

import re

import yaml
from conftest import requires_shared
from starlette.routing import Route

from emulator.gizwits.api import routes

#: Operations of the older docs that the swagger no longer lists.
LEGACY = {
    ("POST", "/app/bindings"),  # bind by did + passcode (seed 003)
    ("GET", "/app/scheduler"), ("POST", "/app/scheduler"), ("DELETE", "/app/scheduler/{}"),
    ("GET", "/app/scheduler/{}/logs"),  # the general scheduler with task lists (seed 002)
    ("POST", "/dev/devices"), ("GET", "/dev/devices/{}"), ("DELETE", "/dev/devices"),
    ("POST", "/dev/{}/device"),  # device side: registration, provisioning, encrypted registration (seed 002)
}


def shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def routed() -> set[tuple[str, str]]:
    return {(method, shape(route.path)) for route in routes() if isinstance(route, Route)
            for method in route.methods or () if method != "HEAD"}


def test_every_operation_of_the_official_swagger_is_routed() -> None:
    for language in ("en", "zh"):
        document = requires_shared("reference", "gizwits-swagger", f"openapi_apps.{language}.yml")
        swagger = yaml.safe_load(document.read_text(encoding="utf-8"))
        wanted = {(method.upper(), shape(path)) for path, operations in swagger["paths"].items()
                  for method in operations if method in ("get", "post", "put", "delete", "patch")}
        assert len(wanted) == 63, language
        assert sorted(wanted - routed()) == [], language


def test_the_legacy_operations_are_routed() -> None:
    assert sorted(LEGACY - routed()) == []
