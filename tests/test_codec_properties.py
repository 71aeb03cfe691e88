"""Property tests: week program encoding, compiled week tables, P0 frames and data point payloads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.core.localtime import wall
from emulator.gizwits.devices import p0
from emulator.gizwits.devices.catalog import load_catalog
from emulator.gizwits.devices.datapoints import Datapoint, DatapointSet
from emulator.gizwits.devices.program import (
    PROGRAM_MODES,
    compile_program,
    decode_block,
    encode_day,
    encode_week,
    mode_at,
    next_change,
    program_values,
    slot_mode,
    wall_clock_table,
    week_table,
)

days = st.lists(st.integers(0, 2), min_size=48, max_size=48)
weeks = st.lists(days, min_size=7, max_size=7)
zones = st.sampled_from(["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"])
instants = st.floats(min_value=1.5e9, max_value=2.0e9, allow_nan=False)


@given(days)
def test_a_day_round_trips_through_its_twelve_bytes(slots: list[int]) -> None:
    blocks = encode_day(slots)
    assert all(0 <= b <= 255 for b in blocks)
    assert [mode for block in blocks for mode in decode_block(block)] == slots


@given(weeks, st.integers(1, 7), st.integers(0, 47))
def test_the_mode_of_a_slot_is_what_was_encoded(week: list[list[int]], day: int, slot: int) -> None:
    points = encode_week(week)
    assert slot_mode(points, day, slot) == PROGRAM_MODES[week[day - 1][slot]]
    assert compile_program(program_values(points)).mode((day - 1) * 48 + slot) == PROGRAM_MODES[week[day - 1][slot]]


def test_the_documented_examples() -> None:
    """Heatzy doc: 01 01 01 01 = 85 is eco all four slots; 01 01 00 00 = 80 is comfort, comfort, eco, eco."""
    assert decode_block(85) == [1, 1, 1, 1]
    assert decode_block(80) == [0, 0, 1, 1]


@settings(max_examples=60, deadline=None)
@given(weeks, zones, instants)
def test_the_week_table_matches_the_wall_clock(week: list[list[int]], tz: str, t: float) -> None:
    """The mode at any instant is the program's slot at the device's wall time (DST included)."""
    program = compile_program(program_values(encode_week(week)))
    local = wall(t, tz)
    slot = (local.isoweekday() - 1) * 48 + local.hour * 2 + local.minute // 30
    assert mode_at(program, tz, t) == program.mode(slot)


@settings(max_examples=40, deadline=None)
@given(weeks, zones, st.dates(min_value=date(2000, 1, 3), max_value=date(2037, 12, 28)))
def test_the_fast_week_table_equals_the_slot_by_slot_one(week: list[list[int]], tz: str, day: date) -> None:
    program = compile_program(program_values(encode_week(week)))
    monday = day.toordinal() - day.weekday()
    assert week_table(program, tz, monday) == wall_clock_table(program, tz, monday)


@settings(max_examples=60, deadline=None)
@given(weeks, zones, instants)
def test_next_change_is_the_first_instant_the_mode_differs(week: list[list[int]], tz: str, t: float) -> None:
    program = compile_program(program_values(encode_week(week)))
    change = next_change(program, tz, t)
    here = mode_at(program, tz, t)
    if change is None:
        assert all(program.mode(slot) == here for slot in range(7 * 48))
        return
    assert change > t and mode_at(program, tz, change) != here
    assert mode_at(program, tz, change - 1e-3) == here or change - 1e-3 <= t


def test_a_dst_week_has_the_right_number_of_hours() -> None:
    """Comfort all Sunday of the spring change in Paris lasts 23 hours."""
    sunday = [[1] * 48] * 6 + [[0] * 48]
    program = compile_program(program_values(encode_week(sunday)))
    monday = date(2024, 3, 25).toordinal()  # the week of Sunday 31 March 2024
    times, modes = week_table(program, "Europe/Paris", monday)
    assert modes == ("eco", "cft")
    following, _ = week_table(program, "Europe/Paris", monday + 7)
    assert following[0] - times[1] == 23 * 3600
    assert datetime.fromtimestamp(times[1], UTC).isoformat() == "2024-03-30T23:00:00+00:00"


# -- P0 ----------------------------------------------------------------------------------------
commands = st.sampled_from([p0.CMD_CONTROL, p0.CMD_REPORT, p0.CMD_CONTROL_SN, p0.CMD_ACK_SN])


@given(commands, st.binary(max_size=400), st.integers(0, 2**32 - 1), st.integers(0, 255))
def test_a_frame_round_trips(cmd: int, payload: bytes, sn: int, flag: int) -> None:
    frame = p0.Frame(cmd, payload, sn if cmd in (p0.CMD_CONTROL_SN, p0.CMD_ACK_SN) else None, flag)
    data = frame.encode()
    assert data[:4] == p0.HEADER
    assert p0.decode(data) == frame


@given(st.integers(0, 2**28 - 1))
def test_the_length_field_round_trips(value: int) -> None:
    encoded = p0.encode_length(value)
    assert len(encoded) == max(1, (value.bit_length() + 6) // 7)
    assert p0.decode_length(encoded + b"\xff", 0) == (value, len(encoded))


@given(st.one_of(st.binary(max_size=40), st.binary(max_size=40).map(lambda rest: p0.HEADER + rest)))
def test_anything_decodes_to_a_frame_or_a_frame_error(data: bytes) -> None:
    try:
        frame = p0.decode(data)
    except p0.FrameError:
        return
    assert p0.decode(frame.encode()) == frame


# -- data point payloads --------------------------------------------------------------------------
def value_of(point: Datapoint) -> st.SearchStrategy[Any]:
    if point.data_type == "bool":
        return st.booleans()
    if point.data_type == "enum":
        return st.sampled_from(point.enum)
    if point.data_type == "binary":
        return st.binary(min_size=point.length, max_size=point.length).map(bytes.hex)
    return st.integers(point.min, point.max)


products = st.sampled_from(sorted(load_catalog(), key=lambda p: p.product_key))


@st.composite
def writes(draw: st.DrawFn) -> tuple[DatapointSet, dict[str, Any]]:
    datapoints = draw(products).datapoints
    chosen = draw(st.lists(st.sampled_from(datapoints.writable), unique_by=lambda p: p.name, max_size=12))
    return datapoints, {p.name: draw(value_of(p)) for p in chosen}


@st.composite
def statuses(draw: st.DrawFn) -> tuple[DatapointSet, dict[str, Any]]:
    datapoints = draw(products).datapoints
    return datapoints, {p.name: draw(value_of(p)) for p in datapoints}


@settings(max_examples=80)
@given(writes())
def test_a_write_payload_round_trips(case: tuple[DatapointSet, dict[str, Any]]) -> None:
    datapoints, changes = case
    payload = datapoints.encode_write(changes)
    assert payload[0] == 0x01
    assert datapoints.decode_write(payload) == changes
    framed = p0.Frame(p0.CMD_CONTROL, payload).encode()
    assert datapoints.decode_write(p0.decode(framed).payload) == changes


@settings(max_examples=60)
@given(statuses())
def test_a_status_round_trips(case: tuple[DatapointSet, dict[str, Any]]) -> None:
    datapoints, values = case
    assert datapoints.decode_status(datapoints.encode_status(values)) == values
