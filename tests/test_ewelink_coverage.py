"""Every operation of the eWeLink reference table (48) is routed and documented, and nothing else.

The table's operations are listed here; when ``../shared`` is there, the list is also checked
against ``reference/ewelink-v2.md`` itself."""

from __future__ import annotations

import re

from conftest import requires_shared
from starlette.routing import Route

from emulator.ewelink.api import routes
from emulator.ewelink.api.openapi import document

#: The reference table, in its order (method, path).
OPERATIONS = [
    ("GET", "/v2/utils/get-region"), ("POST", "/v2/user/register"), ("POST", "/v2/user/login"),
    ("POST", "/v2/user/sms-login"), ("POST", "/v2/user/verification-code"), ("POST", "/v2/user/reset-pwd"),
    ("POST", "/v2/user/change-pwd"), ("GET", "/v2/user/profile"), ("POST", "/v2/user/profile"),
    ("POST", "/v2/user/refresh"), ("DELETE", "/v2/user/logout"), ("POST", "/v2/user/close-account"),
    ("POST", "/v2/homepage"), ("GET", "/v2/device/thing"), ("POST", "/v2/device/thing"),
    ("GET", "/v2/device/thing/status"), ("POST", "/v2/device/thing/status"), ("POST", "/v2/device/thing/batch-status"),
    ("POST", "/v2/device/add"), ("POST", "/v2/device/add-gsm"), ("POST", "/v2/device/update-info"),
    ("DELETE", "/v2/device"), ("POST", "/v2/device/tags"), ("GET", "/v2/device/group"), ("POST", "/v2/device/group"),
    ("PUT", "/v2/device/group"), ("DELETE", "/v2/device/group"), ("POST", "/v2/device/group/status"),
    ("POST", "/v2/device/group/update"), ("POST", "/v2/device/share"), ("POST", "/v2/device/share/permit"),
    ("DELETE", "/v2/device/share"), ("GET", "/v2/device/history"), ("DELETE", "/v2/device/history"),
    ("POST", "/v2/device/ota/query"), ("GET", "/v2/family"), ("POST", "/v2/family"), ("POST", "/v2/family/room"),
    ("PUT", "/v2/family"), ("PUT", "/v2/family/room"), ("POST", "/v2/family/room/index"), ("DELETE", "/v2/family"),
    ("DELETE", "/v2/family/room"), ("POST", "/v2/family/thing/sort"), ("POST", "/v2/family/room/thing"),
    ("POST", "/v2/family/current"), ("GET", "/v2/message/read"), ("GET", "/dispatch/app"),
]
#: Routed beside the table: the API's own document.
EXTRA = {("GET", "/v2/openapi.json")}


def routed() -> set[tuple[str, str]]:
    return {(method, route.path) for route in routes() if isinstance(route, Route)
            for method in route.methods or () if method != "HEAD"}


def test_the_table_has_48_distinct_operations() -> None:
    assert len(OPERATIONS) == len(set(OPERATIONS)) == 48


def test_every_operation_of_the_table_is_routed_and_nothing_else() -> None:
    assert routed() - EXTRA == set(OPERATIONS)


def test_every_routed_operation_is_documented() -> None:
    paths = document()["paths"]
    documented = {(method.upper(), path) for path, item in paths.items() for method in item}
    assert documented == routed()


def test_the_list_is_the_reference_table() -> None:
    table = requires_shared("reference", "ewelink-v2.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| (GET|POST|PUT|DELETE) \| (.+?) \| ", table, flags=re.MULTILINE)
    found = []
    for _, method, where in sorted(rows, key=lambda row: int(row[0])):
        path = re.search(r"(/v2/[\w\-/]+|/dispatch/app)", where)
        assert path is not None, where
        found.append((method, path.group(1)))
    assert found == OPERATIONS
