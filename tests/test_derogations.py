"""Boost and vacation derogations: forced modes, countdowns, and the return to program or manual mode."""

from __future__ import annotations

from simulated import FeedLog, add, frozen_cloud, paris

from emulator.gizwits.devices.heating import DEFAULT_BOOST_MINUTES, DEFAULT_VACATION_DAYS


def test_a_60_minute_boost_counts_down_and_ends_at_minute_60_back_to_the_program() -> None:
    start = paris(2024, 1, 8, 9, 15)  # the program says eco until 17:00
    cloud = frozen_cloud(start)
    pilote = add(cloud, "Pilote2", timer_switch=1)
    log = FeedLog(cloud)
    assert cloud.apply(pilote, {"derog_mode": 2, "derog_time": 60}, source="app") == {
        "derog_mode": 2, "derog_time": 60, "mode": "cft"}
    cloud.advance(59)
    assert pilote.read(cloud.now())["derog_time"] == 60
    cloud.advance(1)
    assert pilote.read(cloud.now())["derog_time"] == 59
    cloud.advance(58 * 60)  # minute 59
    state = pilote.read(cloud.now())
    assert (state["derog_mode"], state["derog_time"], state["mode"]) == (2, 1, "cft")
    cloud.advance(60)  # minute 60
    state = pilote.read(cloud.now())
    assert (state["derog_mode"], state["derog_time"], state["mode"]) == (0, 0, "eco")
    countdown = [value for _, value in log.of(pilote, "derog_time")]
    assert countdown == [60, *range(59, -1, -1)]
    assert log.of(pilote, "derog_mode")[-1] == (start + 3600, 0)


def test_a_boost_without_the_program_returns_to_the_previous_manual_mode() -> None:
    cloud = frozen_cloud(paris(2024, 1, 8, 12))
    pilote = add(cloud, "Pilote2", mode="fro")
    cloud.apply(pilote, {"derog_mode": 2, "derog_time": 30}, source="app")
    assert pilote.read(cloud.now())["mode"] == "cft"
    cloud.advance(30 * 60)
    assert pilote.read(cloud.now())["mode"] == "fro"


def test_a_mode_written_during_a_derogation_is_the_mode_after_it() -> None:
    cloud = frozen_cloud(paris(2024, 1, 8, 12))
    pilote = add(cloud, "Pilote2", mode="fro")
    cloud.apply(pilote, {"derog_mode": 2, "derog_time": 30}, source="app")
    assert cloud.apply(pilote, {"mode": "eco"}, source="app") == {}  # the boost still forces comfort
    cloud.advance(30 * 60)
    assert pilote.read(cloud.now())["mode"] == "eco"


def test_a_3_day_vacation_counts_down_at_local_midnight_and_ends() -> None:
    start = paris(2024, 1, 8, 15)  # Monday 15:00
    cloud = frozen_cloud(start)
    pilote = add(cloud, "Pilote2", timer_switch=1)
    log = FeedLog(cloud)
    cloud.apply(pilote, {"derog_mode": 1, "derog_time": 3}, source="app")
    assert pilote.read(cloud.now())["mode"] == "fro"
    cloud.advance(paris(2024, 1, 10, 23, 59) - start)  # Wednesday 23:59
    state = pilote.read(cloud.now())
    assert (state["derog_mode"], state["derog_time"], state["mode"]) == (1, 1, "fro")
    cloud.advance(60)  # Thursday 00:00: the third midnight
    state = pilote.read(cloud.now())
    assert (state["derog_mode"], state["derog_time"], state["mode"]) == (0, 0, "eco")
    assert log.of(pilote, "derog_time") == [
        (start, 3), (paris(2024, 1, 9), 2), (paris(2024, 1, 10), 1), (paris(2024, 1, 11), 0)]
    cloud.advance(6 * 3600)  # the program goes on: comfort at 06:00
    assert pilote.read(cloud.now())["mode"] == "cft"


