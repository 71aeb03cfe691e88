"""eWeLink devices live on the emulator's clock: inching, timers (once, repeat, duration,
delay) firing from the event queue, startup on reconnect, the POW R2 stream, the TH16's room
and auto control, the door sensor's battery; every change on the feed, in the operation log."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import MONDAY_7AM_PARIS
from ewelink_support import DOOR, LAMP, POWR2, STRIP, TH16, Ewe, eclient, ecloud, ewe, ewelink_of

from emulator.gizwits.cloud.cloud import Cloud

__all__ = ["eclient", "ecloud", "ewe"]
T0 = MONDAY_7AM_PARIS  # Monday 23 November 2026, 06:00 UTC


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def timer(kind: str, at: str, **extra: object) -> dict[str, object]:
    device_kind = "once" if kind == "delay" else kind
    return {"enabled": 1, "mId": f"m-{kind}", "type": device_kind, "coolkit_timer_type": kind, "at": at, **extra}


def test_inching_turns_the_relay_back_off_after_the_pulse_width(ewe: Ewe, ecloud: Cloud) -> None:
    assert ewe.control(LAMP, {"pulse": "on", "pulseWidth": 2500})["error"] == 0
    ewe.control(LAMP, {"switch": "on"})
    ecloud.advance(2)
    assert ewe.status(LAMP)["switch"] == "on"
    ecloud.advance(1)
    assert ewe.status(LAMP)["switch"] == "off"
    logs = ewe.ok(ewe.get("/v2/device/history", deviceid=LAMP))["histories"]
    assert logs[0]["userAgent"] == "device" and logs[0]["request"] == '{"switch":"off"}'
    assert ewe.control(LAMP, {"pulseWidth": 700})["error"] == 400  # steps of 500 ms


def test_a_once_timer_fires_at_its_utc_instant_and_only_once(ewe: Ewe, ecloud: Cloud) -> None:
    ewe.control(LAMP, {"timers": [timer("once", iso(T0 + 600), do={"switch": "on"})]})
    ecloud.advance(599)
    assert ewe.status(LAMP)["switch"] == "off"
    ecloud.advance(1)
    assert ewe.status(LAMP)["switch"] == "on"
    ewe.control(LAMP, {"switch": "off"})
    ecloud.advance(86400)
    assert ewe.status(LAMP)["switch"] == "off"


def test_a_repeat_timer_follows_its_cron_in_utc(ewe: Ewe, ecloud: Cloud) -> None:
    # 08:36 UTC on Mondays and Wednesdays; T0 is a Monday 06:00 UTC.
    ewe.control(LAMP, {"timers": [timer("repeat", "36 8 * * 1,3", do={"switch": "on"}),
                                  timer("repeat", "40 8 * * 1,3", do={"switch": "off"})]})
    ecloud.advance(2 * 3600 + 36 * 60)
    assert ewe.status(LAMP)["switch"] == "on"
    ecloud.advance(4 * 60)
    assert ewe.status(LAMP)["switch"] == "off"
    ecloud.advance(86400 - 4 * 60)  # Tuesday 08:36: nothing
    assert ewe.status(LAMP)["switch"] == "off"
    ecloud.advance(86400)  # Wednesday 08:36
    assert ewe.status(LAMP)["switch"] == "on"
    requests = [log["request"] for log in ewe.ok(ewe.get("/v2/device/history", deviceid=LAMP))["histories"]]
    assert requests[:4] == ['{"switch":"on"}', '{"switch":"off"}', '{"switch":"on"}', '{"timers":' + requests[3][10:]]


def test_a_duration_timer_loops_start_and_end_actions(ewe: Ewe, ecloud: Cloud) -> None:
    ewe.control(LAMP, {"timers": [timer("duration", f"{iso(T0)} 10 5", startDo={"switch": "on"},
                                        endDo={"switch": "off"})]})
    seen = []
    for _ in range(6):
        ecloud.advance(5 * 60)
        seen.append(ewe.status(LAMP)["switch"])
    # 06:05 off, 06:10 on (start), 06:15 off (end), 06:20 off, 06:25 on, 06:30 off
    assert seen == ["off", "on", "off", "off", "on", "off"]


def test_a_delay_timer_counts_down_and_a_disabled_timer_never_fires(ewe: Ewe, ecloud: Cloud) -> None:
    ewe.control(LAMP, {"timers": [timer("delay", iso(T0 + 30 * 60), do={"switch": "on"}, period="30"),
                                  {**timer("once", iso(T0 + 60), do={"switch": "on"}), "enabled": 0}]})
    ecloud.advance(29 * 60)
    assert ewe.status(LAMP)["switch"] == "off"
    ecloud.advance(60)
    assert ewe.status(LAMP)["switch"] == "on"


def test_bad_timers_are_refused(ewe: Ewe) -> None:
    for bad in ([timer("repeat", "61 8 * * *", do={"switch": "on"})], [timer("once", "tomorrow", do={"switch": "on"})],
                [timer("duration", f"{iso(T0)} 0 5", startDo={"switch": "on"}, endDo={"switch": "off"})],
                [{"enabled": 1, "coolkit_timer_type": "weekly", "at": "x", "do": {}}], "not a list"):
        assert ewe.control(LAMP, {"timers": bad})["error"] == 400, bad


def test_four_channel_timers_and_inching_per_outlet(ewe: Ewe, ecloud: Cloud) -> None:
    ewe.control(STRIP, {"pulses": [{"pulse": "on", "width": 1000, "outlet": 1}]})
    ewe.control(STRIP, {"switches": [{"switch": "on", "outlet": 1}, {"switch": "on", "outlet": 3}]})
    ecloud.advance(1)
    assert [s["switch"] for s in ewe.status(STRIP)["switches"]] == ["off", "off", "off", "on"]
    ewe.control(STRIP, {"timers": [timer("once", iso(T0 + 120), do={"switches": [{"switch": "on", "outlet": 0}]})]})
    ecloud.advance(120)
    assert [s["switch"] for s in ewe.status(STRIP)["switches"]] == ["on", "off", "off", "on"]


def test_startup_sets_the_relay_when_the_device_comes_back(ewe: Ewe, ecloud: Cloud) -> None:
    cloud = ewelink_of(ecloud)
    ewe.control(LAMP, {"startup": "on"})
    cloud.set_online(cloud.device(LAMP), False)
    ecloud.advance(60)
    cloud.set_online(cloud.device(LAMP), True)
    assert ewe.status(LAMP)["switch"] == "on"
    ewe.control(STRIP, {"configure": [{"startup": "on", "outlet": 2}, {"startup": "stay", "outlet": 3}]})
    cloud.set_online(cloud.device(STRIP), False)
    cloud.set_online(cloud.device(STRIP), True)
    assert [s["switch"] for s in ewe.status(STRIP)["switches"]] == ["off", "off", "on", "off"]
    kinds = [r.kind for r in ecloud.history.of(LAMP)]
    assert kinds[-3:] == ["offline", "online", "attrs"]


def test_the_power_meter_reports_its_load_and_streams_while_ui_active(ewe: Ewe, ecloud: Cloud) -> None:
    params = ewe.status(POWR2)
    assert (params["power"], params["voltage"], params["current"]) == ("420.00", "230.00", "1.83")
    ewe.control(POWR2, {"switch": "off"})
    assert ewe.status(POWR2)["power"] == "0.00"
    ewe.control(POWR2, {"switch": "on", "uiActive": 60})
    start = len(ecloud.history.of(POWR2))
    ecloud.advance(60)
    readings = [r for r in ecloud.history.of(POWR2)[start:] if r.source == "sensor"]
    assert 8 <= len(readings) <= 13 and all(isinstance(r.attrs.get("voltage", "0.00"), str) for r in readings)
    assert "uiActive" not in ewe.status(POWR2)
    assert readings[-1].attrs.get("voltage") == "230.00"  # the stream's end: back to the steady reading
    ecloud.advance(600)
    assert len(ecloud.history.of(POWR2)) == start + len(readings)  # the stream stopped


def test_the_thermostat_drives_its_relay_by_its_targets(ewe: Ewe, ecloud: Cloud) -> None:
    # 19.5 °C, auto control on, targets: on at or below 20, off at or above 26.
    ecloud.advance(300)
    assert ewe.status(TH16)["switch"] == "on"
    temperatures = []
    for _ in range(12):
        ecloud.advance(3600)
        params = ewe.status(TH16)
        temperatures.append((float(params["currentTemperature"]), params["switch"]))
    assert any(switch == "off" for _, switch in temperatures), temperatures
    assert max(t for t, _ in temperatures) < 26.5
    assert ewe.status(TH16)["currentHumidity"] == "45.0"
    ewe.control(TH16, {"mainSwitch": "off"})
    ewe.control(TH16, {"switch": "off"})
    ecloud.advance(24 * 3600)
    params = ewe.status(TH16)
    assert params["switch"] == "off" and float(params["currentTemperature"]) < 14


def test_the_door_sensor_opens_by_a_press_and_its_battery_drains(ewe: Ewe, ecloud: Cloud) -> None:
    cloud = ewelink_of(ecloud)
    ecloud.advance(1)
    stamp = iso(T0 + 1)[:19] + "Z"
    assert cloud.press(cloud.device(DOOR), {"switch": "on"}) == {"switch": "on", "actionTime": stamp,
                                                                  "lastUpdateTime": stamp}
    assert ewe.status(DOOR)["switch"] == "on"
    cloud.set_environment(cloud.device(DOOR), {"open": False})
    assert ewe.status(DOOR)["switch"] == "off"
    ecloud.advance(15 * 86400)
    assert ewe.status(DOOR)["battery"] == 98
