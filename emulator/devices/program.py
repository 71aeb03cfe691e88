"""The Heatzy week program: ``pX_dataY`` bytes <-> modes per 30-minute slot.

Day X is 1 (Monday) .. 7, block Y is 1..12 (two hours each); a block byte holds four
2-bit slots, the earliest in the least significant bits; 00 comfort, 01 eco, 10 frost
(11 is not a programmable mode and reads as comfort, as on the device).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
    weekday = day_from_ranges(1, [("06:00", "08:00", 0), ("17:00", "22:00", 0)])
    weekend = day_from_ranges(1, [("08:00", "22:00", 0)])
    return encode_week([weekday] * 5 + [weekend] * 2)
