"""The app WebSocket protocol in raw frames, in-process (no socket): every message, every error,
and what no bad frame may do (close the socket). docs/websocket.md is the reference."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from httpx_ws import AsyncWebSocketSession, WebSocketDisconnect

from emulator.config import HEATZY_APP_ID
from emulator.gizwits.cloud.accounts import Account
from emulator.gizwits.devices import p0
from emulator.testing import Emulator
from emulator.testing.plugin import strict_failures

WS = AsyncWebSocketSession
TIMEOUT = 3.0


@pytest.fixture
def emu(gizwits: Emulator) -> Emulator:
    return gizwits


def login_frame(account: Account, **options: Any) -> dict[str, Any]:
    data = {"appid": HEATZY_APP_ID, "uid": account.uid, "token": account.token, "p0_type": "attrs_v4",
            "heartbeat_interval": 180, "auto_subscribe": True, **options}
    return {"cmd": "login_req", "data": data}


async def receive(ws: WS, timeout: float = TIMEOUT) -> dict[str, Any]:
    return await ws.receive_json(timeout=timeout)


async def nothing(ws: WS, within: float = 0.2) -> None:
    with pytest.raises(TimeoutError):
        frame = await ws.receive_json(timeout=within)
        pytest.fail(f"expected no frame, got {frame}")


async def logged_in(ws: WS, account: Account, **options: Any) -> None:
    await ws.send_json(login_frame(account, **options))
    assert await receive(ws) == {"cmd": "login_res", "data": {"success": True}}


def run(emu: Emulator, flow: Callable[..., Awaitable[Any]], sockets: int = 1) -> Any:
    async def main() -> Any:
        if sockets == 1:
            async with emu.websocket() as ws:
                return await flow(ws)
        async with emu.websocket() as first, emu.websocket() as second:
            return await flow(first, second)

    return asyncio.run(main())


async def still_open(ws: WS) -> None:
    """The socket still works: a ping gets its pong."""
    await ws.send_json({"cmd": "ping"})
    assert await receive(ws) == {"cmd": "pong"}


# -- login --------------------------------------------------------------------------------------------
def test_commands_before_login_get_1003_and_the_socket_stays_open(emu: Emulator) -> None:
    account = emu.account("Pilote2")

    async def flow(ws: WS) -> list[dict[str, Any]]:
        answers = []
        for frame in ({"cmd": "ping"}, {"cmd": "c2s_read", "data": {"did": account.dids[0]}},
                      {"cmd": "subscribe_req", "data": [{"did": account.dids[0]}]}):
            await ws.send_json(frame)
            answers.append(await receive(ws))
        await logged_in(ws, account)
        await still_open(ws)
        return answers

    assert run(emu, flow) == [
        {"cmd": "s2c_invalid_msg", "data": {"error_code": 1003, "msg": "Websocket client not login!"}}] * 3


@pytest.mark.parametrize("problem", ["token", "uid", "appid", "expired", "p0_type", "missing", "auto_subscribe"])
def test_a_refused_login_is_success_false_and_the_client_may_retry_on_the_same_socket(
        emu: Emulator, problem: str) -> None:
    account = emu.account("Pilote2")
    bad = {"token": {"token": "not-a-token"}, "uid": {"uid": "someone-else"}, "appid": {"appid": "0" * 32},
           "p0_type": {"p0_type": "attrs_v3"}, "auto_subscribe": {"auto_subscribe": "yes"},
           "expired": {}, "missing": {"token": None}}[problem]
    if problem == "expired":
        emu.clock.advance(days=8)  # the token lived 7 days (emulator clock)

    async def flow(ws: WS) -> dict[str, Any]:
        await ws.send_json(login_frame(account, **bad))
        refused = await receive(ws)
        await ws.send_json({"cmd": "ping"})
        assert (await receive(ws))["data"]["error_code"] == 1003, "still not logged in"
        return refused

    assert run(emu, flow) == {"cmd": "login_res", "data": {"success": False}}
    [entry] = emu.journal(cmd="login_req")
    assert entry.note.startswith("login refused") and entry.understood


def test_login_res_comes_first_then_frames_in_order(emu: Emulator) -> None:
    """heatzypy sends login_req, a ping and a read per device at once, without waiting."""
    account = emu.account("Pilote2", "Glow_Simple")

    async def flow(ws: WS) -> list[dict[str, Any]]:
        await ws.send_json(login_frame(account, heartbeat_interval=30))
        await ws.send_json({"cmd": "ping"})
        for did in account.dids:
            await ws.send_json({"cmd": "c2s_read", "data": {"did": did}})
        return [await receive(ws) for _ in range(4)]

    answers = run(emu, flow)
    assert [a["cmd"] for a in answers] == ["login_res", "pong", "s2c_noti", "s2c_noti"]
    assert [a["data"]["did"] for a in answers[2:]] == account.dids
    for answer, did in zip(answers[2:], account.dids, strict=True):
        assert answer["data"]["attrs"] == emu.device(did).attrs, "did and the full attribute set"


def test_heartbeat_interval_above_180_and_repeated_logins_are_accepted(emu: Emulator) -> None:
    account = emu.account("Pilote2")

    async def flow(ws: WS) -> list[dict[str, Any]]:
        await logged_in(ws, account, heartbeat_interval=600)
        await logged_in(ws, account, heartbeat_interval=180000, auto_subscribe=False)
        return emu.ws_sessions()

    [session] = run(emu, flow)
    assert session["heartbeat_interval"] == 180000 and session["logins"] == 2
    assert session["subscriptions"] == [], "the second login (auto_subscribe false) replaced the first"


# -- subscriptions ------------------------------------------------------------------------------------
def test_auto_subscribe_subscribes_every_bound_device_without_subscribe_res(emu: Emulator) -> None:
    account = emu.account("Pilote2", "INEA")

    async def flow(ws: WS) -> list[dict[str, Any]]:
        await logged_in(ws, account)
        await nothing(ws)
        return emu.ws_sessions()

    [session] = run(emu, flow)
    assert sorted(session["subscriptions"]) == sorted(account.dids) and session["uid"] == account.uid


def test_subscribe_req_answers_success_and_failed_and_is_idempotent(emu: Emulator) -> None:
    mine, other = emu.account("Pilote2", "Bloom"), emu.account("Glow_Simple")
    wanted = [{"did": mine.dids[0]}, {"did": other.dids[0]}, {"did": "nosuchdevice"}]

    async def flow(ws: WS) -> list[dict[str, Any]]:
        await logged_in(ws, mine, auto_subscribe=False)
        await ws.send_json({"cmd": "c2s_read", "data": {"did": mine.dids[0]}})
        unsubscribed = await receive(ws)
        await ws.send_json({"cmd": "subscribe_req", "data": wanted})
        first = await receive(ws)
        await ws.send_json({"cmd": "subscribe_req", "data": [*wanted, {"did": mine.dids[1]}]})
        return [unsubscribed, first, await receive(ws)]

    unsubscribed, first, again = run(emu, flow)
    assert unsubscribed["data"]["error_code"] == 9021 and "subscribe_req" in unsubscribed["data"]["msg"]
    assert first == {"cmd": "subscribe_res", "data": {
        "success": [{"did": mine.dids[0], "error_code": 0, "msg": "ok"}],
        "failed": [{"did": other.dids[0], "error_code": 9017, "msg": "device not bound!"},
                   {"did": "nosuchdevice", "error_code": 9014, "msg": "device not found!"}]}}
    assert [s["did"] for s in again["data"]["success"]] == [mine.dids[0], mine.dids[1]]


# -- reads, writes, raw --------------------------------------------------------------------------------
def test_c2s_read_ignores_names_and_answers_every_subscriber_with_res_sn_to_the_reader(emu: Emulator) -> None:
    account = emu.account("Pilote2")
    did = account.dids[0]

    async def flow(reader: WS, other: WS) -> tuple[dict[str, Any], dict[str, Any]]:
        await logged_in(reader, account)
        await logged_in(other, account)
        await reader.send_json({"cmd": "c2s_read", "req_sn": 7, "data": {"did": did, "names": "mode"}})
        return await receive(reader), await receive(other)

    mine, theirs = run(emu, flow, sockets=2)
    assert mine == {"cmd": "s2c_noti", "res_sn": 7, "data": {"did": did, "attrs": emu.device(did).attrs}}
    assert theirs == {"cmd": "s2c_noti", "data": {"did": did, "attrs": emu.device(did).attrs}}


def test_c2s_write_applies_and_every_bound_user_gets_the_push(emu: Emulator) -> None:
    owner, stranger = emu.account("Pilote2"), emu.account("Pilote2")
    did = owner.dids[0]

    async def flow(writer: WS, other: WS) -> tuple[dict[str, Any], dict[str, Any]]:
        await logged_in(writer, owner)
        await logged_in(other, stranger)
        await writer.send_json({"cmd": "c2s_write", "data": {"did": did, "attrs": {"mode": "eco", "derog_mode": 0}}})
        pushed = await receive(writer)
        await nothing(other)  # another user's device: nobody else's business
        await writer.send_json({"cmd": "c2s_write", "req_sn": 3, "data": {"did": did, "attrs": {"mode": 2}}})
        return pushed, {"ack": await receive(writer), "noti": await receive(writer)}

    pushed, with_sn = run(emu, flow, sockets=2)
    assert pushed["data"]["attrs"]["mode"] == "eco" and len(pushed["data"]["attrs"]) > 80
    assert with_sn["ack"] == {"cmd": "s2c_ack", "res_sn": 3, "did": did}
    assert with_sn["noti"]["data"]["attrs"]["mode"] == "fro" == emu.device(did).attrs["mode"]


@pytest.mark.parametrize(("attrs", "applied", "detail"), [
    ({"mode": "hot"}, {}, "mode"),
    ({"cur_temp": 200}, {}, "read-only"),
    ({"cft_temp": 310}, {}, "out of range 150..300"),
    ({"eco_temp": 95, "mode": "eco"}, {}, "out of range 100..190"),
    ({"mode": "eco", "on_off": True}, {"mode": "eco"}, "'on_off': no such data point"),
    ({"colour": "red"}, {}, "'colour': no such data point"),
])
def test_a_bad_write_is_9025_and_applies_only_what_the_product_has(
        emu: Emulator, attrs: dict[str, Any], applied: dict[str, Any], detail: str) -> None:
    account = emu.account("Pilote_Pro")
    did = account.dids[0]
    before = emu.device(did).attrs

    async def flow(ws: WS) -> list[dict[str, Any]]:
        await logged_in(ws, account)
        await ws.send_json({"cmd": "c2s_write", "data": {"did": did, "attrs": attrs}})
        frames = [await receive(ws)]
        if applied:
            frames.append(await receive(ws))
        await still_open(ws)
        return frames

    frames = run(emu, flow)
    invalid = frames[-1]
    assert invalid["cmd"] == "s2c_invalid_msg" and invalid["data"]["error_code"] == 9025
    assert detail in invalid["data"]["msg"]
    after = emu.device(did).attrs
    for name in ("mode", "cft_temp", "eco_temp"):
        assert after[name] == applied.get(name, before[name])
    if applied:
        assert frames[0]["cmd"] == "s2c_noti" and frames[0]["data"]["attrs"]["mode"] == "eco"


def test_c2s_raw_takes_p0_frames_on_attrs_v4_sessions(emu: Emulator) -> None:
    account = emu.account("Heatzy")
    did = account.dids[0]
    frame = p0.Frame(p0.CMD_CONTROL, bytes([1, 1, 2])).encode()  # the Pilote v1's "frost" write

    async def flow(ws: WS) -> list[dict[str, Any]]:
        await logged_in(ws, account)
        await ws.send_json({"cmd": "c2s_raw", "data": {"did": did, "raw": list(frame)}})
        pushed = await receive(ws)
        await ws.send_json({"cmd": "c2s_raw", "data": {"did": did, "raw": [1, 1, 3]}})  # heatzypy's unframed raw
        return [pushed, await receive(ws)]

    pushed, unframed = run(emu, flow)
    assert pushed == {"cmd": "s2c_noti", "data": {"did": did, "attrs": {"mode": "解冻"}}}
    assert unframed["data"]["error_code"] == 9015 and "P0 frame" in unframed["data"]["msg"]
    assert emu.device(did).attrs == {"mode": "解冻"}


def test_a_custom_session_speaks_raw_only(emu: Emulator) -> None:
    account = emu.account("Pilote2")
    did = account.dids[0]
    datapoints = emu.cloud.devices.require(did).product.datapoints
    write = p0.Frame(p0.CMD_CONTROL_SN, datapoints.encode_write({"mode": "eco"}), sn=9).encode()

    async def flow(ws: WS) -> list[dict[str, Any]]:
        await logged_in(ws, account, p0_type="custom")
        await ws.send_json({"cmd": "c2s_write", "data": {"did": did, "attrs": {"mode": "eco"}}})
        refused = await receive(ws)
        await ws.send_json({"cmd": "c2s_raw", "data": {"did": did, "raw": list(write)}})
        return [refused, await receive(ws)]

    refused, report = run(emu, flow)
    assert refused["data"]["error_code"] == 9015 and "custom" in refused["data"]["msg"]
    assert report["cmd"] == "s2c_raw" and report["data"]["did"] == did
    frame = p0.decode(bytes(report["data"]["raw"]))
    assert frame.cmd == p0.CMD_REPORT and frame.payload[0] == 0x04
    status, mode = frame.payload[1:], datapoints.by_name["mode"]
    assert len(status) == len(datapoints.encode_status(emu.device(did).attrs)), "every data point"
    index = (status[mode.byte_offset] >> mode.bit_offset) & ((1 << mode.length) - 1)
    assert mode.enum[index] == "eco" == emu.device(did).attrs["mode"]


# -- bad frames ---------------------------------------------------------------------------------------
BAD_FRAMES = [
    ("not JSON", "hello", 9015),
    ("a JSON array", "[1, 2]", 9015),
    ("no cmd", '{"data": {}}', 9015),
    ("cmd not a string", '{"cmd": 5}', 9015),
    ("unknown cmd", '{"cmd": "c2s_dance"}', 9999),
    ("a server command", '{"cmd": "s2c_noti", "data": {"did": "x", "attrs": {}}}', 9999),
    ("read without data", '{"cmd": "c2s_read"}', 9015),
    ("read without did", '{"cmd": "c2s_read", "data": {}}', 9015),
    ("write without attrs", '{"cmd": "c2s_write", "data": {"did": "x"}}', 9015),
    ("subscribe with an object", '{"cmd": "subscribe_req", "data": {"did": "x"}}', 9015),
    ("raw with no bytes", '{"cmd": "c2s_raw", "data": {"did": "x", "raw": [300]}}', 9015),
    ("ack without res_sn", '{"cmd": "c2s_ack", "did": "x"}', 9015),
    ("NaN", '{"cmd": "ping", "x": NaN}', 9015),
]


@pytest.mark.parametrize(("why", "text", "code"), BAD_FRAMES, ids=[b[0] for b in BAD_FRAMES])
def test_no_bad_frame_closes_the_socket(emu: Emulator, why: str, text: str, code: int) -> None:
    account = emu.account("Pilote2")

    async def flow(ws: WS) -> dict[str, Any]:
        await logged_in(ws, account)
        await ws.send_text(text)
        answer = await receive(ws)
        await still_open(ws)
        return answer

    answer = run(emu, flow)
    assert answer["cmd"] == "s2c_invalid_msg" and answer["data"]["error_code"] == code
    assert code not in (1003, 1009, 1011)
    [entry] = emu.journal(cmd="*", direction="in", understood=False)
    assert entry.note, "the journal says why"


def test_binary_frames_and_unknown_dids_are_answered_too(emu: Emulator) -> None:
    account = emu.account("Pilote2")

    async def flow(ws: WS) -> list[dict[str, Any]]:
        await logged_in(ws, account)
        await ws.send_bytes(b"\x00\x01")
        answers = [await receive(ws)]
        for did in ("nosuchdevice", emu.account("Pilote2").dids[0]):
            await ws.send_json({"cmd": "c2s_read", "data": {"did": did}})
            answers.append(await receive(ws))
        await still_open(ws)
        return answers

    assert [a["data"]["error_code"] for a in run(emu, flow)] == [9015, 9014, 9017]


def test_c2s_ack_is_accepted_without_an_answer(emu: Emulator) -> None:
    account = emu.account("Pilote2")

    async def flow(ws: WS) -> None:
        await logged_in(ws, account)
        await ws.send_json({"cmd": "c2s_ack", "res_sn": 42, "did": account.dids[0]})
        await nothing(ws)

    run(emu, flow)
    assert emu.journal(cmd="c2s_ack")[0].understood


def test_strict_mode_lists_frames_the_emulator_did_not_understand(emu: Emulator) -> None:
    account = emu.account("Pilote2")

    async def flow(ws: WS) -> None:
        await logged_in(ws, account)
        await ws.send_json({"cmd": "c2s_dance"})
        await receive(ws)
        await ws.send_json({"cmd": "c2s_write", "data": {"did": account.dids[0], "attrs": {"mode": "hot"}}})
        await receive(ws)  # understood (a bad value), so not listed

    run(emu, flow)
    problem = strict_failures(emu)
    assert problem is not None and "1 WebSocket frame(s)" in problem and "c2s_dance" in problem


# -- pushes -------------------------------------------------------------------------------------------
def test_online_offline_binding_and_unbinding_are_pushed(emu: Emulator) -> None:
    owner, friend = emu.account("Pilote2"), emu.account()
    device = emu.cloud.devices.require(owner.dids[0])

    async def rest(method: str, path: str, account: Account, body: dict[str, Any]) -> None:
        async with emu.client() as client:
            answer = await client.request(method, path, json=body, headers={"X-Gizwits-User-token": account.token})
            assert answer.status_code in (200, 201), answer.text

    async def flow(mine: WS, theirs: WS) -> list[dict[str, Any]]:
        await logged_in(mine, owner)
        await logged_in(theirs, friend)
        emu.device(device.did).offline()
        frames = [await receive(mine)]
        await mine.send_json({"cmd": "c2s_read", "data": {"did": device.did}})
        await nothing(mine)  # an offline device does not answer
        emu.device(device.did).online()
        frames += [await receive(mine), await receive(mine)]
        await rest("POST", "/app/bindings", friend, {"devices": [{"did": device.did, "passcode": device.passcode}]})
        frames.append(await receive(theirs))
        emu.device(device.did).press("eco")
        frames += [await receive(mine), await receive(theirs)]
        await rest("DELETE", "/app/bindings", friend, {"devices": [{"did": device.did}]})
        frames.append(await receive(theirs))
        emu.device(device.did).press("fro")
        await receive(mine)
        await nothing(theirs)
        return frames

    offline, online, report, bound, pushed, pushed_too, unbound = run(emu, flow, sockets=2)
    status = {"did": device.did, "passcode": device.passcode, "mac": device.mac}
    assert offline == {"cmd": "s2c_online_status", "data": {**status, "online": False}}
    assert online == {"cmd": "s2c_online_status", "data": {**status, "online": True}}
    assert report["cmd"] == "s2c_noti"
    assert bound == {"cmd": "s2c_binding_changed", "data": {"did": device.did, "bind": True}}
    assert pushed == pushed_too and pushed["data"]["attrs"]["mode"] == "eco"
    assert unbound == {"cmd": "s2c_binding_changed", "data": {"did": device.did, "bind": False}}


def test_the_clock_pushes_program_and_boost_changes_in_time_order(emu: Emulator) -> None:
    account = emu.account("Pilote2")
    did = account.dids[0]
    emu.clock.freeze("2025-01-06T04:50:00Z")  # Monday 05:50 in Paris

    async def flow(ws: WS) -> list[dict[str, Any]]:
        await logged_in(ws, account)
        await ws.send_json({"cmd": "c2s_write", "data": {"did": did, "attrs": {
            "timer_switch": 1, "derog_mode": 2, "derog_time": 5}}})  # the program, and a 5-minute boost
        frames = [await receive(ws)]
        emu.clock.advance(hours=1)
        while True:
            try:
                frames.append(await receive(ws, timeout=0.3))
            except TimeoutError:
                return frames

    frames = run(emu, flow)
    modes = [(f["data"]["attrs"]["derog_mode"], f["data"]["attrs"]["mode"]) for f in frames]
    assert modes[0] == (2, "cft") and modes[-1] == (0, "cft")
    assert (0, "eco") in modes, "the boost ended at 05:55, back to the program's eco, then comfort at 06:00"
    assert modes.index((0, "eco")) < len(modes) - 1
    times = [f.at for f in emu.journal(cmd="s2c_noti")]
    assert times == sorted(times)


# -- heartbeat and session faults -------------------------------------------------------------------
def test_no_ping_within_the_timeout_is_1011_then_close_whatever_the_emulator_clock() -> None:
    emu = Emulator(ws_heartbeat_timeout=0.4)
    account = emu.account("Pilote2")

    async def flow(ws: WS) -> tuple[list[dict[str, Any]], int]:
        await logged_in(ws, account)
        emu.clock.freeze()
        emu.clock.advance(days=2)  # emulated time flies: the session does not care
        answers = []
        for _ in range(3):
            await asyncio.sleep(0.2)
            await ws.send_json({"cmd": "ping"})
            answers.append(await receive(ws))
        answers.append(await receive(ws, timeout=2))
        with pytest.raises(WebSocketDisconnect) as closed:
            await receive(ws)
        return answers, closed.value.code

    answers, code = asyncio.run(_in_process(emu, flow))
    assert answers[:3] == [{"cmd": "pong"}] * 3, "pings keep the session alive"
    assert answers[3] == {"cmd": "s2c_invalid_msg", "data": {"error_code": 1011, "msg": "No heartbeat!"}}
    assert code == 1000


async def _in_process(emu: Emulator, flow: Callable[[WS], Awaitable[Any]]) -> Any:
    async with emu.websocket() as ws:
        return await flow(ws)


def test_1009_logs_the_session_out_and_the_client_logs_in_again_on_the_same_socket(emu: Emulator) -> None:
    account = emu.account("Pilote2")

    async def flow(ws: WS) -> list[dict[str, Any]]:
        await logged_in(ws, account)
        [session] = emu.ws_sessions()
        assert emu.ws.end(session["id"]) == [session["id"]]
        frames = [await receive(ws)]
        emu.device(account.dids[0]).press("eco")
        await nothing(ws)  # logged out: no pushes
        await ws.send_json({"cmd": "ping"})
        frames.append(await receive(ws))
        await logged_in(ws, account)
        await still_open(ws)
        return frames

    ended, ping = run(emu, flow)
    assert ended["data"] == {"error_code": 1009, "msg": "M2M socket has closed, please login again!"}
    assert ping["data"]["error_code"] == 1003


def test_a_silent_device_answers_nothing_and_delayed_pushes_come_late(emu: Emulator) -> None:
    account = emu.account("Pilote2", "INEA")
    quiet, slow = account.dids

    async def flow(ws: WS) -> None:
        await logged_in(ws, account)
        emu.device(quiet).silence()
        await ws.send_json({"cmd": "c2s_write", "data": {"did": quiet, "attrs": {"mode": "eco"}}})
        await ws.send_json({"cmd": "c2s_read", "data": {"did": quiet}})
        await nothing(ws)
        emu.ws.delay(0.5, did=slow)
        emu.device(slow).press("fro")
        await nothing(ws, within=0.25)
        assert (await receive(ws))["data"]["did"] == slow

    run(emu, flow)
    assert emu.device(quiet).attrs["mode"] == "cft", "a write to a silent device is lost"
    notes = [f.note for f in emu.journal(cmd="c2s_*", did=quiet)]
    assert all("silent" in note for note in notes)
    assert emu.journal(cmd="s2c_noti", did=slow)[-1].note == "delayed 0.5 s"


def test_reset_closes_every_session(emu: Emulator) -> None:
    account = emu.account("Pilote2")

    async def flow(ws: WS) -> int:
        await logged_in(ws, account)
        emu.reset()
        with pytest.raises(WebSocketDisconnect) as closed:
            await receive(ws)
        return closed.value.code

    assert run(emu, flow) == 1012
    assert emu.ws_sessions() == []


def test_frames_in_the_journal_are_json_and_bounded() -> None:
    emu = Emulator(journal_size=5)
    account = emu.account("Pilote2")

    async def flow(ws: WS) -> None:
        await logged_in(ws, account)
        for _ in range(5):
            await still_open(ws)

    asyncio.run(_in_process(emu, flow))
    frames = emu.journal(cmd="*")
    assert len(frames) == 5 and [f.cmd for f in frames] == ["pong", "ping", "pong", "ping", "pong"]
    json.dumps([f.as_dict() for f in frames])


def test_every_cause_of_change_is_pushed(emu: Emulator) -> None:
    """Scheduler task, scene, linkage rule, room temperature, vacation ending: all reach the socket."""
    emu.clock.freeze("2025-01-06T04:50:00Z")
    dids = {d["product_name"]: d["did"] for d in emu.devices() if d["bound_to"]}
    v1, pilote, soc, pro, glow = (dids[n] for n in ("Heatzy", "Pilote2", "Pilote_Soc", "Pilote_Pro", "Glow_Simple"))

    async def rest(client: Any, method: str, path: str, body: dict[str, Any]) -> Any:
        answer = await client.request(method, path, json=body)
        assert answer.status_code in (200, 201), answer.text
        return answer.json()

    async def drain(ws: WS) -> list[dict[str, Any]]:
        frames = []
        while True:
            try:
                frames.append(await receive(ws, timeout=0.3))
            except TimeoutError:
                return frames

    async def main() -> dict[str, list[dict[str, Any]]]:
        seen: dict[str, list[dict[str, Any]]] = {}
        async with emu.client() as client, emu.websocket() as ws:
            token = (await rest(client, "POST", "/app/login", {"username": "demo@heatzy.test",
                                                               "password": "heatzy-demo"}))["token"]
            client.headers["X-Gizwits-User-token"] = token
            login = (await client.get("/app/users")).json()
            await ws.send_json({"cmd": "login_req", "data": {"appid": HEATZY_APP_ID, "uid": login["uid"],
                                                             "token": token}})
            assert (await receive(ws))["data"]["success"]
            await rest(client, "POST", f"/app/devices/{v1}/scheduler",
                       {"repeat": "none", "date": "2025-01-06", "time": "05:30", "attrs": {"mode": 1}})
            emu.clock.advance(hours=1)
            seen["scheduler"] = await drain(ws)
            scene = await rest(client, "POST", "/app/scene", {"scene_name": "Nuit", "tasks": [
                {"task_type": "device", "did": pilote, "attrs": {"mode": "fro"}}]})
            await rest(client, "POST", f"/app/scene/{scene['id']}/task", {})
            seen["scene"] = await drain(ws)
            product_key = (await client.get(f"/app/devices/{soc}")).json()["product_key"]
            await rest(client, "POST", "/app/rules", {
                "product_key": product_key, "did": soc, "event": "data", "input": [{"did": soc, "prefix": "soc"}],
                "condition": [[{"left": "soc.mode", "opt": "==", "right": "'stop'"}]],
                "output": [[{"type": "devctrl", "did": pilote, "attrs": {"mode": "stop"}}]]})
            emu.device(soc).press("stop")
            seen["rule"] = await drain(ws)
            emu.device(pro).environment(room_temp=15.0)
            seen["room"] = await drain(ws)
            await ws.send_json({"cmd": "c2s_write", "data": {"did": glow, "attrs": {"derog_mode": 1, "derog_time": 1}}})
            await drain(ws)
            emu.clock.advance(days=2)
            seen["vacation"] = await drain(ws)
        return seen

    seen = asyncio.run(main())

    def pushed(cause: str, did: str) -> list[dict[str, Any]]:
        return [f["data"]["attrs"] for f in seen[cause] if f["cmd"] == "s2c_noti" and f["data"]["did"] == did]

    assert {"mode": "经济"} in pushed("scheduler", v1)
    assert pushed("scene", pilote)[-1]["mode"] == "fro"
    assert pushed("rule", soc)[-1]["mode"] == "stop" and pushed("rule", pilote)[-1]["mode"] == "stop"
    assert [f["data"]["did"] for f in seen["rule"]] == [soc, pilote], "the cause first, then the rule's output"
    assert pushed("room", pro)[-1]["cur_temp"] < 160
    assert pushed("vacation", glow)[-1]["derog_mode"] == 0, "the vacation ended and was pushed"
    for frames in seen.values():
        for data in (f["data"] for f in frames if f["cmd"] == "s2c_noti"):
            assert set(data["attrs"]) == set(emu.device(data["did"]).attrs), "the full attribute set every time"
