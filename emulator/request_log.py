"""The dev server's log of what it is doing: one line per request, and per WebSocket session event.

Request lines are built from the request journal's entries (what the control-plane middleware
records for every request anyway), so nothing is measured twice; while the logger is off (in
tests and in-process, unless the application configures logging) a request costs one
``isEnabledFor`` check. Lines go to the ``emulator.requests`` logger at INFO::

    2026-11-23T06:00:00Z POST /app/login 200 - 1.3 ms
    2026-11-23T06:00:01Z GET /app/bindings?limit=20 200 demo@heatzy.test 0.9 ms
    2026-11-23T06:00:02Z POST /app/control/AKcJ... 400 9025 demo@heatzy.test 0.6 ms
    2026-11-23T06:00:03Z WEBSOCKET /ws/app/v1 session opened demo@heatzy.test 127.0.0.1

The time is the emulator's clock (frozen, shifted or sped up as the tests set it), in UTC.
Admin requests (``/_emulator``) that change something are logged too; admin reads are not
(a dashboard or ``journal --follow`` polling would drown the rest).

``gizwits-emulator serve`` calls :func:`configure` (colour when the stream is a terminal and
``NO_COLOR`` is unset; ``--quiet`` turns request lines off). WebSocket code calls
:func:`log_session` when a session opens, logs in, or closes.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import UTC, datetime
from typing import IO, Any

from .core.journal import Entry

LOGGER = logging.getLogger("emulator.requests")
#: The package's logger: the request log and the app's own messages (unexpected errors).
PACKAGE_LOGGER = logging.getLogger("emulator")

_RESET = "\033[0m"
_DIM = "\033[2m"
_BOLD = "\033[1m"
_GREEN, _YELLOW, _RED, _CYAN = "\033[32m", "\033[33m", "\033[31m", "\033[36m"


def enabled() -> bool:
    return LOGGER.isEnabledFor(logging.INFO)


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def request_line(entry: Entry, *, colour: bool = False) -> str:
    """The log line of one journal entry (also what ``gizwits-emulator journal`` prints)."""
    return _emit_parts(_request_parts(entry), colour=colour)


def _request_parts(entry: Entry, user: str | None = None) -> list[tuple[str, str]]:
    """``(text, colour)`` pieces of a request line."""
    user = user or entry.user or "-"
    target = entry.path + (f"?{entry.query}" if entry.query else "")
    status = "dropped" if entry.status is None else str(entry.status)
    parts = [(_when(entry.at), _DIM), (entry.method, _BOLD), (target, ""), (status, _status_colour(entry.status))]
    if entry.error_code is not None:
        parts.append((str(entry.error_code), _status_colour(entry.status)))
    parts += [(user, _CYAN if user != "-" else _DIM), (f"{entry.duration_ms:.1f} ms", _DIM)]
    if entry.faults:
        parts.append((f"faults {','.join(entry.faults)}", _YELLOW))
    return parts


def _status_colour(status: int | None) -> str:
    if status is None or status >= 500:
        return _RED
    if status >= 400:
        return _YELLOW
    return _GREEN


def _emit_parts(parts: list[tuple[str, str]], *, colour: bool) -> str:
    if not colour:
        return " ".join(text for text, _ in parts)
    return " ".join(f"{code}{text}{_RESET}" if code else text for text, code in parts)


def _log(parts: list[tuple[str, str]]) -> None:
    LOGGER.info("%s", _emit_parts(parts, colour=False), extra={"gizwits_parts": parts})


def log_request(entry: Entry) -> None:
    """Log one answered request of the emulated API (called with its journal entry)."""
    if enabled():
        _log(_request_parts(entry))


def log_admin(method: str, path: str, query: str, status: int | None, duration_ms: float, at: float) -> None:
    """Log one admin request that changes something (admin requests are not in the journal)."""
    if enabled():
        entry = Entry(id=0, at=at, method=method, path=path, query=query, status=status, duration_ms=duration_ms)
        _log(_request_parts(entry, "admin"))


def log_session(event: str, *, path: str, at: float, client: str = "", user: str | None = None,
                detail: str = "") -> None:
    """Log a WebSocket session event: ``event`` is ``"opened"``, ``"logged in"``, ``"closed"`` ...

    ``at`` is the emulator's time (``cloud.now()``); ``user`` the session's user once known
    (e-mail or username); ``detail`` anything worth a glance (``"code 1000, 12 messages"``).
    """
    if enabled():
        parts = [(_when(at), _DIM), ("WEBSOCKET", _BOLD), (path, ""),
                 (f"session {event}", _DIM if event == "closed" else _GREEN), (user or "-", _CYAN if user else _DIM)]
        _log(parts + [(text, _DIM) for text in (client, detail) if text])


class LineFormatter(logging.Formatter):
    """Request lines as they are, coloured when asked; other records as ``LEVEL name: message``."""

    def __init__(self, colour: bool) -> None:
        super().__init__()
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        parts: Any = getattr(record, "gizwits_parts", None)
        if parts is not None:
            return _emit_parts(parts, colour=self.colour)
        text = f"{record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        if self.colour and record.levelno >= logging.WARNING:
            return f"{_RED if record.levelno >= logging.ERROR else _YELLOW}{text}{_RESET}"
        return text


def wants_colour(stream: IO[str]) -> bool:
    """Colour on a terminal only, and never when ``NO_COLOR`` is set (https://no-color.org)."""
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def configure(level: str = "info", *, quiet: bool = False, stream: IO[str] | None = None) -> logging.Handler:
    """Print the package's log (request lines included unless ``quiet``) on ``stream`` (stdout).

    ``level`` is the least severe message shown: ``warning`` and above hide the request
    lines as well. Returns the handler installed.
    """
    stream = stream or sys.stdout
    handler = logging.StreamHandler(stream)
    handler.setFormatter(LineFormatter(wants_colour(stream)))
    for old in list(PACKAGE_LOGGER.handlers):
        PACKAGE_LOGGER.removeHandler(old)
    PACKAGE_LOGGER.addHandler(handler)
    PACKAGE_LOGGER.setLevel(level.upper())
    PACKAGE_LOGGER.propagate = False
    LOGGER.setLevel(logging.WARNING if quiet else logging.NOTSET)
    return handler