def test_a_vacation_over_the_autumn_dst_change_still_ends_at_local_midnight() -> None:
    cloud = frozen_cloud(paris(2024, 10, 26, 20))
    pilote = add(cloud, "Pilote2")
    cloud.apply(pilote, {"derog_mode": 1, "derog_time": 2}, source="app")
    end = pilote.family.wake_point(pilote, cloud.now())
    assert end == paris(2024, 10, 28)
    cloud.advance(end - cloud.now() - 1)
    assert pilote.read(cloud.now())["derog_mode"] == 1
    cloud.advance(1)
    assert pilote.read(cloud.now())["derog_mode"] == 0


def test_cancelling_a_derogation() -> None:
    cloud = frozen_cloud(paris(2024, 1, 8, 12), live=False)
    pilote = add(cloud, "Pilote2", mode="eco")
    cloud.apply(pilote, {"derog_mode": 1, "derog_time": 5}, source="app")
    assert cloud.simulation.wake_at(pilote.did) == paris(2024, 1, 13)  # lazy: woken only for the end
    assert cloud.apply(pilote, {"derog_mode": 0}, source="app") == {"derog_mode": 0, "derog_time": 0, "mode": "eco"}
    assert cloud.simulation.wake_at(pilote.did) is None


def test_a_new_derog_time_restarts_the_countdown() -> None:
    cloud = frozen_cloud(paris(2024, 1, 8, 12))
    pilote = add(cloud, "Pilote2")
    cloud.apply(pilote, {"derog_mode": 2, "derog_time": 10}, source="app")
    cloud.advance(5 * 60)
    assert cloud.apply(pilote, {"derog_time": 30}, source="app") == {"derog_time": 30}
    cloud.advance(29 * 60)
    assert pilote.read(cloud.now())["derog_time"] == 1


def test_derogations_without_a_duration_get_the_default_one() -> None:
    cloud = frozen_cloud(paris(2024, 1, 8, 12))
    boost, vacation = add(cloud, "Pilote2"), add(cloud, "Pilote_Soc")
    cloud.apply(boost, {"derog_mode": 2}, source="app")
    cloud.apply(vacation, {"derog_mode": 1, "derog_time": 0}, source="app")
    assert boost.read(cloud.now())["derog_time"] == DEFAULT_BOOST_MINUTES
    assert vacation.read(cloud.now())["derog_time"] == DEFAULT_VACATION_DAYS


def test_a_duration_written_before_the_derogation_is_used() -> None:
    cloud = frozen_cloud(paris(2024, 1, 8, 12))
    pilote = add(cloud, "Pilote2")
    cloud.apply(pilote, {"derog_time": 4}, source="app")
    cloud.apply(pilote, {"derog_mode": 1}, source="app")
    assert pilote.read(cloud.now())["derog_time"] == 4


def test_the_end_of_a_derogation_reaches_the_feed_on_time_even_when_lazy() -> None:
    cloud = frozen_cloud(paris(2024, 1, 8, 12), live=False)
    pilote = add(cloud, "Pilote2")
    log = FeedLog(cloud)
    cloud.apply(pilote, {"derog_mode": 2, "derog_time": 15}, source="app")
    cloud.advance(3600)  # nobody reads the device
    ends = [(at, attrs) for at, attrs in log.of(pilote) if attrs.get("derog_mode") == 0]
    assert ends and ends[0][0] == paris(2024, 1, 8, 12, 15)


def test_a_device_created_in_a_derogation_counts_down_from_its_creation() -> None:
    cloud = frozen_cloud(paris(2024, 1, 8, 12))
    pilote = add(cloud, "Pilote2", derog_mode=2, derog_time=20)
    glow = add(cloud, "Glow", derog_mode=1)
    cloud.advance(10 * 60)
    assert pilote.read(cloud.now())["derog_time"] == 10
    assert glow.read(cloud.now())["derog_time"] == DEFAULT_VACATION_DAYS
    cloud.advance(10 * 60)
    assert pilote.read(cloud.now())["derog_mode"] == 0
