"""Aggregated device data (``GET /app/devdata/{did}/agg_data``) over the change history.

What counts as data: every report of the device is one sample of every data point, at
the report's time, holding the value the point had then. A real device reports its whole
status each time; the history keeps only what changed, so the value of a point that did
not change is carried forward from the reports before (the first report of a device holds
every point). Between two reports nothing is sampled: the time a value lasted does not
weigh (an average is over reports, not over time), which is what a store of reported
samples gives.

Samples are grouped by calendar period in UTC: hours (HH:00), days (00:00), weeks (Monday
00:00) and months (the 1st, 00:00); a period with no report inside the queried range has
no entry. ``sum``/``avg``/``max``/``min`` apply per period and data point; booleans count
as 0/1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from msgspec import Struct

from ....core.history import Record

UNITS = ("HOURS", "DAYS", "WEEKS", "MONTHS")
def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


AGGREGATORS = {"sum": sum, "avg": _mean, "max": max, "min": min}


class Bucket(Struct, frozen=True):
    start: datetime
    values: dict[str, int | float]


def period_start(moment: float, unit: str) -> datetime:
    at = datetime.fromtimestamp(moment, UTC)
    if unit == "HOURS":
        return at.replace(minute=0, second=0, microsecond=0)
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "DAYS":
        return day
    if unit == "WEEKS":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def samples(records: Iterable[Record], names: Sequence[str]) -> list[tuple[float, dict[str, Any]]]:
    """One ``(time, {name: value})`` per report, values carried forward from earlier reports."""
    state: dict[str, Any] = {}
    out: list[tuple[float, dict[str, Any]]] = []
    for record in records:
        if record.kind != "attrs":
            continue
        state.update(record.attrs)
        out.append((record.at, {name: state[name] for name in names if name in state}))
    return out


def aggregate(records: Iterable[Record], names: Sequence[str], aggregator: str, unit: str, start: float,
              end: float) -> list[Bucket]:
    """``aggregator`` of each of ``names`` per ``unit`` over the reports with ``start <= time <= end``.

    ``records`` must start early enough to know the values at ``start`` (pass the whole history).
    """
    grouped: dict[datetime, dict[str, list[int | float]]] = {}
    for at, values in samples(records, names):
        if not start <= at <= end:
            continue
        period = grouped.setdefault(period_start(at, unit), {})
        for name, value in values.items():
            period.setdefault(name, []).append(int(value) if isinstance(value, bool) else value)
    combine = AGGREGATORS[aggregator]
    return [Bucket(period, {name: combine(series) for name, series in values.items()})
            for period, values in sorted(grouped.items())]
