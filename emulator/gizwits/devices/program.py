"""The Heatzy week program: ``pX_dataY`` bytes <-> modes per 30-minute slot.

Day X is 1 (Monday) .. 7, block Y is 1..12 (two hours each); a block byte holds four
2-bit slots, the earliest in the least significant bits; 00 comfort, 01 eco, 10 frost
(11 is not a programmable mode and reads as comfort, as on the device).
"""

from __future__ import annotations

import operator
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache

from msgspec import Struct

from ...core.localtime import wall_instants, week_of, week_start

PROGRAM_MODES = ("cft", "eco", "fro")
SLOTS_PER_DAY = 48


def point_name(day: int, block: int) -> str:
    return f"p{day}_data{block}"


def encode_day(slots: Sequence[int]) -> list[int]:
    """48 slot modes (0/1/2) -> 12 block bytes."""
    if len(slots) != SLOTS_PER_DAY:
        raise ValueError("a day has 48 half-hour slots")
    return [sum((slots[4 * b + i] & 0b11) << (2 * i) for i in range(4)) for b in range(12)]


def decode_block(value: int) -> list[int]:
    return [(value >> (2 * i)) & 0b11 for i in range(4)]


def encode_week(days: Sequence[Sequence[int]]) -> dict[str, int]:
    """Seven days of 48 slots -> the 84 ``pX_dataY`` values."""
    if len(days) != 7:
        raise ValueError("a week has seven days")
    points: dict[str, int] = {}
    for day, slots in enumerate(days, start=1):
        for block, value in enumerate(encode_day(slots), start=1):
            points[point_name(day, block)] = value
    return points


