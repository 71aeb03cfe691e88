"""The emulator's configuration: one frozen object, built by the CLI, the test handle or by hand."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

#: The Heatzy application id, known to every emulator.
HEATZY_APP_ID = "c70a66ff039d41b4a220e198b0fcc8b3"

#: Token lifetime of the real cloud: 7 days.
DEFAULT_TOKEN_TTL = 7 * 24 * 3600

#: Version reported by ``GET /status`` (the version of the Open API swagger we follow).
API_VERSION = "2.36.0"


@dataclass(frozen=True)
class EmulatorConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    server: str = "uvicorn"
    #: ``"demo"``, ``"empty"``, another fixture name under ``fixtures/``, or a path to a JSON file.
    fixture: str | Path = "demo"
    seed: int = 1
    token_ttl: int = DEFAULT_TOKEN_TTL
    #: Largest request body accepted, in bytes; larger bodies get 9015.
    max_body_bytes: int = 1024 * 1024
    #: Extra applications, ``{appid: appsecret}``, on top of those the fixture declares.
    apps: dict[str, str] = field(default_factory=dict)
    #: The test control plane under ``/_emulator``: on, and open without a token unless one is set.
    admin: bool = True
    #: When set, admin requests need ``X-Emulator-Admin-Token: <token>`` (or ``Authorization: Bearer``).
    admin_token: str | None = None
    #: Entries the request journal keeps (oldest fall out first); the WebSocket frame journal keeps as many.
    journal_size: int = 10_000
    #: Seconds (real time) a WebSocket session may go without a ``ping`` before 1011 "No heartbeat!".
    ws_heartbeat_timeout: float = 180.0

    def with_changes(self, **changes: object) -> EmulatorConfig:
        return replace(self, **changes)  # type: ignore[arg-type]
