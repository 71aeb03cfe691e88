"""An unmodified heatzypy script (its defaults: EU region, TLS, the real host names) run as its own
process under the ``env`` output, against ``serve --tls``: REST (login, bindings, device data,
control) over ``https://euapi.gizwits.com`` and the WebSocket over
``wss://eusandbox.gizwits.com:8880``, with a push the test causes through the admin API."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from support_dropin import ROOT, Served, admin

SCRIPT = textwrap.dedent('''
    import asyncio, json, sys
    from heatzypy import HeatzyClient

    async def main():
        async with HeatzyClient("demo@heatzy.test", "heatzy-demo") as client:
            devices = await client.async_get_devices()
            pilote = next(did for did, device in devices.items() if device["product_name"] == "Pilote2")
            await client.async_control_device(pilote, {"attrs": {"mode": "fro"}})
            after = await client.async_get_device(pilote)
            pushed = asyncio.Queue()
            ws = client.websocket
            ws.register_callback(lambda data: pushed.put_nowait(dict(data)))
            await ws.async_connect()
            listener = asyncio.create_task(ws.async_listen())
            print(json.dumps({"ready": pilote}), flush=True)
            while True:
                update = await asyncio.wait_for(pushed.get(), 20)
                if update.get("did") == pilote and update.get("attrs", {}).get("mode") == "eco":
                    break
            listener.cancel()
            print(json.dumps({"devices": len(devices), "after_control": after["attrs"]["mode"],
                              "pushed": update["attrs"]["mode"]}), flush=True)

    asyncio.run(main())
''')


def test_an_unmodified_heatzypy_script_runs_under_env(tmp_path: Path) -> None:
    script = tmp_path / "heatzy_script.py"
    script.write_text(SCRIPT)
    with Served("--port", "0", "--tls", "--cert-dir", str(tmp_path / "ca")) as served:
        env = subprocess.run([sys.executable, "-m", "emulator", "env", "--url", served.url, "--cert-dir",
                              str(tmp_path / "ca")], capture_output=True, text=True, timeout=30, cwd=ROOT).stdout
        (tmp_path / "dropin.sh").write_text(env)
        process = subprocess.Popen(["sh", "-c", f'. {tmp_path / "dropin.sh"} && exec "$@"', "sh", sys.executable,
                                    str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert process.stdout is not None
            ready = json.loads(process.stdout.readline() or "{}")
            assert "ready" in ready, process.communicate(timeout=30)[1][-3000:]
            admin(served.url, f"/devices/{ready['ready']}/press", {"mode": "eco"}, cafile=served.ca_file)
            out, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == 0, err[-3000:]
        assert json.loads(out) == {"devices": 9, "after_control": "fro", "pushed": "eco"}
        journal = admin(served.url, "/journal", cafile=served.ca_file)
        rest = {(entry["method"], entry["path"].split("/")[2] if entry["path"].startswith("/app/") else entry["path"],
                 entry["headers"]["host"]) for entry in journal if not entry["path"].startswith("/_emulator")}
        assert ("POST", "login", "euapi.gizwits.com") in rest and ("GET", "bindings", "euapi.gizwits.com") in rest
        assert ("POST", "control", "euapi.gizwits.com") in rest
        assert ("WEBSOCKET", "/ws/app/v1", "eusandbox.gizwits.com:8880") in rest
