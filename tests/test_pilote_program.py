"""A Pilote 2nd generation following its week program, with manual changes, over a frozen clock."""

from __future__ import annotations

import pytest
from simulated import FeedLog, add, frozen_cloud, paris

from emulator.gizwits.devices.program import day_from_ranges, encode_week, standard_week

MONDAY = paris(2024, 1, 8)  # Monday 8 January 2024, 00:00 in Paris (no DST change that week)
WEEKDAY = day_from_ranges(1, [("06:00", "08:00", 0), ("17:00", "22:00", 0)])
WEEKEND = day_from_ranges(1, [("08:00", "22:00", 0)])
MODES = ("cft", "eco", "fro")


def expected_mode(day: int, slot: int) -> str:
    return MODES[(WEEKDAY if day < 5 else WEEKEND)[slot]]


def test_a_full_week_of_program_at_every_slot_boundary() -> None:
    cloud = frozen_cloud(MONDAY)
    pilote = add(cloud, "Pilote2", timer_switch=1, **standard_week())
    log = FeedLog(cloud)
    for step in range(7 * 48):
        day, slot = divmod(step, 48)
        state = pilote.read(cloud.now())
        assert state["mode"] == expected_mode(day, slot), (day, slot)
        assert state["time_week"] == day + 1
        assert state["time_hour"] == slot
        assert state["time_min"] == 0  # 2nd generation
        cloud.advance(1800)
    transitions = log.of(pilote, "mode")
    assert len(transitions) == 5 * 4 + 2 * 2
    assert transitions[0] == (paris(2024, 1, 8, 6), "cft")
    assert transitions[-1] == (paris(2024, 1, 14, 22), "eco")
    assert all(change.source == "program" for change in log.changes)


def test_the_program_switches_mode_at_the_exact_slot_boundary() -> None:
    cloud = frozen_cloud(paris(2024, 1, 8, 5, 59, 59))
    pilote = add(cloud, "Pilote2", timer_switch=1)
    assert pilote.read(cloud.now())["mode"] == "eco"
    cloud.advance(1)
    assert pilote.read(cloud.now())["mode"] == "cft"


def test_a_manual_change_lasts_until_the_programs_next_change() -> None:
    cloud = frozen_cloud(paris(2024, 1, 8, 3))
    pilote = add(cloud, "Pilote2", timer_switch=1)
    log = FeedLog(cloud)
    changed = cloud.apply(pilote, {"mode": "fro"}, source="app")
    assert changed == {"mode": "fro"}
    cloud.advance(2 * 3600 + 59 * 60)  # 05:59: still the manual mode
    assert pilote.read(cloud.now())["mode"] == "fro"
    cloud.advance(60)  # 06:00: the program's next change takes over
    assert pilote.read(cloud.now())["mode"] == "cft"
    cloud.advance(2 * 3600)  # 08:00: and goes on
    assert pilote.read(cloud.now())["mode"] == "eco"
    assert log.of(pilote, "mode") == [(paris(2024, 1, 8, 3), "fro"), (paris(2024, 1, 8, 6), "cft"),
                                      (paris(2024, 1, 8, 8), "eco")]


def test_a_manual_change_equal_to_a_following_slot_still_ends_at_the_next_change() -> None:
    """At 07:00 (comfort until 08:00) the user asks eco: eco holds until 08:00, then the program (eco) goes on."""
    cloud = frozen_cloud(paris(2024, 1, 8, 7))
    pilote = add(cloud, "Pilote2", timer_switch=1)
    cloud.apply(pilote, {"mode": "eco"}, source="app")
    cloud.advance(10 * 3600)  # 17:00: comfort again, from the program
    assert pilote.read(cloud.now())["mode"] == "cft"


def test_without_the_program_the_manual_mode_stays() -> None:
    cloud = frozen_cloud(MONDAY)
    pilote = add(cloud, "Pilote2", mode="eco")
    log = FeedLog(cloud)
    cloud.advance(7 * 86400)
    assert pilote.read(cloud.now())["mode"] == "eco"
    assert log.of(pilote) == []


