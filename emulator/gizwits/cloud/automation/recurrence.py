"""When a scheduler task fires: ``time`` + ``repeat`` + ``date``/``days`` + ``start_date``/``end_date``.

Task times are UTC, as both Gizwits docs say in bold ("该时间为 UTC 时间"): a client in
Paris that wants 06:30 local time in winter sends "05:30". ``repeat`` is ``"none"`` (once,
on ``date``), a comma list of weekdays (``"mon,tue"``), or ``"day"`` (on the ``days`` of
each month). A repeating task runs from ``start_date`` 00:00 to ``end_date`` 24:00 (UTC).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from msgspec import Struct, field

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: How far ahead to look for the next occurrence (covers every month having a 31st).
_HORIZON_DAYS = 400


class Recurrence(Struct, frozen=True):
    time: str
    repeat: str = "none"
    date: str = ""
    days: tuple[int, ...] = field(default_factory=tuple)
    start_date: str | None = None
    end_date: str | None = None

    def _fires_on(self, day: date) -> bool:
        if self.start_date and day < date.fromisoformat(self.start_date):
            return False
        if self.end_date and day > date.fromisoformat(self.end_date):
            return False
        if self.repeat == "none":
            return bool(self.date) and day == date.fromisoformat(self.date)
        if self.repeat == "day":
            return day.day in self.days
        return WEEKDAYS[day.weekday()] in self.repeat.split(",")

    def next_after(self, after: float) -> float | None:
        """The first firing time strictly after ``after`` (a Unix time), or None if there is none."""
        hours, minutes = (int(part) for part in self.time.split(":"))
        at = time(hours, minutes, tzinfo=UTC)
        start = datetime.fromtimestamp(after, UTC).date()
        candidates: Iterable[date]
        if self.repeat == "none":
            candidates = [date.fromisoformat(self.date)] if self.date else []
        else:  # lazily: a daily or weekly task is found within the first days
            candidates = (start + timedelta(days=offset) for offset in range(_HORIZON_DAYS))
        for day in candidates:
            moment = datetime.combine(day, at).timestamp()
            if moment > after and self._fires_on(day):
                return moment
        return None
