"""Setting the clock back: the devices' timelines move back with it.

A test typically loads its fixture at the real time, then freezes the clock on a chosen
instant in the past. From then on the devices live exactly as they would have from where
they were: programs switch, countdowns run, sensors report, and all of it reaches the
history (raw_data, rules, aggregation) at its own time.
"""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from emulator.config import EmulatorConfig
from emulator.gizwits.cloud.cloud import Cloud

PARIS = ZoneInfo("Europe/Paris")
MONDAY_7AM = datetime(2025, 1, 6, 7, 0, tzinfo=PARIS).timestamp()


def demo_loaded_now() -> Cloud:
    cloud = Cloud(EmulatorConfig(seed=1))
    assert abs(cloud.now() - time.time()) < 60
    return cloud


def by_name(cloud: Cloud, name: str):  # type: ignore[no-untyped-def]
    return next(d for d in cloud.devices if d.product.name == name and cloud.bindings.of_device(d.did))


def test_a_program_change_after_the_clock_was_set_back_is_published_at_its_time() -> None:
    cloud = demo_loaded_now()
    bloom = by_name(cloud, "Bloom")  # follows the standard week: comfort until 08:00, then eco
    cloud.clock.freeze(MONDAY_7AM)
    cloud.sync()
    assert all(r.at <= MONDAY_7AM for r in cloud.history.of(bloom.did)), "nothing reported after now"
    assert bloom.read(cloud.now())["mode"] == "cft"
    cloud.advance(2 * 3600)
    eight = datetime(2025, 1, 6, 8, 0, tzinfo=PARIS).timestamp()
    changes = [r for r in cloud.history.of(bloom.did) if "mode" in r.attrs]
    assert (changes[-1].at, changes[-1].attrs["mode"]) == (eight, "eco")
    assert cloud.observe(bloom).updated_at <= cloud.now()


def test_sensors_keep_reporting_after_the_clock_was_set_back() -> None:
    cloud = demo_loaded_now()
    pro = by_name(cloud, "Pilote_Pro")
    cloud.clock.freeze(MONDAY_7AM)
    cloud.sync()
    cloud.set_environment(pro, room_temp=15.0)  # a cold room; the Pro heats towards comfort (19 °C)
    cloud.advance(3 * 3600)
    readings = [r.attrs["cur_temp"] for r in cloud.history.of(pro.did, MONDAY_7AM) if "cur_temp" in r.attrs]
    assert len(readings) > 5 and readings[0] <= 151 and readings[-1] >= 185


def test_a_boost_keeps_its_remaining_time_when_the_clock_is_set_back() -> None:
    cloud = demo_loaded_now()
    pilote = by_name(cloud, "Pilote2")
    cloud.clock.freeze(cloud.now())
    cloud.apply(pilote, {"derog_mode": 2, "derog_time": 60}, source="app")
    cloud.advance(20 * 60)
    assert pilote.read(cloud.now())["derog_time"] == 40
    cloud.clock.freeze(cloud.now() - 86400)  # a day earlier
    cloud.sync()
    assert pilote.read(cloud.now())["derog_time"] == 40
    cloud.advance(40 * 60)
    assert (pilote.read(cloud.now())["derog_mode"], pilote.read(cloud.now())["derog_time"]) == (0, 0)
    assert cloud.history.of(pilote.did)[-1].attrs.get("derog_mode") == 0
