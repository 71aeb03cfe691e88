"""Linkage rules actually run: events, OR-of-AND conditions, outputs with delays, intervals, chains."""

from __future__ import annotations

from typing import Any

import pytest
from clocked import T0, cloud_at
from conftest import login, user_headers
from msgspec import structs
from starlette.testclient import TestClient

from emulator.gizwits.cloud.automation.linkage import MAX_CHAIN
from emulator.gizwits.cloud.cloud import Cloud
from emulator.gizwits.devices.catalog import Catalog
from emulator.gizwits.devices.datapoints import ALERT, DatapointSet, DatapointSpec, layout


@pytest.fixture
def cloud() -> Cloud:
    return cloud_at(T0)


@pytest.fixture
def rule(client: TestClient, demo: dict[str, str], demo_dids: dict[str, str]):  # type: ignore[no-untyped-def]
    """Create a rule whose main device is a demo device of the given product; returns its id."""

    def create(main: str, *, event: str = "data", inputs: dict[str, str] | None = None,
               condition: list[list[dict[str, Any]]] | None = None, output: list[list[dict[str, Any]]],
               **extra: Any) -> int:
        did = demo_dids[main]
        product_key = client.get(f"/app/devices/{did}", headers=demo).json()["product_key"]
        body = {"product_key": product_key, "did": did, "event": event,
                "input": [{"did": demo_dids[name], "prefix": prefix} for prefix, name in (inputs or {}).items()],
                "condition": condition or [], "output": output, **extra}
        response = client.post("/app/rules", headers=demo, json=body)
        assert response.status_code == 200, response.text
        return response.json()["rule_id"]

    return create


def set_mode(did: str, mode: str) -> dict[str, Any]:
    return {"type": "devctrl", "did": did, "attrs": {"mode": mode}}


def mode(cloud: Cloud, did: str) -> Any:
    return cloud.devices.require(did).attrs["mode"]


def test_a_data_rule_fires_on_a_matching_report_and_controls_as_the_rule(rule, cloud: Cloud,  # type: ignore[no-untyped-def]
                                                                         demo_dids: dict[str, str]) -> None:
    soc, pilote = demo_dids["Pilote_Soc"], demo_dids["Pilote2"]
    rule("Pilote_Soc", inputs={"soc": "Pilote_Soc"},
         condition=[[{"left": "soc.mode", "opt": "==", "right": "'stop'"}]], output=[[set_mode(pilote, "stop")]])
    cloud.press(cloud.devices.require(soc), {"mode": "fro"})
    assert mode(cloud, pilote) == "cft"
    cloud.press(cloud.devices.require(soc), {"mode": "stop"})
    assert mode(cloud, pilote) == "stop"
    last = cloud.history.of(pilote)[-1]
    assert (last.source, last.attrs, last.at) == ("rule", {"mode": "stop"}, T0)


