"""What devices report reaches the feed once, in time order, whether timelines are live or lazy,
and survives snapshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from simulated import FeedLog, add, frozen_cloud, paris

from emulator.core.changes import Change
from emulator.gizwits.cloud.cloud import Cloud

START = paris(2024, 3, 29, 20)  # a weekend with the spring DST change
PRODUCTS = ("Pilote2", "Pilote_Soc_C3", "Pilote_Pro", "Glow_Simple", "Bloom", "INEA")

writes = st.sampled_from([
    {"mode": "eco"}, {"mode": "cft"}, {"timer_switch": 1}, {"timer_switch": 0},
    {"derog_mode": 2, "derog_time": 45}, {"derog_mode": 1, "derog_time": 1}, {"derog_mode": 0},
])
environments = st.sampled_from([
    {"window_open": True}, {"window_open": False}, {"room_temp": 15.0}, {"outdoor_temp": 2.0},
])
actions = st.lists(st.tuples(
    st.integers(0, len(PRODUCTS) - 1),
    st.one_of(writes.map(lambda w: ("write", w)), environments.map(lambda e: ("env", e))),
    st.integers(0, 8 * 3600),
), max_size=6)


def history_of(cloud: Cloud) -> list[tuple[Any, ...]]:
    return [(r.at, did, r.kind, r.source, sorted(r.attrs.items())) for did in sorted(d.did for d in cloud.devices)
            for r in cloud.history.of(did)]


def play(steps: list[tuple[int, tuple[str, dict[str, Any]], int]], live: bool,
         react: bool = False) -> tuple[Cloud, FeedLog]:
    cloud = frozen_cloud(START, live=live)
    log = FeedLog(cloud)
    devices = [add(cloud, name, window_switch=1) if name == "Pilote_Pro" else add(cloud, name)
               for name in PRODUCTS]
    if react:  # every program on, so the programs' reports make the subscriber react
        boost_on_eco(cloud)
        for device in devices:
            if "timer_switch" in device.product.datapoints:
                cloud.apply(device, device.product.datapoints.validate_write({"timer_switch": 1}), source="app")
    for index, (kind, values), wait in steps:
        device = devices[index]
        if kind == "write":
            allowed = {k: v for k, v in values.items() if k in device.product.datapoints}
            if allowed:
                cloud.apply(device, device.product.datapoints.validate_write(allowed), source="app")
        else:
            cloud.set_environment(device, **values)
        cloud.advance(wait)
    cloud.advance(86400)
    for device in devices:
        cloud.observe(device)
    return cloud, log


@settings(max_examples=25, deadline=None)
@given(actions)
def test_live_and_lazy_timelines_publish_the_same_history(steps: list[Any]) -> None:
    live, live_log = play(steps, live=True)
    lazy, _ = play(steps, live=False)
    assert history_of(live) == history_of(lazy)
    times = [change.at for change in live_log.changes]
    assert times == sorted(times)  # live: the feed is in global time order


def on_eco(cloud: Cloud, act: Callable[[Any, Change], None], *, did: str | None = None, once: bool = False) -> None:
    """Subscribe, as a rule reacting to a device's own report would, ``act(device, change)`` to every
    program change to eco (of ``did`` only, when given; the first only, with ``once``)."""
    acted: list[float] = []

    def react(change: Change) -> None:
        if change.source == "program" and change.attrs.get("mode") == "eco" and did in (None, change.did) \
                and not (once and acted):
            acted.append(change.at)
            act(cloud.devices.require(change.did), change)

    cloud.feed.subscribe(react, reacts=True)


def boost(cloud: Cloud, minutes: int) -> Callable[[Any, Change], None]:
    """What a rule starting a boost on its own device does, at the instant of the report."""

    def start(device: Any, change: Change) -> None:
        if "derog_mode" in device.product.datapoints:
            values = device.product.datapoints.validate_write({"derog_mode": 2, "derog_time": minutes})
            cloud.apply(device, values, source="rule", now=change.at)

    return start


def boost_on_eco(cloud: Cloud) -> None:
    """A 20-minute boost on any device its program turns to eco."""
    on_eco(cloud, boost(cloud, 20))


@settings(max_examples=15, deadline=None)
@given(actions)
def test_with_changes_made_in_reaction_live_and_lazy_publish_the_same_history(steps: list[Any]) -> None:
    live, live_log = play(steps, live=True, react=True)
    lazy, _ = play(steps, live=False, react=True)
    assert history_of(live) == history_of(lazy)
    assert any(record[3] == "rule" for record in history_of(live))
    times = [change.at for change in live_log.changes]
    assert times == sorted(times)


def test_lazy_history_is_in_time_order_per_device() -> None:
    cloud, log = play([(2, ("env", {"window_open": True}), 3600), (0, ("write", {"derog_mode": 2}), 7200)],
                      live=False)
    for device in cloud.devices:
        times = [c.at for c in log.changes if c.did == device.did]
        assert times == sorted(times)


def test_a_device_reports_each_timeline_point_once() -> None:
    cloud = frozen_cloud(START, live=False)
    pilote = add(cloud, "Pilote2", timer_switch=1)
    log = FeedLog(cloud)
    for _ in range(20):
        cloud.advance(3 * 3600)
        cloud.observe(pilote)
        cloud.observe(pilote)
    times = [at for at, _ in log.of(pilote)]
    assert times == [paris(2024, 3, 29, 22), paris(2024, 3, 30, 8), paris(2024, 3, 30, 22), paris(2024, 3, 31, 8),
                     paris(2024, 3, 31, 22), paris(2024, 4, 1, 6), paris(2024, 4, 1, 8)]


def test_a_restored_snapshot_goes_on_exactly_like_the_original() -> None:
    cloud = frozen_cloud(START)
    devices = [add(cloud, name) for name in PRODUCTS]
    cloud.apply(devices[0], {"derog_mode": 2, "derog_time": 90}, source="app")
    cloud.set_environment(devices[2], window_open=True)
    cloud.advance(1800)
    snapshot = cloud.snapshot()

    copy = frozen_cloud(cloud.now())
    copy.restore(snapshot)
    assert copy.simulation.wake_at(devices[0].did) == cloud.simulation.wake_at(devices[0].did)
    for world in (cloud, copy):
        world.advance(2 * 86400)
        for device in world.devices:
            world.observe(device)
    assert history_of(copy) == history_of(cloud)


def test_a_change_made_in_reaction_to_a_report_starts_from_it_live_or_lazy() -> None:
    """A write caused by a device's own report (as a rule makes) while its timeline is being published:
    every point is reported once, the points after follow the new state, live and lazy alike."""
    histories = []
    for live in (True, False):
        cloud = frozen_cloud(START, live=live)
        device = add(cloud, "Pilote2", timer_switch=1)
        on_eco(cloud, boost(cloud, 45), did=device.did, once=True)
        cloud.advance(2 * 86400)
        cloud.observe(device)
        histories.append(history_of(cloud))
    live_history, lazy_history = histories
    assert live_history == lazy_history
    program = [at for at, _, kind, source, _ in live_history if source == "program"]
    assert len(program) == len(set(program))
    eco = next(at for at, _, _, source, attrs in live_history if source == "program" and ("mode", "eco") in attrs)
    ticks = [at - eco for at, _, _, source, attrs in live_history
             if source == "device" and eco < at <= eco + 45 * 60 and any(k == "derog_time" for k, _ in attrs)]
    assert ticks == [60.0 * minute for minute in range(1, 46)]


def test_a_write_made_later_than_the_report_it_reacts_to_publishes_each_point_once() -> None:
    """Lazy timelines are published when the device is observed: a subscriber reacting to an old
    report with a write at the cloud's now publishes the points up to now first, then its write; the
    points between are not published a second time."""
    cloud = frozen_cloud(START, live=False)
    device = add(cloud, "Pilote2", timer_switch=1)
    written: list[float] = []

    def react(change: Any) -> None:
        if change.did == device.did and change.source == "program" and not written:
            written.append(cloud.now())
            cloud.apply(device, device.product.datapoints.validate_write({"mode": "fro"}), source="rule")

    cloud.feed.subscribe(react, reacts=True)
    cloud.advance(2 * 86400)
    cloud.observe(device)
    records = [(r.at, r.source, dict(r.attrs)) for r in cloud.history.of(device.did)]
    program = [at for at, source, _ in records if source == "program"]
    assert program and len(program) == len(set(program))
    assert [at for at, _, _ in records] == sorted(at for at, _, _ in records)
    assert records[-1] == (written[0], "rule", {"mode": "fro"})


def test_a_device_taken_offline_in_reaction_to_its_report_reports_nothing_more_until_back() -> None:
    """A subscriber takes a device offline when its program turns it to eco, for two hours: the device
    reports nothing while offline and reports again once back (live); lazy, where the report is
    published only when the device is observed, it reports nothing after going offline either."""
    for live in (True, False):
        cloud = frozen_cloud(START, live=live)
        device = add(cloud, "Pilote2", timer_switch=1)
        went: list[float] = []

        def offline(device: Any, change: Change, cloud: Cloud = cloud, went: list[float] = went) -> None:
            went.append(change.at)
            cloud.set_online(device, False, change.at, back_after=2 * 3600)

        on_eco(cloud, offline, did=device.did, once=True)
        cloud.advance(2 * 86400)
        cloud.observe(device)
        after = [(at - went[0], kind) for at, _, kind, _, _ in history_of(cloud) if at >= went[0]]
        assert after[:2] == [(0.0, "attrs"), (0.0, "offline")]
        if live:
            assert after[2:4] == [(2 * 3600.0, "online"), (2 * 3600.0, "attrs")]
            assert all(kind == "attrs" for _, kind in after[4:]) and len(after) > 4
        else:
            assert after[2:] == []
