"""pyGizwits 0.0.3, unmodified (but for its packaging bug), against the live emulator through the
plugin's host redirection: REST login, paged bindings, latest data, then one wss socket per
binding host (``wss://{host}:{wss_port}/ws/app/v1``) with ``subscribe_req`` growing device by device."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from support_ws import import_pygizwits

from emulator.config import HEATZY_APP_ID
from emulator.testing import Emulator

DEMO = ("demo@heatzy.test", "heatzy-demo")
TIMEOUT = 5.0


async def pygizwits_flow(emu_press: Any, stale: str | None = None) -> dict[str, Any]:
    """Log in, read every device, subscribe every device, then have ``emu_press(did)`` change one."""
    pyg = import_pygizwits()
    async with aiohttp.ClientSession() as http:
        client = pyg.GizwitsClient(http, HEATZY_APP_ID, pyg.GizwitsClient.Region.EU)
        await client.login(*DEMO)
        await client.refresh_bindings()
        reports = await client.fetch_devices()
        updates: asyncio.Queue[Any] = asyncio.Queue()
        client.on("device_status_update", updates.put_nowait)
        for device in client.bindings.values():
            if device.device_id != stale:
                await client.Subscribe_to_device_updates(device)
        sockets = list(client.sockets.values())
        wanted = set(client.bindings) - {stale}
        async with asyncio.timeout(TIMEOUT):
            while {did for s in sockets for did in s.subscribed_devices} != wanted or not all(
                    s.logged_in for s in sockets):
                await asyncio.sleep(0.01)
        target = next(did for did, d in client.bindings.items() if d.product_name == "Pilote2")
        await asyncio.to_thread(emu_press, target)
        async with asyncio.timeout(TIMEOUT):
            update = await updates.get()
        for socket in sockets:
            await socket.close()
        return {"reports": reports, "sockets": sorted(s.url for s in sockets), "update": update, "target": target}


def test_pygizwits_logs_in_subscribes_per_host_and_gets_pushes(gizwits_server: Emulator) -> None:
    result = asyncio.run(pygizwits_flow(lambda did: gizwits_server.device(did).press("eco")))
    bound = {d["did"] for d in gizwits_server.devices() if d["bound_to"]}
    assert set(result["reports"]) == bound and all(r.status is not None for r in result["reports"].values())
    assert result["sockets"] == ["wss://eum2m.gizwits.com:8880/ws/app/v1", "wss://eusandbox.gizwits.com:8880/ws/app/v1"]
    update = result["update"]
    assert update.device.device_id == result["target"] and update.status.attributes["mode"] == "eco"
    assert update.status.attributes == gizwits_server.device(result["target"]).attrs
    logins = gizwits_server.journal(cmd="login_req")
    assert len(logins) == 2 and all(f.frame["data"]["auto_subscribe"] is False for f in logins)
    assert not gizwits_server.frames(understood=False)
    # pyGizwits pages its bindings (limit=20&skip=N): the emulator answered the query it sent
    assert gizwits_server.journal(path="/app/bindings")[0].query == "show_disabled=0&limit=20&skip=0"


def test_pygizwits_sees_a_device_offline_for_days_as_without_status(gizwits_server: Emulator) -> None:
    stale = next(d["did"] for d in gizwits_server.devices() if d["product_name"] == "Glow_Simple")
    gizwits_server.clock.freeze()
    gizwits_server.device(stale).offline()
    gizwits_server.clock.advance(days=2)
    result = asyncio.run(pygizwits_flow(lambda did: gizwits_server.device(did).press("fro"), stale=stale))
    assert result["reports"][stale].status is None, "updated_at 0: pyGizwits' 'offline for long'"
    assert all(r.status is not None for did, r in result["reports"].items() if did != stale)
    assert result["update"].status.attributes["mode"] == "fro"
