"""The eWeLink WebSocket ``/api/ws`` in raw frames, in-process (no socket): the handshake, update,
query, ping, pushes from every path a device changes by, and what no bad frame may do (close the
socket or get no answer). docs/ewelink.md ("WebSocket") is the reference."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from httpx_ws import AsyncWebSocketSession, WebSocketDisconnect

from emulator.ewelink.cloud.accounts import EwelinkAccount
from emulator.testing import Emulator

WS = AsyncWebSocketSession
TIMEOUT = 3.0
SWITCH, STRIP, POWR2, DOOR = 1, 4, 32, 102


@pytest.fixture
def emu(gizwits: Emulator) -> Emulator:
    return gizwits


def online_frame(account: EwelinkAccount, **changes: Any) -> dict[str, Any]:
    """The handshake as the official SDK sends it (no ``ts``, no ``version``)."""
    return {"action": "userOnline", "at": account.at, "apikey": account.apikey, "appid": account.appid,
            "nonce": "a1b2c3d4", "userAgent": "app", "sequence": "1700000000000", **changes}


async def receive(ws: WS, timeout: float = TIMEOUT) -> Any:
    return json.loads(await ws.receive_text(timeout=timeout))


async def nothing(ws: WS, within: float = 0.2) -> None:
    with pytest.raises(TimeoutError):
        frame = await ws.receive_text(timeout=within)
        pytest.fail(f"expected no frame, got {frame}")


async def online(ws: WS, account: EwelinkAccount) -> dict[str, Any]:
    await ws.send_json(online_frame(account))
    answer = await receive(ws)
    assert answer["error"] == 0, answer
    return answer  # type: ignore[no-any-return]


async def still_open(ws: WS) -> None:
    await ws.send_text("ping")
    assert await ws.receive_text(timeout=TIMEOUT) == "pong"


async def answer_on(ws: WS) -> dict[str, Any]:
    """The next answer on ``ws``, past the pushes before it."""
    while "error" not in (frame := await receive(ws)):
        pass
    return frame  # type: ignore[no-any-return]


def run(emu: Emulator, flow: Callable[..., Awaitable[Any]], sockets: int = 1, region: str | None = None) -> Any:
    async def main() -> Any:
        if sockets == 1:
            async with emu.ewelink.websocket(region) as ws:
                return await flow(ws)
        async with emu.ewelink.websocket(region) as first, emu.ewelink.websocket(region) as second:
            return await flow(first, second)

    return asyncio.run(main())


def update(deviceid: str, params: dict[str, Any], sequence: str = "1700000000001", **more: Any) -> dict[str, Any]:
    return {"action": "update", "apikey": "", "deviceid": deviceid, "params": params, "userAgent": "app",
            "sequence": sequence, **more}


# -- the handshake ------------------------------------------------------------------------------------
def test_user_online_answers_error_0_with_the_heartbeat_config_and_the_same_sequence(emu: Emulator) -> None:
    account = emu.ewelink.account(SWITCH)

    async def flow(ws: WS) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        await ws.send_json(online_frame(account, version=8, ts=1700000000))
        return await receive(ws), emu.ws_sessions()

    answer, sessions = run(emu, flow, region="eu")
    assert answer == {"error": 0, "apikey": account.apikey, "config": {"hb": 1, "hbInterval": 145},
                      "sequence": "1700000000000"}
    [session] = sessions
    assert session["cloud"] == "ewelink" and session["logged_in"] and session["apikey"] == account.apikey


@pytest.mark.parametrize("case", ["bad at", "apikey of another", "missing at", "revoked at", "other region"])
def test_a_bad_handshake_is_406_and_the_socket_stays_usable(emu: Emulator, case: str) -> None:
    account = emu.ewelink.account(SWITCH)
    other = emu.ewelink.account(SWITCH)
    frame = {"bad at": online_frame(account, at="0" * 40),
             "apikey of another": online_frame(account, apikey=other.apikey),
             "missing at": {k: v for k, v in online_frame(account).items() if k != "at"},
             "revoked at": online_frame(account), "other region": online_frame(account)}[case]
    if case == "revoked at":  # a new login of the account to the same app revokes its earlier tokens
        asyncio.run(_login_again(emu, account))

    async def flow(ws: WS) -> list[Any]:
        await ws.send_json(frame)
        refused = await receive(ws)
        await ws.send_json(update(account.deviceid(SWITCH), {"switch": "on"}))
        before_login = await receive(ws)
        await still_open(ws)
        return [refused, before_login]

    refused, before_login = run(emu, flow, region="us" if case == "other region" else None)
    assert refused == {"error": 406, "reason": "Authentication Failed", "sequence": "1700000000000"}
    assert before_login["error"] == 406 and before_login["deviceid"] == account.deviceid(SWITCH)
    assert emu.device(account.deviceid(SWITCH)).attrs["switch"] == "off"


async def _login_again(emu: Emulator, account: EwelinkAccount) -> None:
    async with emu.ewelink.client("eu") as client:
        raw = json.dumps({"email": account.email, "password": account.password, "countryCode": "+33"}).encode()
        from emulator.ewelink.api.http import sign

        answer = await client.post("/v2/user/login", content=raw, headers={
            "X-CK-Appid": account.appid, "Authorization": "Sign " + sign(account.app_secret, raw),
            "Content-Type": "application/json"})
        assert answer.json()["error"] == 0


def test_an_expired_at_is_406_on_the_emulated_clock(emu: Emulator) -> None:
    account = emu.ewelink.account(SWITCH)
    emu.clock.advance(days=31)  # an at lives 30 days

    async def flow(ws: WS) -> Any:
        await ws.send_json(online_frame(account))
        return await receive(ws)

    assert run(emu, flow)["error"] == 406


def test_an_unknown_appid_is_refused_with_407(emu: Emulator) -> None:
    account = emu.ewelink.account(SWITCH)

    async def flow(ws: WS) -> Any:
        await ws.send_json(online_frame(account, appid="NoSuchAppNoSuchAppNoSuchAppNoSu"))
        refused = await receive(ws)
        await online(ws, account)  # then a good handshake on the same socket
        return refused

    assert run(emu, flow) == {"error": 407, "reason": "appid has no permission", "sequence": "1700000000000"}


# -- update -------------------------------------------------------------------------------------------
def test_update_acks_with_the_same_sequence_and_pushes_to_the_other_sessions_only(emu: Emulator) -> None:
    account = emu.ewelink.account(SWITCH)
    lamp = account.deviceid(SWITCH)

    async def flow(mine: WS, other: WS) -> list[Any]:
        await online(mine, account)
        await online(other, account)
        await mine.send_json(update(lamp, {"switch": "on"}, "1700000000042"))
        ack, push = await receive(mine), await receive(other)
        await nothing(mine)
        return [ack, push]

    ack, push = run(emu, flow, sockets=2)
    assert ack == {"error": 0, "apikey": account.apikey, "deviceid": lamp, "sequence": "1700000000042"}
    assert push == {"action": "update", "deviceid": lamp, "apikey": account.apikey, "userAgent": "device",
                    "from": "device", "params": {"switch": "on"}}
    assert emu.device(lamp).attrs["switch"] == "on"


@pytest.mark.parametrize(("uiid", "params", "code"), [
    (SWITCH, {"switch": "maybe"}, 400), (SWITCH, {"colour": "red"}, 400), (SWITCH, {"pulseWidth": 777}, 400),
    (STRIP, {"switches": [{"switch": "on", "outlet": 9}]}, 400), (DOOR, {"switch": "on"}, 400),
])
def test_update_params_are_checked_by_the_device_family_like_http(emu: Emulator, uiid: int, params: dict[str, Any],
                                                                   code: int) -> None:
    account = emu.ewelink.account(uiid)
    deviceid = account.deviceid(uiid)
    before = dict(emu.device(deviceid).attrs)

    async def flow(ws: WS) -> Any:
        await online(ws, account)
        await ws.send_json(update(deviceid, params))
        return await receive(ws)

    answer = run(emu, flow)
    assert answer["error"] == code and answer["deviceid"] == deviceid and answer["sequence"] == "1700000000001"
    assert emu.device(deviceid).attrs == before


def test_update_of_an_offline_or_silent_device_is_504_and_changes_nothing(emu: Emulator) -> None:
    account = emu.ewelink.account(SWITCH, SWITCH)
    offline, silent = account.deviceids
    emu.device(offline).offline()
    emu.device(silent).silence()

    async def flow(ws: WS) -> list[Any]:
        await online(ws, account)
        answers = []
        for deviceid in (offline, silent):
            await ws.send_json(update(deviceid, {"switch": "on"}))
            answers.append(await receive(ws))
        return answers

    for answer, deviceid in zip(run(emu, flow), (offline, silent), strict=True):
        assert answer == {"error": 504, "reason": "the device did not respond", "deviceid": deviceid,
                          "sequence": "1700000000001"}
        assert emu.device(deviceid).attrs["switch"] == "off"


def test_update_of_a_device_of_another_account_is_405(emu: Emulator) -> None:
    account, stranger = emu.ewelink.account(SWITCH), emu.ewelink.account(SWITCH)

    async def flow(ws: WS) -> list[Any]:
        await online(ws, account)
        await ws.send_json(update(stranger.deviceid(SWITCH), {"switch": "on"}))
        unknown = await receive(ws)
        await ws.send_json(update(stranger.deviceid(SWITCH), {"switch": "on"}, apikey=stranger.apikey))
        return [unknown, await receive(ws)]

    unknown, posing = run(emu, flow)
    assert unknown["error"] == 405 and posing["error"] == 406
    assert emu.device(stranger.deviceid(SWITCH)).attrs["switch"] == "off"


def test_a_shared_device_is_written_by_the_receiver_and_pushed_to_the_owner(emu: Emulator) -> None:
    owner, friend = emu.ewelink.account(SWITCH), emu.ewelink.account()
    lamp = owner.deviceid(SWITCH)
    cloud = emu.ewelink.cloud
    with cloud.lock:
        cloud.share(cloud.accounts.get(owner.apikey), [lamp], cloud.accounts.get(friend.apikey), 15, "")

    async def flow(owner_ws: WS, friend_ws: WS) -> list[Any]:
        await online(owner_ws, owner)
        await online(friend_ws, friend)
        await friend_ws.send_json(update(lamp, {"switch": "on"}, apikey=owner.apikey, selfApikey=friend.apikey))
        ack, push = await receive(friend_ws), await receive(owner_ws)
        emu.device(lamp).press(switch="off")  # both get the device's own change
        return [ack, push, await receive(owner_ws), await receive(friend_ws)]

    ack, push, owner_sees, friend_sees = run(emu, flow, sockets=2)
    assert ack["error"] == 0 and push["params"] == {"switch": "on"} and push["apikey"] == owner.apikey
    assert owner_sees == friend_sees and owner_sees["params"] == {"switch": "off"}


# -- query --------------------------------------------------------------------------------------------
def test_query_answers_the_params_asked_or_all_of_them(emu: Emulator) -> None:
    account = emu.ewelink.account(SWITCH)
    lamp = account.deviceid(SWITCH)

    async def flow(ws: WS) -> list[Any]:
        await online(ws, account)
        answers = []
        for names in (["switch", "timers "], [], ["switch", "nothing-like-it"]):
            await ws.send_json({"action": "query", "apikey": account.apikey, "deviceid": lamp, "params": names,
                                "userAgent": "app", "sequence": "7"})
            answers.append(await receive(ws))
        return answers

    named, every, with_unknown = run(emu, flow)
    assert named == {"error": 0, "apikey": account.apikey, "deviceid": lamp,
                     "params": {"switch": "off", "timers": []}, "sequence": "7"}
    assert every["params"] == emu.device(lamp).attrs and {"startup", "pulse", "fwVersion"} <= set(every["params"])
    assert with_unknown["params"] == {"switch": "off"}


def _days_of(data: str) -> list[float]:
    """``hundredDaysKwhData`` read as the clients read it: per six characters, the whole kWh in
    hexadecimal, then the 4th and 6th characters as the hundredths."""
    return [round(int(data[i:i + 2], 16) + int(data[i + 3] + data[i + 5]) * 0.01, 2) for i in range(0, len(data), 6)]


def test_a_pow_answers_hundred_days_kwh_with_the_energy_its_load_drew_day_by_day(emu: Emulator) -> None:
    account = emu.ewelink.account(POWR2)
    meter = account.deviceid(POWR2)
    emu.clock.freeze("2025-01-06T08:00:00Z")
    emu.device(meter).press(switch="on")  # 60 W (the default load) from 08:00
    emu.clock.advance(hours=16)  # midnight: 0.96 kWh on the 6th
    emu.clock.advance(hours=2)
    emu.device(meter).press(switch="off")  # 0.12 kWh on the 7th
    emu.clock.advance(hours=5)  # nothing drawn while off

    async def flow(ws: WS) -> list[Any]:
        await online(ws, account)
        await ws.send_json(update(meter, {"hundredDaysKwh": "get"}, "55"))
        answers = [await answer_on(ws)]
        await ws.send_json(update(meter, {"hundredDaysKwh": "give"}, "56"))
        answers.append(await answer_on(ws))
        await nothing(ws)  # a question changes nothing: no push
        return answers

    asked, refused = run(emu, flow)
    assert asked["error"] == 0 and asked["sequence"] == "55"
    data = asked["config"]["hundredDaysKwhData"]
    assert len(data) == 600 and set(data) <= set("0123456789abcdef")
    assert _days_of(data) == [0.12, 0.96] + [0.0] * 98  # today first
    assert refused["error"] == 400
    assert "hundredDaysKwh" not in emu.device(meter).attrs


def test_a_day_over_255_kwh_is_capped_where_the_format_ends(emu: Emulator) -> None:
    account = emu.ewelink.account(POWR2)
    meter = account.deviceid(POWR2)
    emu.clock.freeze("2025-01-06T00:00:00Z")
    emu.device(meter).environment(load=12_000)
    emu.device(meter).press(switch="on")
    emu.clock.advance(hours=23)  # 276 kWh

    async def flow(ws: WS) -> Any:
        await online(ws, account)
        await ws.send_json(update(meter, {"hundredDaysKwh": "get"}))
        return await answer_on(ws)

    data = run(emu, flow)["config"]["hundredDaysKwhData"]
    assert data[:6] == "ff0909" and _days_of(data)[0] == 255.99


# -- pushes -------------------------------------------------------------------------------------------
def test_every_path_a_device_changes_by_is_pushed(emu: Emulator) -> None:
    """HTTP status set, a control-plane press, a timer firing and readings on the clock."""
    account = emu.ewelink.account(SWITCH, POWR2)
    lamp, meter = account.deviceid(SWITCH), account.deviceid(POWR2)
    emu.clock.freeze("2025-01-06T08:00:00Z")

    async def flow(ws: WS, app: WS) -> list[Any]:
        await online(ws, account)
        await online(app, account)
        async with emu.ewelink.client("eu", headers={"Authorization": f"Bearer {account.at}"}) as http:
            answer = await http.post("/v2/device/thing/status", json={"type": 1, "id": lamp,
                                                                       "params": {"switch": "on"}})
            assert answer.json()["error"] == 0
        pushes = [await receive(ws)]
        emu.device(lamp).press(switch="off")
        pushes.append(await receive(ws))
        timer = {"enabled": 1, "mId": "t-1", "type": "once", "at": "2025-01-06T08:10:00.000Z",
                 "do": {"switch": "on"}, "coolkit_timer_type": "delay", "period": "10"}
        await app.send_json(update(lamp, {"timers": [timer]}))
        assert (await answer_on(app))["error"] == 0
        pushes.append(await receive(ws))  # the timers themselves
        emu.clock.advance(minutes=11)
        pushes.append(await receive(ws))
        await app.send_json(update(meter, {"uiActive": 60}))
        assert (await answer_on(app))["error"] == 0
        pushes.append(await receive(ws))
        emu.clock.advance(seconds=6)
        pushes.append(await receive(ws))
        return pushes

    http, press, timers, fired, active, reading = run(emu, flow, sockets=2)
    assert [p["params"] for p in (http, press, fired)] == [{"switch": "on"}, {"switch": "off"}, {"switch": "on"}]
    assert all(p["action"] == "update" and p["deviceid"] == lamp for p in (http, press, timers, fired))
    assert timers["params"]["timers"][0]["mId"] == "t-1"
    # uiActive starts a stream of readings every 5 s (the relay is off: the mains voltage moves)
    assert active["deviceid"] == reading["deviceid"] == meter
    assert isinstance(reading["params"]["voltage"], str) and reading["params"] != active["params"]


def test_sysmsg_tells_when_a_device_goes_offline_and_comes_back(emu: Emulator) -> None:
    """While offline a device reports nothing (its timer still fires); back online it reports what differs."""
    account = emu.ewelink.account(SWITCH)
    lamp = account.deviceid(SWITCH)
    emu.clock.freeze("2025-01-06T08:00:00Z")

    async def flow(ws: WS, app: WS) -> list[Any]:
        await online(ws, account)
        await online(app, account)
        timer = {"enabled": 1, "mId": "t-2", "type": "once", "at": "2025-01-06T08:05:00.000Z",
                 "do": {"switch": "on"}, "coolkit_timer_type": "once"}
        await app.send_json(update(lamp, {"startup": "stay", "timers": [timer]}))  # "stay": back as it was
        assert (await answer_on(app))["error"] == 0
        assert "timers" in (await receive(ws))["params"]
        emu.device(lamp).offline()
        gone = await receive(ws)
        emu.clock.advance(minutes=10)
        await nothing(ws)
        emu.device(lamp).online()
        return [gone, await receive(ws), await receive(ws)]

    gone, back, report = run(emu, flow, sockets=2)
    assert gone["action"] == "sysmsg" and gone["params"] == {"online": False} and gone["deviceid"] == lamp
    assert back["params"] == {"online": True} and back["apikey"] == account.apikey
    assert len(gone["nonce"]) == 8 and isinstance(gone["ts"], int)
    assert report["action"] == "update" and report["params"]["switch"] == "on"


def test_nothing_is_pushed_to_sessions_of_other_accounts(emu: Emulator) -> None:
    account, stranger = emu.ewelink.account(SWITCH), emu.ewelink.account(SWITCH)

    async def flow(ws: WS) -> None:
        await online(ws, stranger)
        emu.device(account.deviceid(SWITCH)).press(switch="on")
        await nothing(ws)

    run(emu, flow)


# -- hostile frames -------------------------------------------------------------------------------------
HOSTILE = [
    "{", "pong", "PING!", "[1, 2]", "null", '"text"', "12", "[" * 5000 + "]" * 5000, '{"action": 5}', '{"action": ""}',
    '{"no": "action"}', '{"action": "sysmsg"}', '{"action": "upgrade", "params": {}}', '{"action": "date"}',
    '{"action": "update"}', '{"action": "update", "deviceid": 7, "params": {}, "sequence": "1"}',
    '{"action": "update", "deviceid": "1000a0b001", "params": [], "sequence": "1"}',
    '{"action": "update", "deviceid": "1000a0b001", "params": {"switch": "on"}}',
    '{"action": "update", "deviceid": "1000a0b001", "params": {"switch": "on"}, "sequence": true}',
    '{"action": "query", "deviceid": "1000a0b001", "params": "switch", "sequence": "1"}',
    '{"action": "query", "deviceid": "1000a0b001", "params": [1], "sequence": "1"}',
    '{"action": "update", "deviceid": "1000a0b001", "params": {"switch": "on"}, "sequence": "1", "apikey": 3}',
    '{"action": "userOnline", "at": ["x"], "apikey": {}, "appid": null}', "NaN", '{"a": 1e999999}',
]


def test_hostile_frames_get_an_error_answer_and_never_close_the_socket(emu: Emulator) -> None:
    account = emu.ewelink.account(SWITCH)

    async def flow(ws: WS) -> list[Any]:
        await online(ws, account)
        answers = []
        for text in HOSTILE:
            await ws.send_text(text)
            answers.append(await receive(ws))
        await ws.send_bytes(b"\xff\xfe not text")
        answers.append(await receive(ws))
        await online(ws, account)  # the session works as before
        await still_open(ws)
        return answers

    answers = run(emu, flow)
    assert len(answers) == len(HOSTILE) + 1
    for text, answer in zip([*HOSTILE, "bytes"], answers, strict=True):
        assert answer["error"] in (400, 406, 407) and answer["reason"], (text, answer)
    assert emu.device(account.deviceid(SWITCH)).attrs["switch"] == "off"
    not_understood = emu.frames(direction="in", understood=False)
    assert len(not_understood) >= 15


def test_frames_are_journaled_with_the_at_redacted(emu: Emulator) -> None:
    account = emu.ewelink.account(SWITCH)

    async def flow(ws: WS) -> None:
        await online(ws, account)
        await ws.send_json(update(account.deviceid(SWITCH), {"switch": "on"}))
        await receive(ws)
        await still_open(ws)

    run(emu, flow)
    incoming = [(r.cmd, r.did) for r in emu.frames(direction="in")]
    assert incoming == [("userOnline", None), ("update", account.deviceid(SWITCH)), ("ping", None)]
    assert emu.frames(cmd="userOnline", direction="in")[0].frame["at"] == "<redacted>"
    assert account.at not in json.dumps([r.as_dict() for r in emu.frames()])
    assert [r.cmd for r in emu.frames(direction="out")] == ["userOnline", "update", "pong"]


# -- heartbeat, resets, the control plane ----------------------------------------------------------------
def test_no_ping_within_the_heartbeat_timeout_closes_the_session_on_real_time() -> None:
    with Emulator(ws_heartbeat_timeout=0.5) as emu:
        account = emu.ewelink.account(SWITCH)
        emu.clock.freeze("2025-01-06T08:00:00Z")  # emulated time stands still: the watchdog does not

        async def flow(ws: WS, pinging: WS) -> Any:
            answer = await online(ws, account)
            await online(pinging, account)
            for _ in range(4):
                await asyncio.sleep(0.2)
                await still_open(pinging)
            with pytest.raises(WebSocketDisconnect):
                await ws.receive_text(timeout=2.0)
            await still_open(pinging)
            return answer

        answer = run(emu, flow, sockets=2)
    assert answer["config"] == {"hb": 1, "hbInterval": 1}


def test_a_reset_closes_ewelink_sessions_with_1012(emu: Emulator) -> None:
    account = emu.ewelink.account(SWITCH)

    async def flow(ws: WS) -> int:
        await online(ws, account)
        emu.reset()
        with pytest.raises(WebSocketDisconnect) as closed:
            await ws.receive_text(timeout=TIMEOUT)
        return closed.value.code

    assert run(emu, flow) == 1012


def test_the_control_plane_lists_and_closes_ewelink_sessions_but_sends_them_no_gizwits_codes(emu: Emulator) -> None:
    account = emu.ewelink.account(SWITCH)

    async def flow(ws: WS) -> tuple[Any, ...]:
        await online(ws, account)
        async with emu.client() as admin:
            [listed] = (await admin.get("/_emulator/ws/sessions")).json()
            refused = await admin.post("/_emulator/ws/sessions/error", json={"code": 1009, "session": listed["id"]})
            silent = await admin.post("/_emulator/ws/faults", json={"silent": account.deviceid(SWITCH)})
            journaled = (await admin.get("/_emulator/journal", params={"cmd": "userOnline"})).json()
            closed = await admin.post("/_emulator/ws/sessions/close", json={"session": listed["id"], "code": 4001})
        with pytest.raises(WebSocketDisconnect) as gone:
            await ws.receive_text(timeout=TIMEOUT)
        return listed, refused.json(), silent.status_code, journaled, closed.json(), gone.value.code

    listed, refused, silent, journaled, closed, code = run(emu, flow)
    assert [(f["direction"], f["frame"].get("at")) for f in journaled] == [("in", "<redacted>"), ("out", None)]
    assert listed["cloud"] == "ewelink" and listed["apikey"] == account.apikey
    assert refused["error_code"] == 9015
    assert silent == 200 and closed == {"closed": [listed["id"]]} and code == 4001
