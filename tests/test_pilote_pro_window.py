"""Pilote Pro open-window detection: the reported contract other features (rules, push) build on.

With ``window_switch`` = 1, a sharp drop of the room temperature makes the Pro stop heating:
it reports ``cur_signal`` "fro" and ``heating_state`` 0 until the window closes; heating_state
returns to 1 once the temperature has recovered.
"""

from __future__ import annotations

from simulated import FeedLog, add, frozen_cloud, paris

from emulator.gizwits.cloud.cloud import Cloud
from emulator.gizwits.devices import Device
from emulator.gizwits.devices.pilote_pro import WINDOW_DROP

NOON = paris(2024, 1, 8, 12)


def warm_pro(live: bool = True, **attrs: object) -> tuple[Cloud, Device]:
    cloud = frozen_cloud(NOON, live=live)
    pro = add(cloud, "Pilote_Pro", mode="cft", cft_temp=190, cur_temp=190, **attrs)
    cloud.advance(3600)
    return cloud, pro


def reported(cloud: Cloud, pro: Device, *keys: str) -> tuple[object, ...]:
    state = pro.read(cloud.now())
    return tuple(state[k] for k in keys)


def test_an_open_window_is_detected_within_two_minutes_and_stops_heating() -> None:
    cloud, pro = warm_pro(window_switch=1)
    assert reported(cloud, pro, "cur_signal", "heating_state") == ("cft", 1)
    log = FeedLog(cloud)
    opened = cloud.now()
    cloud.set_environment(pro, window_open=True)
    cloud.advance(120)
    assert reported(cloud, pro, "cur_mode", "cur_signal", "heating_state") == ("cft", "fro", 0)
    detections = [(at, attrs) for at, attrs in log.of(pro) if attrs.get("cur_signal") == "fro"]
    assert len(detections) == 1
    at, attrs = detections[0]
    assert opened < at <= opened + 120 and at % 60 == 0
    assert attrs["heating_state"] == 0


def test_the_room_cools_while_the_window_is_open_and_recovers_after_it_closes() -> None:
    cloud, pro = warm_pro(window_switch=1)
    before = reported(cloud, pro, "cur_temp")[0]
    cloud.set_environment(pro, window_open=True)
    cloud.advance(20 * 60)
    cooled = reported(cloud, pro, "cur_temp")[0]
    assert cooled <= before - 20  # at least 2 °C colder after 20 minutes
    changed = cloud.set_environment(pro, window_open=False)
    assert changed["cur_signal"] == "cft"  # heating again at once
    assert reported(cloud, pro, "heating_state") == (0,)  # not back at 19 °C yet
    cloud.advance(3 * 3600)
    assert reported(cloud, pro, "cur_signal", "heating_state") == ("cft", 1)
    assert abs(reported(cloud, pro, "cur_temp")[0] - 190) <= 1


def test_without_window_switch_nothing_is_detected() -> None:
    cloud, pro = warm_pro(window_switch=0)
    cloud.set_environment(pro, window_open=True)
    cloud.advance(15 * 60)
    assert reported(cloud, pro, "cur_signal", "heating_state") == ("cft", 0)


def test_a_sudden_drop_of_the_room_temperature_is_detected_at_once() -> None:
    cloud, pro = warm_pro(window_switch=1)
    changed = cloud.set_environment(pro, room_temp=19.0 - 2 * WINDOW_DROP)
    assert changed["cur_signal"] == "fro" and changed["heating_state"] == 0
    cloud.advance(600)
    assert reported(cloud, pro, "cur_signal") == ("fro",)
    changed = cloud.set_environment(pro, room_temp=19.0)
    assert changed["cur_signal"] == "cft"


def test_a_small_drop_is_not_a_window() -> None:
    cloud, pro = warm_pro(window_switch=1)
    cloud.set_environment(pro, room_temp=19.0 - WINDOW_DROP / 2)
    assert reported(cloud, pro, "cur_signal") == ("cft",)


def test_no_detection_when_it_is_warmer_outside() -> None:
    cloud, pro = warm_pro(window_switch=1)
    cloud.set_environment(pro, outdoor_temp=25.0, window_open=True)
    cloud.advance(600)
    assert reported(cloud, pro, "cur_signal") == ("cft",)


def test_detection_reaches_the_feed_on_time_even_when_nobody_reads_the_device() -> None:
    cloud, pro = warm_pro(live=False, window_switch=1)
    log = FeedLog(cloud)
    opened = cloud.now()
    cloud.set_environment(pro, window_open=True)
    cloud.advance(3600)  # no read in between: the detection was a wake-up of its own
    detections = [at for at, attrs in log.of(pro) if attrs.get("cur_signal") == "fro"]
    assert detections and opened < detections[0] <= opened + 120


def test_presence_detection_keeps_comfort_while_present_and_for_30_minutes_after() -> None:
    cloud = frozen_cloud(NOON)
    pro = add(cloud, "Pilote_Pro", mode="eco")
    cloud.apply(pro, {"derog_mode": 3}, source="app")
    assert reported(cloud, pro, "cur_mode") == ("eco",)
    cloud.set_environment(pro, presence=True)
    assert reported(cloud, pro, "cur_mode", "mode") == ("cft", "eco")
    cloud.advance(600)
    cloud.set_environment(pro, presence=False)
    cloud.advance(29 * 60)
    assert reported(cloud, pro, "cur_mode") == ("cft",)
    cloud.advance(60)
    assert reported(cloud, pro, "cur_mode") == ("eco",)


def test_mode_is_the_manual_mode_and_cur_mode_the_mode_in_effect() -> None:
    cloud = frozen_cloud(paris(2024, 1, 8, 7))  # the standard program says comfort until 08:00
    pro = add(cloud, "Pilote_Pro", mode="fro", timer_switch=1)
    assert reported(cloud, pro, "mode", "cur_mode", "cur_signal") == ("fro", "cft", "cft")
    cloud.advance(3600)
    assert reported(cloud, pro, "mode", "cur_mode") == ("fro", "eco")
