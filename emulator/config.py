"""The emulator's configuration: one frozen object, built by the CLI, the test handle or by hand."""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct, field, structs

#: The Heatzy application id, known to every emulator.
HEATZY_APP_ID = "c70a66ff039d41b4a220e198b0fcc8b3"

#: Token lifetime of the real cloud: 7 days.
DEFAULT_TOKEN_TTL = 7 * 24 * 3600

#: Version reported by ``GET /status`` (the version of the Open API swagger we follow).
API_VERSION = "2.36.0"


class EmulatorConfig(Struct, frozen=True):
    host: str = "127.0.0.1"
    port: int = 8000
    server: str = "uvicorn"
    #: ``"demo"``, ``"empty"``, another fixture name under ``fixtures/``, or a path to a JSON file.
    fixture: str | Path = "demo"
    seed: int = 1
    token_ttl: int = DEFAULT_TOKEN_TTL
    #: Largest request body accepted, in bytes; larger bodies get 9015.
    max_body_bytes: int = 1024 * 1024
    #: Largest document the admin API takes (a snapshot to restore, a fixture to load), in bytes.
    admin_max_body_bytes: int = 256 * 1024 * 1024
    #: Extra applications, ``{appid: appsecret}``, on top of those the fixture declares.
    apps: dict[str, str] = field(default_factory=dict)
    #: The test control plane under ``/_emulator``: on, and open without a token unless one is set.
    admin: bool = True
    #: When set, admin requests need ``X-Emulator-Admin-Token: <token>`` (or ``Authorization: Bearer``).
    admin_token: str | None = None
    #: Entries the request journal keeps (oldest fall out first); the WebSocket frame journal keeps as many.
    journal_size: int = 10_000
    #: Bytes the request journal's entries may hold in all (oldest fall out first; see core/journal.py).
    journal_bytes: int = 64 * 1024 * 1024
    #: Transport limits of a live server (see connections.py), in seconds of real time: a request head
    #: must arrive within ``header_timeout``; idle keep-alive connections close after ``keep_alive_timeout``;
    #: at most ``max_connections`` are open (None: the file descriptor limit less 64); SIGTERM gives
    #: requests in flight ``shutdown_timeout`` to finish.
    header_timeout: float = 10.0
    keep_alive_timeout: float = 5.0
    max_connections: int | None = None
    shutdown_timeout: float = 3.0
    #: Seconds (real time) a WebSocket session may go without a ``ping`` before 1011 "No heartbeat!".
    ws_heartbeat_timeout: float = 180.0

    def with_changes(self, **changes: object) -> EmulatorConfig:
        return structs.replace(self, **changes)  # type: ignore[arg-type]
