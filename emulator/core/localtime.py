"""A device's local calendar: its time zone, local weeks, half-hour slots and midnights.

Devices keep local time in their own zone (Europe/Paris by default). Everything here
maps between emulator time (Unix seconds, UTC) and the device's wall clock, DST
included:

- a local *week* starts on Monday 00:00 wall time; :func:`week_of` gives its UTC start
  and its Monday (as a proleptic ordinal) for any instant, memoised per zone;
- :func:`wall_instants` gives every UTC instant at which the wall clock shows a given
  naive local time: none in a spring-forward gap, two in an autumn fold;
- :func:`next_midnight` is the first local midnight strictly after an instant.

Results are cached: many devices share one zone, and simulation asks the same questions
again and again.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

DAY = 86400
WEEK = 7 * DAY


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=4096)
def wall(t: float, tz: str) -> datetime:
    """The device's wall clock at ``t`` (aware datetime). Memoised: reads of many devices at one
    instant ask the same question."""
    return datetime.fromtimestamp(t, zone(tz))


@lru_cache(maxsize=65536)
def wall_instants(tz: str, naive: datetime) -> tuple[float, ...]:
    """UTC instants whose local wall time in ``tz`` is ``naive``, in order (0, 1 or 2 of them)."""
    info = zone(tz)
    found: list[float] = []
    for fold in (0, 1):
        moment = naive.replace(tzinfo=info, fold=fold).timestamp()
        if datetime.fromtimestamp(moment, info).replace(tzinfo=None) == naive and moment not in found:
            found.append(moment)
    return tuple(sorted(found))


def first_instant_at_or_after(tz: str, naive: datetime) -> float:
    """The first UTC instant whose wall time is ``naive``, or the end of the gap that skips it."""
    instants = wall_instants(tz, naive)
    if instants:
        return instants[0]
    # In a spring-forward gap: the wall clock jumps over ``naive``; the jump happens at the
    # instant the pre-gap offset maps it to minus the gap, which is where fold=1 lands.
    info = zone(tz)
    before = naive.replace(tzinfo=info, fold=0).timestamp()
    after = naive.replace(tzinfo=info, fold=1).timestamp()
    low, high = min(before, after), max(before, after)
    # The transition lies in [low, high]; find it to the second.
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, info).replace(tzinfo=None) >= naive:
            high = middle
        else:
            low = middle
    return float(high)


@lru_cache(maxsize=65536)
def week_start(tz: str, monday: int) -> float:
    """UTC start of the local week whose Monday has proleptic ordinal ``monday``."""
    return first_instant_at_or_after(tz, datetime.combine(date.fromordinal(monday), datetime.min.time()))


#: Per zone, the last local week looked up ``(start, end, monday)``: most lookups hit it.
#: One tuple, replaced whole, so concurrent readers never see a torn entry.
_last_week: dict[str, tuple[float, float, int]] = {}


def week_of(t: float, tz: str) -> tuple[float, float, int]:
    """``(start, end, monday)``: the UTC bounds of the local week containing ``t`` and its Monday ordinal."""
    last = _last_week.get(tz)
    if last is not None and last[0] <= t < last[1]:
        return last
    local = wall(t, tz)
    monday = local.date().toordinal() - local.weekday()
    if week_start(tz, monday) > t:  # only possible if the week starts in a DST gap
        monday -= 7
    found = (week_start(tz, monday), week_start(tz, monday + 7), monday)
    _last_week[tz] = found
    return found


def next_midnight(t: float, tz: str) -> float:
    """The first local midnight strictly after ``t``."""
    local = wall(t, tz)
    day = local.date() + timedelta(days=1)
    return first_instant_at_or_after(tz, datetime.combine(day, datetime.min.time()))


def midnights_between(start: float, t: float, tz: str) -> int:
    """How many local midnights fall in ``(start, t]``: the number of local dates crossed."""
    if t <= start:
        return 0
    return (wall(t, tz).date() - wall(start, tz).date()).days
