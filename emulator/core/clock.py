"""The one source of "now" for the whole emulator.

A clock runs in one of four modes:

- ``real``: the host's wall clock;
- ``frozen``: a fixed instant that moves only when told to (``advance``);
- ``offset``: the wall clock plus a fixed number of seconds;
- ``speed``: time that runs ``factor`` times faster than the wall clock from an anchor.

The wall clock is read through ``time.time`` looked up at every call, so freezegun and
time-machine, which patch that function, drive the emulator when it runs in-process.
Nothing else in the package may read the time: everything asks its clock.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any, Literal

from msgspec import Struct

ClockMode = Literal["real", "frozen", "offset", "speed"]


def _wall() -> float:
    return time.time()


class _Anchor(Struct):
    """Virtual time ``virtual`` was reached at wall time ``wall``."""

    wall: float
    virtual: float


class Clock:
    """Virtual time for the emulator. All methods are cheap and side-effect free but for mode changes."""

    def __init__(self) -> None:
        self.mode: ClockMode = "real"
        self._frozen_at = 0.0
        self._offset = 0.0
        self._factor = 1.0
        self._anchor = _Anchor(0.0, 0.0)
        #: How many times the clock was set (frozen, offset, sped up, advanced, put back to real
        #: time): watchers compare it to notice a change they were not told about.
        self.changes = 0

    # -- reading -------------------------------------------------------------------------
    def now(self) -> float:
        """Seconds since the epoch, as a float, in the emulator's time."""
        if self.mode == "frozen":
            return self._frozen_at
        wall = _wall()
        if self.mode == "offset":
            return wall + self._offset
        if self.mode == "speed":
            return self._anchor.virtual + (wall - self._anchor.wall) * self._factor
        return wall

    def now_int(self) -> int:
        return int(self.now())

    def utcnow(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    # -- changing ------------------------------------------------------------------------
    def freeze(self, at: float | None = None) -> None:
        """Stop time at ``at`` (default: the current emulator time)."""
        self._frozen_at = self.now() if at is None else float(at)
        self.mode = "frozen"
        self.changes += 1

    def set_offset(self, seconds: float) -> None:
        """Run at wall speed, ``seconds`` ahead of (or behind, if negative) the wall clock."""
        self._offset = float(seconds)
        self.mode = "offset"
        self.changes += 1

    def set_speed(self, factor: float, start: float | None = None) -> None:
        """Run ``factor`` times faster than the wall clock, from ``start`` (default: now)."""
        if factor <= 0:
            raise ValueError("speed factor must be positive")
        virtual = self.now() if start is None else float(start)
        self._anchor = _Anchor(_wall(), virtual)
        self._factor = float(factor)
        self.mode = "speed"
        self.changes += 1

    def real(self) -> None:
        self.mode = "real"
        self.changes += 1

    def advance(self, seconds: float) -> float:
        """Move emulator time forward by ``seconds`` whatever the mode; return the new now."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        if self.mode == "frozen":
            self._frozen_at += seconds
        elif self.mode == "speed":
            self._anchor.virtual += seconds
        elif self.mode == "offset":
            self._offset += seconds
        else:
            self._offset = float(seconds)
            self.mode = "offset"
        self.changes += 1
        return self.now()

    # -- saving (the durable state keeps the clock's mode; snapshots leave the clock alone) ----
    def dump(self) -> dict[str, Any]:
        return {"mode": self.mode, "frozen_at": self._frozen_at, "offset": self._offset, "factor": self._factor,
                "anchor": [self._anchor.wall, self._anchor.virtual]}

    def load(self, data: dict[str, Any]) -> None:
        """Back to a :meth:`dump`: a frozen clock stays at its instant, an offset or sped-up one
        goes on from where it was, as if it had run meanwhile."""
        mode = data["mode"]
        if mode not in ("real", "frozen", "offset", "speed"):
            raise ValueError(f"unknown clock mode {mode!r}")
        wall, virtual = data["anchor"]
        self._frozen_at = float(data["frozen_at"])
        self._offset = float(data["offset"])
        self._factor = float(data["factor"])
        self._anchor = _Anchor(float(wall), float(virtual))
        self.mode = mode

    def describe(self) -> dict[str, Any]:
        now = self.now()
        return {
            "mode": self.mode,
            "now": now,
            "iso": datetime.fromtimestamp(now, UTC).isoformat(),
            "offset": self._offset if self.mode == "offset" else 0.0,
            "speed": self._factor if self.mode == "speed" else 1.0,
        }
