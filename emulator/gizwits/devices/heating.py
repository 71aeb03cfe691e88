"""Which heating mode a Heatzy device is in at any time: derogation > program > manual.

Shared by every family with a week program (Pilote 2-4, Pilote Pro, Glow/Onyx/INEA,
Bloom). The stored state is:

- ``attrs["mode"]``: the manual mode (the last mode written or pressed);
- ``attrs["timer_switch"]``: 1 when the week program (``pX_dataY``) runs;
- ``attrs["derog_mode"]``/``attrs["derog_time"]``: the derogation as written, and
  ``sim["derog_at"]`` when its countdown started;
- ``sim["override"]``: while the program runs, a written mode holds until this instant,
  the program's next change after the write.

At any instant the mode in effect is, by priority: the derogation's (vacation forces
``fro``, boost forces ``cft``, presence detection is the Pilote Pro's), then the program's
(or the override's), then the manual mode. When a derogation ends the device goes back
to the program or to the manual mode.

Countdowns (see docs/simulation.md): a boost's ``derog_time`` is minutes, counted from
the write, one tick per minute, ending after ``derog_time`` minutes; a vacation's is days,
one tick at each local midnight, ending at the ``derog_time``-th midnight. A derogation
written with ``derog_time`` 0 (or none stored) gets a default length.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from ...core.localtime import midnights_between, next_midnight
from .device import DEVICE, PROGRAM, Device, Family
from .program import PROGRAM_POINTS, WeekProgram, compile_program, mode_at, next_change, program_values

NONE, VACATION, BOOST, PRESENCE = 0, 1, 2, 3
#: Length of a boost written without a duration, in minutes, and of a vacation, in days.
DEFAULT_BOOST_MINUTES = 60
DEFAULT_VACATION_DAYS = 1
#: An override made while the program never changes holds until the program is switched off.
FOREVER = 1e300
_PROGRAM_NAMES = frozenset(PROGRAM_POINTS)
#: The regime each derogation code puts a device in, and the mode forced by those that force one.
_DEROGATIONS = {VACATION: "vacation", BOOST: "boost", PRESENCE: "presence"}
_FORCED = {"off": "stop", "vacation": "fro", "boost": "cft"}


class Scheduled(Family):
    """A family whose mode follows derogations, a week program and manual changes."""

    #: Data point holding the on/off switch (Glow family) or None.
    power_point: ClassVar[str | None] = None

    def setup(self, device: Device, now: float, rng: random.Random) -> None:
        """A device created in a derogation (a scenario may say so) starts its countdown now."""
        super().setup(device, now, rng)
        if device.attrs.get("derog_mode") in (VACATION, BOOST):
            if not device.attrs.get("derog_time"):
                device.attrs["derog_time"] = self._default_duration(device.attrs["derog_mode"])
            self._start_countdown(device, now)

    # -- the program -----------------------------------------------------------------------
    @staticmethod
    def program(device: Device) -> WeekProgram:
        program = device.cache.get("program")
        if program is None:
            program = device.cache["program"] = compile_program(program_values(device.attrs))
        return program

    @staticmethod
    def program_on(device: Device) -> bool:
        return bool(device.attrs.get("timer_switch", 0))

    # -- derogations -----------------------------------------------------------------------
    def derogation(self, device: Device, t: float) -> tuple[int, int]:
        """``(derog_mode, derog_time)`` as reported at ``t``: a finished countdown reads ``(0, 0)``."""
        attrs = device.attrs
        code = attrs.get("derog_mode", NONE)
        count = attrs.get("derog_time", 0)
        if code == BOOST:
            remaining = count - int((t - device.sim["derog_at"]) // 60)
        elif code == VACATION:
            remaining = count - midnights_between(device.sim["derog_at"], t, device.timezone)
        else:
            return code, count
        return (code, remaining) if remaining > 0 else (NONE, 0)

    def _derog_tick(self, device: Device, t: float) -> float | None:
        """The next instant after ``t`` at which a running countdown ticks (or ends)."""
        code, _ = self.derogation(device, t)
        start = device.sim.get("derog_at", t)
        if code == BOOST:
            return start + 60 * (int((t - start) // 60) + 1)
        if code == VACATION:
            return next_midnight(t, device.timezone)
        return None

    def derogation_end(self, device: Device, t: float) -> float | None:
        """When the vacation or boost running at ``t`` ends (None if none runs)."""
        end = device.sim.get("derog_end")
        return end if end is not None and end > t else None

    @staticmethod
    def _default_duration(code: int) -> int:
        return DEFAULT_BOOST_MINUTES if code == BOOST else DEFAULT_VACATION_DAYS

    def _start_countdown(self, device: Device, now: float) -> None:
        code, count = device.attrs["derog_mode"], device.attrs["derog_time"]
        device.sim["derog_at"] = now
        if code == BOOST:
            end = now + 60 * count
        else:
            end = now
            for _ in range(count):
                end = next_midnight(end, device.timezone)
        device.sim["derog_end"] = end

    # -- the mode in effect ----------------------------------------------------------------------
    def scheduled_mode(self, device: Device, t: float) -> str:
        """The mode the program (with its override) or the manual setting asks for at ``t``."""
        if self.program_on(device):
            override = device.sim.get("override")
            if override is not None and t < override:
                return device.attrs["mode"]
            return mode_at(self.program(device), device.timezone, t)
        return device.attrs["mode"]

    def presence_mode(self, device: Device, t: float) -> str:
        """The mode a presence-detection derogation asks for (Pilote Pro only)."""
        return self.scheduled_mode(device, t)

    @staticmethod
    def override_until(device: Device, t: float) -> float | None:
        """While the program runs: when a mode written at ``t`` stops holding (the program's next
        change; :data:`FOREVER` for a program that never changes); None when no override holds."""
        override = device.sim.get("override")
        return override if override is not None and t < override else None

    def regime(self, device: Device, t: float, derog: int) -> str:
        """What decides the mode at ``t``, by priority: ``"off"`` (switched off), a derogation
        (``"vacation"``, ``"boost"``, ``"presence"``), else ``"scheduled"`` (program or manual)."""
        if self.power_point is not None and not device.attrs.get(self.power_point, 1):
            return "off"
        return _DEROGATIONS.get(derog, "scheduled")

    def effective_mode(self, device: Device, t: float, derog: int) -> str:
        """The mode in effect at ``t``, given the derogation reported at ``t``."""
        regime = self.regime(device, t, derog)
        if regime == "scheduled":
            return self.scheduled_mode(device, t)
        if regime == "presence":
            return self.presence_mode(device, t)
        return _FORCED[regime]

    def _program_point(self, device: Device, t: float) -> float | None:
        """The next change of the program (or the end of the override holding it) after ``t``."""
        if not self.program_on(device):
            return None
        override = device.sim.get("override")
        if override is not None and override > t:
            return override if override < FOREVER else None
        return next_change(self.program(device), device.timezone, t)

    def schedule_point(self, device: Device, t: float) -> tuple[float, str] | None:
        """The next instant after ``t`` at which the mode or the countdown may change, with its cause."""
        best: tuple[float, str] | None = None
        if device.attrs.get("derog_mode", NONE) in (VACATION, BOOST):
            tick = self._derog_tick(device, t)
            if tick is not None:
                best = (tick, DEVICE)
        change = self._program_point(device, t)
        if change is not None and (best is None or change < best[0]):
            best = (change, PROGRAM)
        return best

    def mode_point(self, device: Device, t: float) -> float | None:
        """The next instant after ``t`` at which the mode in effect may change (countdown ticks aside)."""
        points = [p for p in (self.derogation_end(device, t), self._program_point(device, t)) if p is not None]
        return min(points) if points else None

    def wake_point(self, device: Device, t: float) -> float | None:
        return self.derogation_end(device, t)

    # -- state changes ----------------------------------------------------------------------------
    def shift(self, device: Device, seconds: float) -> None:
        super().shift(device, seconds)
        sim = device.sim
        for key in ("derog_at", "derog_end", "override"):
            if key in sim and sim[key] != FOREVER:
                sim[key] += seconds

    def settle(self, device: Device, now: float) -> None:
        sim = device.sim
        code = device.attrs.get("derog_mode", NONE)
        if code in (VACATION, BOOST) and self.derogation(device, now)[0] == NONE:
            device.attrs["derog_mode"] = NONE
            device.attrs["derog_time"] = 0
            sim.pop("derog_at", None)
            sim.pop("derog_end", None)
        override = sim.get("override")
        if override is not None and now >= override:
            del sim["override"]

    def store(self, device: Device, changes: dict[str, Any], now: float) -> None:
        attrs, sim = device.attrs, device.sim
        scheduled = self.scheduled_mode(device, now)
        previous_derogation = attrs.get("derog_mode", NONE)
        if not _PROGRAM_NAMES.isdisjoint(changes):
            device.cache.pop("program", None)
        super().store(device, {k: v for k, v in changes.items() if k not in ("mode", "timer_switch")}, now)
        if "timer_switch" in changes and changes["timer_switch"] != attrs.get("timer_switch"):
            attrs["timer_switch"] = changes["timer_switch"]
            sim.pop("override", None)
            if not changes["timer_switch"]:
                # The program stops: the device keeps the mode it was in.
                attrs["mode"] = scheduled
        if "mode" in changes:
            attrs["mode"] = changes["mode"]
            if self.program_on(device):
                change = next_change(self.program(device), device.timezone, now)
                sim["override"] = change if change is not None else FOREVER
        if "derog_mode" in changes:
            code = changes["derog_mode"]
            if code == NONE:
                attrs["derog_time"] = changes.get("derog_time", 0)
                sim.pop("derog_at", None)
                sim.pop("derog_end", None)
            elif code in (VACATION, BOOST):
                # Without a duration in the same write, a duration written beforehand (while no
                # derogation ran) is used; otherwise the default one.
                if "derog_time" not in changes and previous_derogation != NONE:
                    attrs["derog_time"] = 0
                if not attrs.get("derog_time"):
                    attrs["derog_time"] = self._default_duration(code)
                self._start_countdown(device, now)
            else:
                sim.pop("derog_at", None)
                sim.pop("derog_end", None)
        elif "derog_time" in changes and attrs.get("derog_mode") in (VACATION, BOOST):
            self._start_countdown(device, now)  # a new duration restarts the countdown
