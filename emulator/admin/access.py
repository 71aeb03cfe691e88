"""Who may use the admin API: on or off, open on loopback, behind a token otherwise.

The admin API is never opened by a user token: only the admin token (header
``X-Emulator-Admin-Token`` or ``Authorization: Bearer <token>``) counts, and only when
one is configured; without one the admin API is open to whoever reaches the server,
which is why the CLI refuses to serve it on a non-loopback address without a token.
"""

from __future__ import annotations

import hmac
import ipaddress

from ..config import EmulatorConfig

ADMIN_PREFIX = "/_emulator"
TOKEN_HEADER = "X-Emulator-Admin-Token"
#: The dashboard page and its static files: no data in them, so no token is needed to load
#: them (a browser cannot send a header when it navigates); everything the page then reads
#: goes through the admin API with the token (docs/dashboard.md).
DASHBOARD_PATH = ADMIN_PREFIX + "/dashboard"


def needs_token(method: str, path: str) -> bool:
    """False for the pages a browser opens without a way to send the header (the dashboard's page and
    assets, which hold no data, and the admin API's docs page and document); True for the rest."""
    if path == DASHBOARD_PATH or path.startswith(DASHBOARD_PATH + "/"):
        return False
    return not (method == "GET" and path in DESCRIPTIONS)


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_problem(config: EmulatorConfig) -> str | None:
    """Why this configuration must not start, or None."""
    if config.admin and not config.admin_token and not is_loopback(config.host):
        return (f"the admin API ({ADMIN_PREFIX}) would be open to the network on {config.host}: "
                "give --admin-token TOKEN, or --admin off")
    return None


#: Admin pages that only describe the admin API: they open without the token (a browser cannot send
#: a header to load them), and Swagger UI's Authorize button adds the token to the requests tried there.
DESCRIPTIONS = frozenset({f"{ADMIN_PREFIX}/docs", f"{ADMIN_PREFIX}/openapi.json"})


def token_accepted(config: EmulatorConfig, headers: dict[str, str]) -> bool:
    """True when no admin token is configured, or the request carries it."""
    if not config.admin_token:
        return True
    given = headers.get(TOKEN_HEADER.lower(), "")
    bearer = headers.get("authorization", "")
    if not given and bearer.lower().startswith("bearer "):
        given = bearer[7:].strip()
    return hmac.compare_digest(given.encode(), config.admin_token.encode())
