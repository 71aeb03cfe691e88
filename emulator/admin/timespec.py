"""Instants and durations as people write them, for the clock controls.

An instant is Unix seconds (a number), an ISO 8601 string (``2025-01-06T07:00:00Z``;
without a zone it is UTC), or a :class:`datetime` (naive means UTC). A duration is
seconds (a number), a string of amounts and units (``"2h"``, ``"1d2h30m"``, ``"90s"``,
``"1w"``) or keyword amounts (``hours=2, minutes=30``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

_UNITS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+(?:\.\d+)?)([wdhms])")


class TimeSpecError(ValueError):
    pass


def parse_instant(value: Any) -> float:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.timestamp()
    if isinstance(value, bool):
        raise TimeSpecError("an instant is Unix seconds or an ISO 8601 date-time, not a boolean")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return parse_instant(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            pass
    raise TimeSpecError(f"an instant is Unix seconds or an ISO 8601 date-time, got {value!r}")


def parse_duration(value: Any = None, **amounts: float) -> float:
    """Seconds from a number, a string like ``"1d2h"``, a :class:`timedelta` or keyword amounts."""
    if amounts:
        if value is not None:
            raise TimeSpecError("give a duration or keyword amounts, not both")
        try:
            return timedelta(**amounts).total_seconds()
        except TypeError as error:
            raise TimeSpecError(str(error)) from None
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bool):
        raise TimeSpecError("a duration is seconds or a string like '2h', not a boolean")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.replace(" ", "").lower()
        parts = _PART.findall(text)
        if parts and "".join(n + u for n, u in parts) == text:
            return sum(float(n) * _UNITS[u] for n, u in parts)
    raise TimeSpecError(f"a duration is seconds or a string like '2h', '1d12h', '90s'; got {value!r}")
