"""The emulator fuzzed with the official Gizwits swagger (Swagger 2.0, from ../shared).

Bounded (2 examples per operation and phase). Must hold: no 5xx, every error answer is the
9xxx body, and every official operation the emulator documents is answered (not 9999).
The numbers (how many success answers match the official schemas) are printed, not
enforced: the official document disagrees with the real cloud's captures in places
(``updated_at`` and ``error_code`` types, nullable fields), and the captures win.
"""

from __future__ import annotations

import pytest
from conftest import requires_shared

from emulator.gizwits.api.openapi import document
from emulator.testing.conformance import run, table


def test_the_official_swagger_finds_no_server_error_and_only_9xxx_errors(request: pytest.FixtureRequest) -> None:
    swagger = requires_shared("reference", "gizwits-swagger", "openapi_apps.en.yml")
    results = run(swagger, examples=2)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("\nofficial swagger conformance (2 examples per operation and phase):\n" + table(results))
    assert sum(r.server_errors for r in results) == 0
    assert all(r.errors_9xxx == r.errors for r in results), [r.label for r in results if r.errors_9xxx != r.errors]
    ours = {f"{method.upper()} {path}" for path, item in document()["paths"].items() for method in item}
    unanswered = sorted(r.label for r in results if r.label in ours and not r.emulated)
    assert not unanswered, f"documented by the emulator but answered 9999: {unanswered}"
