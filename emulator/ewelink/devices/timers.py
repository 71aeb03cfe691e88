"""Device timers (seed 004, L2131-2231): the ``timers`` param, checked, and when each fires.

The whole array is replaced on each change. Four kinds (``coolkit_timer_type``):

- ``once``: ``at`` is a UTC ISO instant (``2017-07-24T08:28:00.000Z``); ``do`` runs then;
- ``delay`` (a countdown the app sets): as ``once``, ``at`` being when it ends (``period``,
  the minutes counted down, is kept but not used to find the instant);
- ``repeat``: ``at`` is a five-field cron expression in UTC, ``minute hour day-of-month month
  day-of-week`` (``"36 8 * * 1,3"``; lists, ranges, steps and ``*``; day of week 0-7, 0 and 7
  being Sunday); ``do`` runs at each match;
- ``duration``: ``at`` is ``"<iso> X Y"``: from the instant, ``startDo`` after X minutes, then
  ``endDo`` Y minutes later, and again every X+Y minutes.

A disabled timer (``enabled`` 0) never fires. The device runs them itself (the cloud does
not), so they fire while it is offline too; what they change is reported when it is back.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

KINDS = ("once", "repeat", "duration", "delay")
MAX_TIMERS = 64
_SEARCH_DAYS = 366 * 5


class TimerError(ValueError):
    pass


def parse_instant(text: Any) -> float:
    if not isinstance(text, str) or "T" not in text:
        raise TimerError(f"a timer's at must be an ISO 8601 UTC instant, got {text!r}")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TimerError(f"a timer's at must be an ISO 8601 UTC instant, got {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _field(text: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(part)
        if base == "*":
            start, end = low, high
        elif "-" in base:
            start_text, end_text = base.split("-", 1)
            start, end = int(start_text), int(end_text)
        else:
            start = end = int(base)
        if not low <= start <= end <= high:
            raise ValueError(part)
        values.update(range(start, end + 1, step))
    return frozenset(values)


@lru_cache(maxsize=1024)
def parse_cron(text: str) -> tuple[frozenset[int], ...]:
    """``(minutes, hours, days, months, weekdays)`` of a cron expression (weekday 0 = Sunday)."""
    parts = text.split() if isinstance(text, str) else []
    if len(parts) != 5 or not all(p.replace(",", "").replace("-", "").replace("/", "").replace("*", "").isdigit()
                                  or p == "*" for p in parts):
        raise TimerError(f"a repeat timer's at is a cron expression 'm h dom mon dow', got {text!r}")
    try:
        minutes, hours, days, months, weekdays = (_field(p, lo, hi) for p, (lo, hi) in
                                                  zip(parts, ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7)), strict=True))
    except ValueError:
        raise TimerError(f"a repeat timer's at is a cron expression 'm h dom mon dow', got {text!r}") from None
    weekdays = frozenset(0 if d == 7 else d for d in weekdays)
    return minutes, hours, days, months, weekdays


def next_cron(text: str, after: float) -> float | None:
    """The first minute strictly after ``after`` that ``text`` matches (UTC)."""
    minutes, hours, days, months, weekdays = parse_cron(text)
    start = datetime.fromtimestamp(after, UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    day = start.replace(hour=0, minute=0)
    # Cron's rule: with both day fields restricted, either matches.
    restricted_days, restricted_weekdays = len(days) < 31, len(weekdays) < 7
    for _ in range(_SEARCH_DAYS):
        weekday = (day.weekday() + 1) % 7
        if restricted_days and restricted_weekdays:
            day_ok = day.day in days or weekday in weekdays
        else:
            day_ok = day.day in days and weekday in weekdays
        if day.month in months and day_ok:
            for hour in sorted(hours):
                for minute in sorted(minutes):
                    moment = day.replace(hour=hour, minute=minute)
                    if moment >= start:
                        return moment.timestamp()
        day += timedelta(days=1)
    return None


def _duration(text: str) -> tuple[float, float, float]:
    parts = text.split() if isinstance(text, str) else []
    if len(parts) != 3:
        raise TimerError(f"a duration timer's at is '<iso> X Y' (minutes), got {text!r}")
    try:
        first, second = int(parts[1]), int(parts[2])
    except ValueError:
        raise TimerError(f"a duration timer's at is '<iso> X Y' (minutes), got {text!r}") from None
    if first < 1 or second < 1:
        raise TimerError("a duration timer waits at least a minute before each action")
    return parse_instant(parts[0]), first * 60.0, second * 60.0


def parse_timers(value: Any) -> list[dict[str, Any]]:
    """The ``timers`` array, checked (each timer kept as sent, as the device keeps it)."""
    if not isinstance(value, list) or len(value) > MAX_TIMERS:
        raise TimerError(f"timers must be a list of at most {MAX_TIMERS} timers")
    for timer in value:
        if not isinstance(timer, dict):
            raise TimerError("each timer is an object")
        kind = timer.get("coolkit_timer_type", timer.get("type"))
        if kind not in KINDS:
            raise TimerError(f"a timer's coolkit_timer_type is one of {', '.join(KINDS)}, got {kind!r}")
        if timer.get("enabled") not in (0, 1) or isinstance(timer.get("enabled"), bool):
            raise TimerError("a timer's enabled is 0 or 1")
        if not isinstance(timer.get("mId", ""), str):
            raise TimerError("a timer's mId is a string")
        actions = ("startDo", "endDo") if kind == "duration" else ("do",)
        for name in actions:
            if not isinstance(timer.get(name), dict) or not timer[name]:
                raise TimerError(f"a {kind} timer needs {name}: the params it sets")
        if kind == "repeat":
            parse_cron(timer.get("at"))  # type: ignore[arg-type]
        elif kind == "duration":
            _duration(timer.get("at"))  # type: ignore[arg-type]
        else:
            parse_instant(timer.get("at"))
    return [dict(timer) for timer in value]


def _firing(timer: dict[str, Any], after: float) -> tuple[float, dict[str, Any]] | None:
    kind = timer.get("coolkit_timer_type", timer.get("type"))
    if kind == "repeat":
        due = next_cron(timer["at"], after)
        return None if due is None else (due, timer["do"])
    if kind == "duration":
        start, first, second = _duration(timer["at"])
        period = first + second
        loops = max(0, int((after - start - first) // period))
        for k in range(loops, loops + 3):
            for offset, name in ((first, "startDo"), (first + second, "endDo")):
                due = start + offset + k * period
                if due > after:
                    return due, timer[name]
        return None
    due = parse_instant(timer["at"])
    return (due, timer["do"]) if due > after else None


def next_firing(timers: list[dict[str, Any]], after: float) -> tuple[float, dict[str, Any]] | None:
    """The first firing of an enabled timer strictly after ``after``: ``(instant, params)``; the
    timers due at that same instant all fire, in array order (a later one's params win)."""
    best: tuple[float, dict[str, Any]] | None = None
    for timer in timers:
        if timer.get("enabled") != 1:
            continue
        found = _firing(timer, after)
        if found is None:
            continue
        if best is None or found[0] < best[0]:
            best = (found[0], dict(found[1]))
        elif found[0] == best[0]:
            best[1].update(found[1])
    return best
