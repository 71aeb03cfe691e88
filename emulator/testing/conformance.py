"""Conformance against the official Gizwits swagger: fuzz the emulator with the cloud's own document.

``python -m emulator.testing.conformance PATH/openapi_apps.en.yml [--examples N]`` starts an
emulator (demo scenario) on a free port, logs the demo user in, lets schemathesis send
requests generated from the official Swagger 2.0 document, and prints per operation:
whether the emulator answers it at all, how many requests were sent, how many success
answers match the official response schema, and how many error answers are the 9xxx
body. The official document lists success statuses only and says little about bodies,
so its verdicts are reported, not enforced; what must hold is no 5xx and the 9xxx
body on every error.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx
from msgspec import Struct, field

from ..config import HEATZY_APP_ID, EmulatorConfig
from ..gizwits.cloud.cloud import Cloud
from .live import LiveServer

ERROR_KEYS = {"error_message", "error_code", "detail_message"}
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance")


class OperationResult(Struct):
    label: str
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    success: int = 0
    success_conforming: int = 0
    errors: int = 0
    errors_9xxx: int = 0
    not_emulated: int = 0
    server_errors: int = 0

    @property
    def emulated(self) -> bool:
        return self.requests > self.not_emulated


def _is_error_body(payload: bytes | None) -> tuple[bool, int | None]:
    try:
        body = json.loads(payload or b"")
    except ValueError:
        return False, None
    if isinstance(body, dict) and set(body) == ERROR_KEYS and isinstance(body["error_code"], int):
        return True, body["error_code"]
    return False, None


def run(swagger: Path, *, examples: int = 10, seed: int = 1) -> list[OperationResult]:
    import schemathesis
    from schemathesis import engine
    from schemathesis.config import SchemathesisConfig

    with LiveServer(Cloud(EmulatorConfig(seed=seed))) as server:
        token = httpx.post(f"{server.url}/app/login", headers={"X-Gizwits-Application-Id": HEATZY_APP_ID},
                           json={"username": "demo@heatzy.test", "password": "heatzy-demo"}).json()["token"]
        config = SchemathesisConfig.from_dict({
            "seed": seed,
            "base-url": server.url,
            "headers": {"X-Gizwits-Application-Id": HEATZY_APP_ID, "X-Gizwits-User-token": token},
            "continue-on-failure": True,
            "request-timeout": 2.0,
            "generation": {"max-examples": examples, "mode": "positive", "database": "none", "deterministic": True},
            "phases": {"stateful": {"enabled": False}},
            "checks": {name: {"enabled": name in CHECKS} for name in (
                *CHECKS, "negative_data_rejection", "positive_data_acceptance", "missing_required_header",
                "unsupported_method", "use_after_free", "ensure_resource_availability", "ignored_auth",
                "response_headers_conformance", "allow_header_conformance")},
        })
        schema = schemathesis.openapi.from_path(str(swagger), config=config)
        results: dict[str, OperationResult] = {}
        for event in engine.from_schema(schema).execute():
            recorder = getattr(event, "recorder", None)
            label = getattr(event, "label", None)
            if type(event).__name__ != "ScenarioFinished" or recorder is None or not label:
                continue
            result = results.setdefault(label, OperationResult(label))
            _account(result, recorder)
    return sorted(results.values(), key=lambda r: r.label)


def _account(result: OperationResult, recorder: Any) -> None:
    schema_ok: dict[str, bool] = {}
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.name == "response_schema_conformance":
                schema_ok[case_id] = str(check.status).lower().endswith("success")
    for case_id, interaction in recorder.interactions.items():
        response = interaction.response
        if response is None:
            continue
        status = response.status_code
        result.requests += 1
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if status >= 500:
            result.server_errors += 1
        if status < 400:
            result.success += 1
            result.success_conforming += schema_ok.get(case_id, True)
            continue
        result.errors += 1
        shaped, code = _is_error_body(response.content)
        result.errors_9xxx += shaped
        if code == 9999 and status in (404, 405):
            result.not_emulated += 1


def table(results: Iterable[OperationResult]) -> str:
    results = list(results)
    lines = [f"{'operation':<42} {'sent':>5} {'2xx':>5} {'2xx ok':>7} {'errors':>7} {'9xxx':>5}  answered"]
    for r in results:
        lines.append(f"{r.label:<42} {r.requests:>5} {r.success:>5} {r.success_conforming:>7} {r.errors:>7} "
                     f"{r.errors_9xxx:>5}  {'yes' if r.emulated else 'no (9999)'}")
    emulated = [r for r in results if r.emulated]
    success = sum(r.success for r in emulated)
    lines.append("")
    lines.append(f"official operations: {len(results)}; answered by the emulator: {len(emulated)}; "
                 f"requests: {sum(r.requests for r in results)}; 5xx: {sum(r.server_errors for r in results)}")
    lines.append(f"success answers matching the official schema: {sum(r.success_conforming for r in emulated)}"
                 f"/{success}; error answers with the 9xxx body: {sum(r.errors_9xxx for r in results)}"
                 f"/{sum(r.errors for r in results)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("swagger", type=Path, help="the official openapi_apps.en.yml")
    parser.add_argument("--examples", type=int, default=10, help="examples per operation and phase (default 10)")
    args = parser.parse_args(argv)
    results = run(args.swagger, examples=args.examples)
    print(table(results))
    return 1 if any(r.server_errors for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