def test_switching_the_program_on_applies_it_and_off_keeps_the_current_mode() -> None:
    cloud = frozen_cloud(paris(2024, 1, 8, 7))
    pilote = add(cloud, "Pilote2", mode="fro")
    assert cloud.apply(pilote, {"timer_switch": 1}, source="app") == {"timer_switch": 1, "mode": "cft"}
    cloud.advance(3600)  # 08:00 eco
    assert cloud.apply(pilote, {"timer_switch": 0}, source="app") == {"timer_switch": 0}
    cloud.advance(10 * 3600)  # 18:00: the program would say comfort, but it is off
    assert pilote.read(cloud.now())["mode"] == "eco"


def test_rewriting_the_program_takes_effect_at_once() -> None:
    cloud = frozen_cloud(paris(2024, 1, 8, 12))
    pilote = add(cloud, "Pilote2", timer_switch=1)
    all_frost = encode_week([[2] * 48] * 7)
    changed = cloud.apply(pilote, all_frost, source="app")
    assert changed["mode"] == "fro"
    log = FeedLog(cloud)
    cloud.advance(7 * 86400)
    assert log.of(pilote) == []  # a constant program never changes


def test_a_program_day_follows_local_time_across_the_spring_dst_change() -> None:
    """Sunday 31 March 2024 Paris skips 02:00-03:00: comfort from 08:00 local is 06:00 UTC, not 07:00."""
    cloud = frozen_cloud(paris(2024, 3, 30, 12))
    pilote = add(cloud, "Pilote2", timer_switch=1)
    log = FeedLog(cloud)
    cloud.advance(36 * 3600)
    assert (paris(2024, 3, 31, 8), "cft") in log.of(pilote, "mode")
    assert paris(2024, 3, 31, 8) - paris(2024, 3, 31, 0) == 7 * 3600


@pytest.mark.parametrize(("product", "minutes"), [("Pilote2", 0), ("Pilote_Soc", 0), ("Pilote_Soc_C3", 17),
                                                  ("Pilote_Pro", 0)])
def test_time_min_per_generation(product: str, minutes: int) -> None:
    cloud = frozen_cloud(paris(2024, 1, 10, 9, 47))
    device = add(cloud, product)
    state = device.read(cloud.now())
    assert (state["time_week"], state["time_hour"], state["time_min"]) == (3, 19, minutes)


def test_second_and_third_generations_send_comfort_for_comfort_minus_one() -> None:
    cloud = frozen_cloud(MONDAY)
    old, new = add(cloud, "Pilote_Soc"), add(cloud, "Pilote_Soc_C3")
    assert cloud.apply(old, {"mode": "cft1"}, source="app") == {}  # it already was in comfort
    assert old.read(cloud.now())["mode"] == "cft"
    assert cloud.apply(new, {"mode": "cft2"}, source="app") == {"mode": "cft2"}


def test_the_device_clock_is_local_and_per_device() -> None:
    cloud = frozen_cloud(paris(2024, 1, 8, 12))
    here = add(cloud, "Pilote_Soc_C3")
    there = cloud.register_device(cloud.catalog.by_name("Pilote_Soc_C3"), timezone="America/New_York")
    assert here.read(cloud.now())["time_hour"] == 24
    assert there.read(cloud.now())["time_hour"] == 12  # 06:00 in New York


def test_freezegun_drives_a_real_time_cloud() -> None:
    """In-process, the emulator's clock reads time through the patched ``time.time``."""
    from freezegun import freeze_time

    from emulator.config import EmulatorConfig
    from emulator.gizwits.cloud.cloud import Cloud

    with freeze_time("2024-01-08 04:59:00") as frozen:  # 05:59 in Paris
        cloud = Cloud(EmulatorConfig(seed=1, fixture="empty"))
        pilote = add(cloud, "Pilote2", timer_switch=1)
        log = FeedLog(cloud)
        assert pilote.read(cloud.now())["mode"] == "eco"
        frozen.tick(60)
        cloud.sync()
        assert pilote.read(cloud.now())["mode"] == "cft"
        assert log.of(pilote, "mode") == [(paris(2024, 1, 8, 6), "cft")]