def test_conditions_are_an_or_of_ands(rule, cloud: Cloud, demo_dids: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    soc, pilote = demo_dids["Pilote_Soc"], demo_dids["Pilote2"]
    rule("Pilote_Soc", inputs={"soc": "Pilote_Soc", "p": "Pilote2"},
         condition=[[{"left": "soc.mode", "opt": "==", "right": "'fro'"},
                     {"left": "p.mode", "opt": "==", "right": "'eco'"}],
                    [{"left": "soc.lock_switch", "opt": ">=", "right": 1}]],
         output=[[set_mode(pilote, "stop")]])
    device = cloud.devices.require(soc)
    cloud.press(device, {"mode": "fro"})  # first group: Pilote2 is cft, not eco
    assert mode(cloud, pilote) == "cft"
    cloud.press(device, {"lock_switch": 1})  # second group holds alone
    assert mode(cloud, pilote) == "stop"


def test_enum_against_a_number_compares_the_index(rule, cloud: Cloud, demo_dids: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    soc, pilote = demo_dids["Pilote_Soc"], demo_dids["Pilote2"]
    rule("Pilote_Soc", inputs={"soc": "Pilote_Soc"}, condition=[[{"left": "soc.mode", "opt": "==", "right": "2"}]],
         output=[[set_mode(pilote, "eco")]])
    cloud.press(cloud.devices.require(soc), {"mode": "fro"})  # fro is index 2
    assert mode(cloud, pilote) == "eco"


def test_numbers_are_ordered_and_strings_are_not(rule, cloud: Cloud, demo_dids: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    pro, pilote, soc = demo_dids["Pilote_Pro"], demo_dids["Pilote2"], demo_dids["Pilote_Soc"]
    rule("Pilote_Pro", inputs={"pro": "Pilote_Pro"}, condition=[[{"left": "pro.cur_temp", "opt": ">", "right": 250}]],
         output=[[set_mode(pilote, "eco")]])
    rule("Pilote_Pro", inputs={"pro": "Pilote_Pro"}, condition=[[{"left": "pro.mode", "opt": ">", "right": "'a'"}]],
         output=[[set_mode(soc, "stop")]])
    device = cloud.devices.require(pro)
    cloud.set_environment(device, room_temp=24.0)  # the Pro reads 24 °C (±0.1): cur_temp 240
    assert mode(cloud, pilote) == "cft"
    cloud.set_environment(device, room_temp=26.0)
    assert mode(cloud, pilote) == "eco"
    assert mode(cloud, soc) == "eco"  # unchanged: "cft" > "a" is not a comparison rules make


def test_no_condition_fires_on_every_changing_report_but_not_on_an_empty_one(  # type: ignore[no-untyped-def]
        rule, cloud: Cloud, demo_dids: dict[str, str]) -> None:
    soc, pilote = demo_dids["Pilote_Soc"], demo_dids["Pilote2"]
    rule("Pilote_Soc", output=[[set_mode(pilote, "stop")]])
    device = cloud.devices.require(soc)
    cloud.apply(device, {"mode": "eco"}, source="device")  # nothing changes: no report to match
    assert mode(cloud, pilote) == "cft"
    cloud.apply(device, {"mode": "fro"}, source="device")
    assert mode(cloud, pilote) == "stop"


def test_online_and_offline_events(rule, cloud: Cloud, demo_dids: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    glow, pilote, soc = demo_dids["Glow_Simple"], demo_dids["Pilote2"], demo_dids["Pilote_Soc"]
    rule("Glow_Simple", event="offline", output=[[set_mode(pilote, "fro")]])
    rule("Glow_Simple", event="online", output=[[set_mode(soc, "cft")]])
    device = cloud.devices.require(glow)
    cloud.press(device, {"mode": "cft"})
    assert (mode(cloud, pilote), mode(cloud, soc)) == ("cft", "eco")
    cloud.set_online(device, False)
    assert (mode(cloud, pilote), mode(cloud, soc)) == ("fro", "eco")
    cloud.set_online(device, True)
    assert mode(cloud, soc) == "cft"


def test_interval_limits_how_often_a_rule_fires(rule, cloud: Cloud, demo_dids: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    soc, pilote = demo_dids["Pilote_Soc"], demo_dids["Pilote2"]
    rule("Pilote_Soc", interval=600, output=[[{"type": "devctrl", "did": pilote, "attrs": {"derog_time": 1}}]])
    device = cloud.devices.require(soc)
    pilote_device = cloud.devices.require(pilote)
    cloud.press(device, {"mode": "fro"})
    assert pilote_device.attrs["derog_time"] == 1
    cloud.press(pilote_device, {"derog_time": 0})
    cloud.advance(599)
    cloud.press(device, {"mode": "cft"})
    assert pilote_device.attrs["derog_time"] == 0
    cloud.advance(1)
    cloud.press(device, {"mode": "eco"})
    assert pilote_device.attrs["derog_time"] == 1


def test_output_groups_run_apart_and_a_failure_stops_its_group(rule, cloud: Cloud,  # type: ignore[no-untyped-def]
                                                               demo_dids: dict[str, str]) -> None:
    soc, pilote, glow, c3 = (demo_dids[n] for n in ("Pilote_Soc", "Pilote2", "Glow_Simple", "Pilote_Soc_C3"))
    cloud.set_online(cloud.devices.require(glow), False)
    rule("Pilote_Soc", output=[[set_mode(glow, "fro"), set_mode(pilote, "fro")], [set_mode(c3, "fro")]])
    cloud.press(cloud.devices.require(soc), {"mode": "fro"})
    assert mode(cloud, pilote) == "cft"  # after the offline Glow: not run
    assert mode(cloud, c3) == "fro"  # the other group is independent


def test_delays_wait_on_the_clock_and_survive_a_snapshot(rule, cloud: Cloud,  # type: ignore[no-untyped-def]
                                                         demo_dids: dict[str, str]) -> None:
    soc, pilote, c3 = demo_dids["Pilote_Soc"], demo_dids["Pilote2"], demo_dids["Pilote_Soc_C3"]
    rule("Pilote_Soc", output=[[set_mode(pilote, "eco"), {"type": "delay", "delay": 30}, set_mode(c3, "eco")]])
    cloud.press(cloud.devices.require(soc), {"mode": "fro"})
    assert (mode(cloud, pilote), mode(cloud, c3)) == ("eco", "cft1")
    saved = cloud.snapshot()
    cloud.advance(29)
    assert mode(cloud, c3) == "cft1"
    cloud.advance(1)
    assert mode(cloud, c3) == "eco"
    assert cloud.history.of(c3)[-1].at == T0 + 30
    cloud.restore(saved)
    assert mode(cloud, c3) == "cft1"
    cloud.advance(30)
    assert mode(cloud, c3) == "eco"


def test_deleting_a_rule_cancels_its_waiting_steps(client: TestClient, rule, cloud: Cloud,  # type: ignore[no-untyped-def]
                                                   demo: dict[str, str], demo_dids: dict[str, str]) -> None:
    soc, c3 = demo_dids["Pilote_Soc"], demo_dids["Pilote_Soc_C3"]
    rule_id = rule("Pilote_Soc", output=[[{"type": "delay", "delay": 30}, set_mode(c3, "eco")]])
    cloud.press(cloud.devices.require(soc), {"mode": "fro"})
    client.delete(f"/app/rules/{rule_id}", headers=demo)
    cloud.advance(60)
    assert mode(cloud, c3) == "cft1"


def test_output_values_can_copy_an_input_data_point(rule, cloud: Cloud, demo_dids: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    soc, pilote = demo_dids["Pilote_Soc"], demo_dids["Pilote2"]
    rule("Pilote_Soc", inputs={"soc": "Pilote_Soc"},
         output=[[{"type": "devctrl", "did": pilote, "attrs": {"mode": "soc.mode"}}]])
    cloud.press(cloud.devices.require(soc), {"mode": "stop"})
    assert mode(cloud, pilote) == "stop"


def test_a_rule_stops_when_its_owner_unbinds_the_main_device(client: TestClient, rule, cloud: Cloud,  # type: ignore[no-untyped-def]
                                                             demo: dict[str, str], demo_dids: dict[str, str]) -> None:
    soc, pilote = demo_dids["Pilote_Soc"], demo_dids["Pilote2"]
    rule("Pilote_Soc", output=[[set_mode(pilote, "stop")]])
    client.request("DELETE", "/app/bindings", headers=demo, json={"devices": [{"did": soc}]})
    cloud.press(cloud.devices.require(soc), {"mode": "fro"})
    assert mode(cloud, pilote) == "cft"


def test_rules_feeding_each_other_stop_after_a_bounded_chain(rule, cloud: Cloud,  # type: ignore[no-untyped-def]
                                                             demo_dids: dict[str, str]) -> None:
    soc = demo_dids["Pilote_Soc"]
    rule("Pilote_Soc", inputs={"s": "Pilote_Soc"}, condition=[[{"left": "s.mode", "opt": "==", "right": "'cft'"}]],
         output=[[set_mode(soc, "eco")]])
    rule("Pilote_Soc", inputs={"s": "Pilote_Soc"}, condition=[[{"left": "s.mode", "opt": "==", "right": "'eco'"}]],
         output=[[set_mode(soc, "cft")]])
    before = len(cloud.history.of(soc))
    cloud.press(cloud.devices.require(soc), {"mode": "cft"})
    assert len(cloud.history.of(soc)) - before == 1 + MAX_CHAIN


def test_alert_rules_fire_when_the_alert_occurs_and_recovers(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                             demo_dids: dict[str, str]) -> None:
    """No Heatzy product has alert data points: a product made for the test has one."""
    pilote2 = cloud.catalog.resolve("Pilote2")
    specs = [DatapointSpec("mode", "enum", enum=("cft", "eco", "fro")), DatapointSpec("overheat", "uint8", kind=ALERT,
                                                                                        max=1)]
    product = structs.replace(pilote2, product_key="0" * 32, name="Alerting",
                                  datapoints=DatapointSet(layout(specs)))
    cloud.catalog = Catalog([*cloud.catalog, product])
    device = cloud.register_device(product)
    user = cloud.users.find(demo["X-Gizwits-Application-Id"], email="demo@heatzy.test")
    assert user is not None
    cloud.bind(user, device)
    pilote, soc = demo_dids["Pilote2"], demo_dids["Pilote_Soc"]
    for value, target in (("1", pilote), ("0", soc)):
        body = {"product_key": product.product_key, "did": device.did, "event": "alert",
                "event_attr": {"attr_name": "overheat", "value": value}, "output": [[set_mode(target, "stop")]]}
        assert client.post("/app/rules", headers=demo, json=body).status_code == 200
    cloud.apply(device, {"mode": "eco"}, source="device")
    assert (mode(cloud, pilote), mode(cloud, soc)) == ("cft", "eco")
    cloud.apply(device, {"overheat": 1}, source="device")
    assert (mode(cloud, pilote), mode(cloud, soc)) == ("stop", "eco")
    cloud.apply(device, {"overheat": 0}, source="device")
    assert mode(cloud, soc) == "stop"


def test_a_rule_is_the_users_own(client: TestClient, rule, cloud: Cloud, demo_dids: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """The friend sees no rule and cannot delete it; the rule keeps running."""
    soc, pilote = demo_dids["Pilote_Soc"], demo_dids["Pilote2"]
    rule_id = rule("Pilote_Soc", output=[[set_mode(pilote, "stop")]])
    friend = user_headers(login(client, "friend@heatzy.test", "heatzy-friend")["token"])
    client.delete(f"/app/rules/{rule_id}", headers=friend)
    cloud.press(cloud.devices.require(soc), {"mode": "fro"})
    assert mode(cloud, pilote) == "stop"


def test_every_subscriber_sees_the_report_before_the_change_it_causes(rule, cloud: Cloud,  # type: ignore[no-untyped-def]
                                                                     demo_dids: dict[str, str]) -> None:
    soc, pilote = demo_dids["Pilote_Soc"], demo_dids["Pilote2"]
    rule("Pilote_Soc", output=[[set_mode(pilote, "stop")]])
    seen: list[tuple[str, str]] = []
    cloud.feed.subscribe(lambda change: seen.append((change.did, change.source)))  # subscribed after the rules
    cloud.press(cloud.devices.require(soc), {"mode": "fro"})
    assert seen == [(soc, "device"), (pilote, "rule")]


def test_a_rule_reacting_to_its_own_devices_program_change_takes_effect_at_that_instant(  # type: ignore[no-untyped-def]
        rule, cloud: Cloud, demo_dids: dict[str, str]) -> None:
    """A rule that starts a boost on a heater when its program turns it to eco runs while the heater's
    timeline is being reported: the program change is reported once, and the boost counts down from
    that instant, minute by minute, in live mode as the device lives on."""
    pilote = demo_dids["Pilote2"]
    device = cloud.devices.require(pilote)
    rule("Pilote2", inputs={"p": "Pilote2"}, condition=[[{"left": "p.mode", "opt": "==", "right": "'eco'"}]],
         output=[[{"type": "devctrl", "did": pilote, "attrs": {"derog_mode": 2, "derog_time": 30}}]])
    cloud.apply(device, {"timer_switch": 1}, source="app")
    cloud.advance(2 * 86400)
    history = cloud.history.of(pilote)
    eco = next(r.at for r in history if r.source == "program" and r.attrs.get("mode") == "eco")
    at_eco = [(r.source, dict(r.attrs)) for r in history if r.at == eco]
    assert at_eco == [("program", {"mode": "eco"}), ("rule", {"mode": "cft", "derog_mode": 2, "derog_time": 30})]
    countdown = [(r.at - eco, r.attrs["derog_time"]) for r in history
                 if eco < r.at < eco + 1800 and "derog_time" in r.attrs]
    assert countdown == [(60.0 * minute, 30 - minute) for minute in range(1, 30)]
    # The boost ends back in eco, which the rule sees: it starts the boost again.
    assert [(r.source, dict(r.attrs)) for r in history if r.at == eco + 1800] == [
        ("device", {"mode": "eco", "derog_mode": 0, "derog_time": 0}),
        ("rule", {"mode": "cft", "derog_mode": 2, "derog_time": 30})]
    assert cloud.simulation.wake_at(pilote) == device.family.next_point(device, cloud.now())[0]
