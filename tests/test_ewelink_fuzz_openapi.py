"""Fuzzing the eWeLink API with schemathesis against the served ``/v2/openapi.json``: no input
breaks it. Every documented operation is fuzzed with valid and invalid requests, as the
logged-in demo account (Sign operations through the demo's lenient app, whose signatures are
not checked, since schemathesis cannot sign the bodies it makes up). Every answer must be HTTP
200 with the envelope, its ``error`` one of the operation's documented codes (or 0 with the
documented ``data``). Each case starts from the same state (a snapshot on a frozen clock).

Bounded: ``GIZWITS_FUZZ_EXAMPLES`` examples per operation and phase (default 10). Checks left
out: ``missing_required_header`` (a request without its credentials is refused with ``error``
401 or 407 in the envelope; the custom check holds every answer to its documented codes),
``unsupported_method`` (a method no route has is, like any unknown interface, the seed's
error 403 "api not found" in an HTTP 200 envelope, not HTTP 405; the custom check holds it to
that), ``ignored_auth`` (the eWeLink cloud refuses with ``error`` 401 in an HTTP 200 envelope,
which the schema check holds it to) and ``positive_data_acceptance`` (semantic refusals, a wrong
password or an unknown device, are envelopes too) and ``negative_data_rejection`` (it wants an
HTTP 4xx for a schema-violating request; eWeLink refuses in the envelope: ``tests/
test_ewelink_hostile_input.py`` sends every wrong type of every body field and checks the
refusal and that nothing changed).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
import schemathesis
from ewelink_support import LENIENT_APPID, Ewe, frozen_cloud
from schemathesis.config import SchemathesisConfig
from starlette.testclient import TestClient

from emulator.app import create_app

MAX_EXAMPLES = int(os.environ.get("GIZWITS_FUZZ_EXAMPLES", "10"))
CLOUD = frozen_cloud()
APP = create_app(cloud=CLOUD)
with TestClient(APP) as _client:
    AT = Ewe(_client).login()["at"]
STATE = CLOUD.snapshot()

CONFIG = SchemathesisConfig.from_dict({
    "seed": 1,
    "generation": {"max-examples": MAX_EXAMPLES, "mode": "all", "database": "none", "deterministic": True},
    "phases": {"stateful": {"enabled": False}},
    "checks": {"ignored_auth": {"enabled": False}, "positive_data_acceptance": {"enabled": False},
               "unsupported_method": {"enabled": False}, "negative_data_rejection": {"enabled": False},
               "missing_required_header": {"enabled": False}},
})
schema = schemathesis.openapi.from_asgi("/v2/openapi.json", APP, config=CONFIG)
DOCUMENT: dict[str, Any] = schema.raw_schema
CASES: Counter[str] = Counter()


@schema.hook
def filter_query(context: Any, query: dict[str, Any] | None) -> bool:
    """Undocumented query parameters are ignored: don't count them as accepted bad input."""
    documented = {p["name"] for p in context.operation.definition.raw.get("parameters", ()) if p.get("in") == "query"}
    return not query or set(query) <= documented


@schemathesis.check
def always_the_envelope(ctx: Any, response: Any, case: Any) -> bool | None:
    """Checks are global in schemathesis: this one only judges the eWeLink document's cases."""
    if case.operation.schema is not schema:
        return None
    assert response.status_code == 200, f"HTTP {response.status_code}"
    body = response.json()
    if case.operation.path == "/dispatch/app" and body.get("error") == 0:
        return True
    if case.operation.path == "/v2/openapi.json":
        return True
    assert set(body) == {"error", "msg", "data"}, body
    op = DOCUMENT["paths"][case.operation.path].get(case.method.lower())
    if op is None:  # a method the path has no route for
        assert body["error"] == 403, body
        return True
    assert body["error"] == 0 or body["error"] in op["x-error-codes"], f"{body} not in {op['x-error-codes']}"
    return True


def headers_for(case: Any) -> dict[str, str]:
    security = DOCUMENT["paths"][case.operation.path].get(case.method.lower(), {}).get("security", [])
    if any("bearer" in item for item in security):
        return {"Authorization": f"Bearer {AT}", "Host": "eu-apia.coolkit.cc"}
    return {"X-CK-Appid": LENIENT_APPID, "Authorization": "Sign not-checked", "Host": "eu-apia.coolkit.cc"}


def report_cases(config: pytest.Config) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"schemathesis (eWeLink): {sum(CASES.values())} cases over {len(CASES)} operations "
                            f"({MAX_EXAMPLES} examples per operation and phase)")


@schema.parametrize()
def test_no_input_breaks_the_ewelink_api(case: Any, request: pytest.FixtureRequest) -> None:
    if not CASES:
        request.config.add_cleanup(lambda: report_cases(request.config))
    CLOUD.restore(STATE)
    CASES[case.operation.label] += 1
    case.call_and_validate(headers=headers_for(case))
