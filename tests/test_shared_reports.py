"""Reports many devices make alike are kept once (emulator.core.reports), and still read right."""

from __future__ import annotations

from simulated import frozen_cloud, paris

from emulator.core.reports import LIMIT, SharedReports


def test_one_report_per_key_and_the_changes_between_two_worked_out_once() -> None:
    reports = SharedReports()
    eco = reports.report(("t", "eco"), lambda: {"mode": "eco", "derog_time": 0})
    comfort = reports.report(("t", "cft"), lambda: {"mode": "cft", "derog_time": 0})
    assert reports.report(("t", "eco"), lambda: {"mode": "other"}) is eco
    changes = reports.changes(eco, comfort)
    assert changes == {"mode": "cft"}
    assert reports.changes(eco, comfort) is changes
    assert reports.changes(comfort, comfort) == {}


def test_changes_from_a_report_of_one_device_are_worked_out_each_time() -> None:
    reports = SharedReports()
    eco = reports.report(("t", "eco"), lambda: {"mode": "eco"})
    own = {"mode": "cft"}
    first = reports.changes(own, eco)
    assert first == {"mode": "eco"}
    own["mode"] = "eco"  # a device's own report may be another next time: nothing kept from before
    assert reports.changes(own, eco) == {}


def test_past_the_limit_a_family_gets_fresh_reports() -> None:
    reports = SharedReports()
    for n in range(LIMIT):
        reports.report(n, lambda n=n: {"n": n})
    extra = reports.report("extra", lambda: {"n": -1})
    again = reports.report("extra", lambda: {"n": -1})
    assert extra == again and extra is not again
    shared = reports.report(0, lambda: {"n": "rebuilt"})
    assert reports.changes(shared, extra) == {"n": -1}
    extra["n"] = -2  # not shared: its changes are not kept
    assert reports.changes(shared, extra) == {"n": -2}


def test_devices_following_one_program_publish_the_same_changes_and_their_history_reads_right() -> None:
    cloud = frozen_cloud(paris(2024, 1, 8, 1, 0))
    model = cloud.catalog.by_name("Pilote2")
    devices = [cloud.register_device(model, attrs={"timer_switch": 1}) for _ in range(3)]
    cloud.advance(24 * 3600)
    histories = [[(r.at, r.source, dict(r.attrs)) for r in cloud.history.of(d.did) if r.source == "program"]
                 for d in devices]
    assert histories[0] and histories[0] == histories[1] == histories[2]
    assert {attrs["mode"] for _, _, attrs in histories[0]} >= {"cft", "eco"}
    first = [r for r in cloud.history.of(devices[0].did) if r.source == "program"]
    second = [r for r in cloud.history.of(devices[1].did) if r.source == "program"]
    # After the first (from the state the device was created in), one dict for all of them.
    assert len(first) > 2 and all(a.attrs is b.attrs for a, b in zip(first[1:], second[1:], strict=True))
    reported = [cloud.devices.get(d.did).read(cloud.now())["mode"] for d in devices]
    assert len(set(reported)) == 1