def slot_mode(points: Mapping[str, int], day: int, slot: int) -> str:
    """Mode the program asks for on ``day`` (1..7) at half-hour ``slot`` (0..47)."""
    value = points.get(point_name(day, slot // 4 + 1), 0)
    code = (value >> (2 * (slot % 4))) & 0b11
    return PROGRAM_MODES[code] if code < 3 else "cft"


def day_from_ranges(default: int, ranges: Sequence[tuple[str, str, int]]) -> list[int]:
    """Build a day from ``default`` and ``(start "HH:MM", end "HH:MM", mode)`` ranges."""
    slots = [default] * SLOTS_PER_DAY

    def index(hhmm: str) -> int:
        hours, minutes = hhmm.split(":")
        return int(hours) * 2 + int(minutes) // 30

    for start, end, mode in ranges:
        for slot in range(index(start), index(end) if end != "24:00" else SLOTS_PER_DAY):
            slots[slot] = mode
    return slots


def standard_week() -> dict[str, int]:
    """A usual heating program: comfort mornings and evenings on weekdays, days at weekends, eco otherwise."""
    return dict(_standard_week())


@lru_cache(maxsize=1)
def _standard_week() -> dict[str, int]:
    weekday = day_from_ranges(1, [("06:00", "08:00", 0), ("17:00", "22:00", 0)])
    weekend = day_from_ranges(1, [("08:00", "22:00", 0)])
    return encode_week([weekday] * 5 + [weekend] * 2)


# -- compiled programs ------------------------------------------------------------------------
#: Names of the 84 week-program points, in the order the cloud lists them (Monday block 1 first).
PROGRAM_POINTS = tuple(point_name(day, block) for day in range(1, 8) for block in range(1, 13))
_program_points = operator.itemgetter(*PROGRAM_POINTS)
SLOT_SECONDS = 1800
DAY_SECONDS = 86400


class WeekProgram(Struct, frozen=True, eq=False, dict=True):  # dict: room for the cached tables
    """A week program decoded once: the mode code (0 cft, 1 eco, 2 fro) of each of the 336 slots.

    Programs are interned (:func:`compile_program`), so the many devices that share a
    program share one object and its per-week tables; identity is equality.
    """

    codes: bytes

    def mode(self, slot: int) -> str:
        """Mode of week slot ``slot`` (0 = Monday 00:00, 335 = Sunday 23:30)."""
        code = self.codes[slot]
        return PROGRAM_MODES[code] if code < 3 else "cft"

    @cached_property
    def changes(self) -> tuple[tuple[int, ...], tuple[str, ...]]:
        """``(offsets, modes)``: seconds after Monday 00:00 (wall time) at which the mode changes, and
        the mode from each; the first entry is offset 0."""
        offsets, modes = [0], [self.mode(0)]
        for slot in range(1, 7 * SLOTS_PER_DAY):
            mode = self.mode(slot)
            if mode != modes[-1]:
                offsets.append(slot * SLOT_SECONDS)
                modes.append(mode)
        return tuple(offsets), tuple(modes)


def program_values(attrs: Mapping[str, int]) -> bytes:
    """The 84 ``pX_dataY`` values of ``attrs`` as bytes (the program's identity)."""
    try:
        # One C-level lookup of the 84 points, then bytes(): a tenth of the generator below, which is
        # most of filing a fleet's wake-ups again (a restart with 100,000 devices spent ~3 s in it).
        return bytes(_program_points(attrs))
    except (KeyError, ValueError, TypeError):  # a point missing, or a value outside a byte
        return bytes(attrs.get(name, 0) & 0xFF for name in PROGRAM_POINTS)


@lru_cache(maxsize=4096)
def compile_program(values: bytes) -> WeekProgram:
    codes = bytearray()
    for value in values:
        codes.extend(decode_block(value))
    return WeekProgram(bytes(codes))


@lru_cache(maxsize=8192)
def week_table(program: WeekProgram, tz: str, monday: int) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """When the program's mode changes during one local week, in UTC, DST included.

    Returns ``(times, modes)``: ``modes[i]`` holds from ``times[i]``; ``times[0]`` is the
    week's start. Slots skipped by a spring-forward gap never apply; slots repeated by an
    autumn fold apply twice.
    """
    start = week_start(tz, monday)
    if week_start(tz, monday + 7) - start == 7 * DAY_SECONDS:
        # No DST change this week: wall time is UTC plus a constant offset.
        offsets, modes = program.changes
        return tuple(start + offset for offset in offsets), modes
    return wall_clock_table(program, tz, monday)


def wall_clock_table(program: WeekProgram, tz: str, monday: int) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """:func:`week_table` computed slot by slot from the wall clock (any week, DST or not)."""
    start = week_start(tz, monday)
    first = datetime.combine(date.fromordinal(monday), datetime.min.time())
    instants: list[tuple[float, int]] = []
    for slot in range(7 * SLOTS_PER_DAY):
        naive = first + timedelta(seconds=slot * SLOT_SECONDS)
        instants.extend((moment, slot) for moment in wall_instants(tz, naive))
    instants.sort()
    times: list[float] = [start]
    modes: list[str] = [program.mode(instants[0][1])]
    for moment, slot in instants[1:]:
        mode = program.mode(slot)
        if mode != modes[-1]:
            times.append(moment)
            modes.append(mode)
    return tuple(times), tuple(modes)


def mode_and_change(program: WeekProgram, tz: str, t: float) -> tuple[str, float | None]:
    """The mode at ``t`` and the next change after it, in one lookup (the simulation's hot path)."""
    _, _, monday = week_of(t, tz)
    times, modes = week_table(program, tz, monday)
    index = bisect_right(times, t)
    if index < len(times):
        return modes[index - 1], times[index]
    return modes[index - 1], next_change(program, tz, t)


def mode_at(program: WeekProgram, tz: str, t: float) -> str:
    """The mode the program asks for at ``t``."""
    _, _, monday = week_of(t, tz)
    times, modes = week_table(program, tz, monday)
    return modes[bisect_right(times, t) - 1]


def next_change(program: WeekProgram, tz: str, t: float) -> float | None:
    """The first instant after ``t`` at which the program's mode changes (None for a constant program)."""
    _, _, monday = week_of(t, tz)
    times, modes = week_table(program, tz, monday)
    index = bisect_right(times, t)
    if index < len(times):
        return times[index]
    current = modes[-1]
    following, following_modes = week_table(program, tz, monday + 7)
    for moment, mode in zip(following, following_modes, strict=True):
        if mode != current:
            return moment
    return None
