"""The room temperature model: heating, cooling, sensor readings, seeded noise, calibration."""

from __future__ import annotations

import math

from simulated import FeedLog, add, frozen_cloud, paris

from emulator.gizwits.devices.thermal import DEFAULT_OUTDOOR, HEADROOM, SAMPLE_PERIOD, TAU_COOL, TAU_HEAT, evolve, noise

NOON = paris(2024, 1, 8, 12)


def test_evolve_heats_to_the_setpoint_and_holds_it() -> None:
    assert evolve(16.0, 0, 19.0, 8.0, False) == 16.0
    reach = TAU_HEAT * math.log((19.0 + HEADROOM - 16.0) / HEADROOM)
    assert evolve(16.0, reach - 60, 19.0, 8.0, False) < 19.0
    assert evolve(16.0, reach + 1, 19.0, 8.0, False) == 19.0
    assert evolve(19.0, 10 * 3600, 19.0, 8.0, False) == 19.0


def test_evolve_cools_towards_outdoor_without_heating_and_down_to_a_lower_setpoint() -> None:
    assert math.isclose(evolve(20.0, TAU_COOL, None, 8.0, False), 8.0 + 12.0 / math.e)
    assert evolve(20.0, 48 * 3600, 16.5, 8.0, False) == 16.5
    assert evolve(20.0, 3600, 19.0, 8.0, True) < evolve(20.0, 3600, None, 8.0, False)  # a window cools faster


def test_noise_is_small_seeded_and_balanced() -> None:
    values = [noise(1234, slot) for slot in range(4000)]
    assert set(values) == {-1, 0, 1}
    assert abs(sum(values)) < 200
    assert values == [noise(1234, slot) for slot in range(4000)]
    assert values != [noise(4321, slot) for slot in range(4000)]


def test_a_pro_warms_the_room_from_eco_to_comfort_when_the_program_says_so() -> None:
    cloud = frozen_cloud(paris(2024, 1, 8, 5))
    pro = add(cloud, "Pilote_Pro", timer_switch=1, cur_temp=165, eco_temp=165, cft_temp=190)
    assert pro.read(cloud.now())["cur_mode"] == "eco"
    cloud.advance(3600)  # 06:00: comfort
    cold = pro.read(cloud.now())["cur_temp"]
    cloud.advance(10 * 60)
    warmer = pro.read(cloud.now())["cur_temp"]
    cloud.advance(50 * 60)
    warm = pro.read(cloud.now())
    assert cold <= 166 < warmer < 190
    assert abs(warm["cur_temp"] - 190) <= 1 and warm["heating_state"] == 1


def test_readings_change_only_on_the_sensor_grid() -> None:
    cloud = frozen_cloud(NOON)
    pro = add(cloud, "Pilote_Pro", mode="stop", cur_temp=200)
    log = FeedLog(cloud)
    cloud.advance(3 * 3600)
    times = [at for at, _ in log.of(pro, "cur_temp")]
    assert times and all(at % SAMPLE_PERIOD == 0 for at in times)
    assert pro.read(cloud.now())["cur_temp"] < 200  # stopped: the room cools


def test_the_same_seed_gives_the_same_temperatures() -> None:
    def readings(seed: int) -> list[int]:
        cloud = frozen_cloud(NOON, seed=seed)
        pro = add(cloud, "Pilote_Pro", mode="eco")
        found = []
        for _ in range(36):
            cloud.advance(SAMPLE_PERIOD)
            found.append(pro.read(cloud.now())["cur_temp"])
        return found

    assert readings(5) == readings(5)
    assert readings(5) != readings(6)


def test_com_temp_calibrates_the_sensor() -> None:
    cloud = frozen_cloud(NOON)
    pro = add(cloud, "Pilote_Pro", mode="cft", cur_temp=190)
    before = pro.read(cloud.now())["cur_temp"]
    changed = cloud.apply(pro, {"com_temp": 70}, source="app")  # +2 °C
    assert changed["cur_temp"] == before + 20


def test_outdoor_temperature_sets_where_an_unheated_room_drifts() -> None:
    cloud = frozen_cloud(NOON)
    bloom = add(cloud, "Bloom", mode="stop", cur_temp=20)
    cloud.set_environment(bloom, outdoor_temp=-5.0)
    cloud.advance(24 * 3600)
    cold = bloom.read(cloud.now())["cur_temp"]
    assert cold < DEFAULT_OUTDOOR - 2


def test_bloom_reports_whole_degrees() -> None:
    cloud = frozen_cloud(NOON)
    bloom = add(cloud, "Bloom", mode="cft", cft_temp=21, cur_temp=17)
    cloud.advance(2 * 3600)
    state = bloom.read(cloud.now())
    assert isinstance(state["cur_temp"], int) and state["cur_temp"] == 21
    assert (state["time_week"], state["time_hour"], state["time_min"]) == (1, 28, 0)
