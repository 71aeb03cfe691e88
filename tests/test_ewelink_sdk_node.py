"""The official eWeLink SDK, npm ``ewelink-api-next`` 1.0.4, unmodified, in Node, against the
live emulator: pointed by its options (``request: eWeLink.creatRequest({baseURL})``, no
``region``), it logs in, lists things, reads and writes a device's status, makes a group,
reads homes, and asks dispatch (``other.dispatch("eu")`` calls the fixed eu dispatch host; an
axios interceptor of the test sends it to the emulator with that ``Host``). Its WebSocket
(``eWeLink.Ws``): ``getDispatch({fullUrl})`` on the TLS listener answers that listener, where
``Connect.create`` opens ``wss://`` (the test authority in ``NODE_EXTRA_CA_CERTS``), sends its
``userOnline``, an ``updateState`` and receives the push of a control-plane press.

The SDK is installed once per test run into a temporary folder (``npm install``); without
``node`` and ``npm`` on the machine these tests skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from emulator.testing import Emulator
from emulator.testing.tls import test_tls

PACKAGE = "ewelink-api-next@1.0.4"
APP = ("K6vUf3hTqN2pWx8Ls5Rd0YbJm7Ce1GzA", "Qz4Xw9Ht2Nv6Bp1Lk8Jr3Df7Gs5Ma0Yc")

FLOW = r"""
const eWeLink = require('ewelink-api-next').default;
const [baseURL, appId, appSecret] = process.argv.slice(2);
const request = eWeLink.creatRequest({baseURL, timeout: 10000});
request.interceptors.request.use((req) => {
  // other.dispatch(region) calls https://{region}-dispa.coolkit.cc: send it here, with that Host.
  const url = new URL(req.url, baseURL);
  if (url.hostname.endsWith('coolkit.cc') || url.hostname.endsWith('coolkit.cn')) {
    req.headers['Host'] = url.host;
    req.url = baseURL + url.pathname + url.search;
  }
  return req;
});
const client = new eWeLink.WebAPI({appId, appSecret, request});
(async () => {
  const out = {};
  out.login = await client.user.login({account: 'demo@ewelink.test', password: 'ewelink-demo', areaCode: '+33'});
  out.things = await client.device.getAllThings({});
  out.status = await client.device.getThingStatus({type: 1, id: '1000a0b001', params: 'switch|startup'});
  out.set = await client.device.setThingStatus({type: 1, id: '1000a0b001', params: {switch: 'on'}});
  out.after = await client.device.getThingStatus({type: 1, id: '1000a0b001'});
  out.group = await client.device.addGroup({name: 'SDK group', mainDeviceId: '1000a0b001',
                                            deviceidList: ['1000a0b001', '1000a0b032']});
  out.groupOn = await client.device.setThingStatus({type: 2, id: out.group.data.itemData.id, params: {switch: 'off'}});
  out.groups = await client.device.getGroups({});
  out.family = await client.home.getFamily({});
  out.dispatch = await client.other.dispatch('eu');
  out.logout = await client.user.logout();
  out.afterLogout = await client.device.getAllThings({});
  process.stdout.write(JSON.stringify(out));
})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
"""


WS_FLOW = r"""
const eWeLink = require('ewelink-api-next').default;
const [baseURL, tlsURL, appId, appSecret, deviceid] = process.argv.slice(2);
const request = eWeLink.creatRequest({baseURL, timeout: 10000});
const client = new eWeLink.WebAPI({appId, appSecret, request});
const wsClient = new eWeLink.Ws({appId, appSecret, request});
const out = {frames: []};
const done = (code) => { process.stdout.write(JSON.stringify(out) + '\n'); process.exit(code); };
setTimeout(() => { out.timeout = true; done(1); }, 20000);
(async () => {
  const login = await client.user.login({account: 'demo@ewelink.test', password: 'ewelink-demo', areaCode: '+33'});
  out.url = await wsClient.Connect.getDispatch({fullUrl: tlsURL + '/dispatch/app'});
  await wsClient.Connect.create({fullUrl: out.url, at: login.data.at, userApiKey: login.data.user.apikey, appId},
    () => {}, () => { out.closed = true; }, (error) => { out.error = String(error); done(1); },
    (ws, message) => {
      const frame = JSON.parse(message.data.toString());
      out.frames.push(frame);
      if (frame.config) {
        wsClient.Connect.updateState(deviceid, {switch: 'on'});
      } else if (frame.error === 0 && frame.deviceid && !frame.action) {
        process.stdout.write('READY\n');  // the test presses the device now
      } else if (frame.action === 'update') {
        ws.close();
        done(0);
      }
    });
})().catch((error) => { out.error = String(error && error.stack || error); done(1); });
"""


@pytest.fixture(scope="session")
def sdk_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are not installed, so the official eWeLink SDK cannot be run")
    folder = tmp_path_factory.mktemp("ewelink-sdk")
    (folder / "package.json").write_text(json.dumps({"name": "sdk-flow", "version": "1.0.0", "private": True}))
    installed = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error", PACKAGE], cwd=folder,
                               capture_output=True, text=True, timeout=300)
    if installed.returncode != 0:
        pytest.fail(f"npm install {PACKAGE} failed:\n{installed.stderr[-2000:]}")
    (folder / "flow.cjs").write_text(FLOW)
    (folder / "ws_flow.cjs").write_text(WS_FLOW)
    return folder


def run_flow(folder: Path, base_url: str) -> dict[str, Any]:
    done = subprocess.run(["node", "flow.cjs", base_url, *APP], cwd=folder, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_the_official_sdk_runs_the_http_flow(gizwits_server: Emulator, sdk_folder: Path) -> None:
    assert gizwits_server.url is not None
    out = run_flow(sdk_folder, gizwits_server.url)
    assert out["login"]["error"] == 0 and out["login"]["data"]["region"] == "eu"
    things = out["things"]["data"]
    assert things["total"] == 5 and things["thingList"][0]["itemData"]["deviceid"] == "1000a0b001"
    assert out["status"]["data"]["params"] == {"switch": "off", "startup": "off"}
    assert out["set"]["error"] == 0 and out["after"]["data"]["params"]["switch"] == "on"
    assert out["group"]["error"] == 0 and out["group"]["data"]["itemData"]["deviceidList"] == ["1000a0b001",
                                                                                              "1000a0b032"]
    assert out["groupOn"]["error"] == 0
    assert [g["itemData"]["name"] for g in out["groups"]["data"]["groupList"]] == ["SDK group"]
    assert out["family"]["data"]["familyList"][0]["name"] == "Maison"
    assert out["dispatch"] == {"status": 200, "responseTime": out["dispatch"]["responseTime"], "IP": "127.0.0.1",
                               "port": 8080, "domain": "eu-pconnect2.coolkit.cc", "error": 0, "reason": "ok"}
    assert out["logout"]["error"] == 0 and out["afterLogout"]["error"] == 401
    assert gizwits_server.device("1000a0b001").attrs["switch"] == "off"  # the group write reached it
    # Every call the SDK made is an emulated route, signed or with its token.
    assert gizwits_server.journal(emulated=False) == []
    assert gizwits_server.journal(path="/dispatch/app")[0].headers["host"] == "eu-dispa.coolkit.cc"


def test_the_official_sdk_websocket_handshake_update_and_push(gizwits_server: Emulator, sdk_folder: Path) -> None:
    assert gizwits_server.url is not None and gizwits_server.tls_url is not None
    lamp = "1000a0b001"
    env = {**os.environ, "NODE_EXTRA_CA_CERTS": str(test_tls().ca_file)}
    node = subprocess.Popen(["node", "ws_flow.cjs", gizwits_server.url, gizwits_server.tls_url, *APP, lamp],
                            cwd=sdk_folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert node.stdout is not None
        ready = node.stdout.readline()
        assert ready == "READY\n", ready + node.stdout.read() + (node.stderr.read() if node.stderr else "")
        assert gizwits_server.device(lamp).attrs["switch"] == "on"  # the SDK's updateState reached it
        press = urllib.request.Request(f"{gizwits_server.url}/_emulator/devices/{lamp}/press", method="POST",
                                       data=json.dumps({"switch": "off"}).encode(),
                                       headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(press, timeout=10) as answer:
            assert answer.status == 200
        rest, errors = node.communicate(timeout=30)
    finally:
        if node.poll() is None:
            node.kill()
            node.wait()
    assert node.returncode == 0, errors[-3000:] + rest
    out = json.loads(rest)
    port = gizwits_server.tls_url.rsplit(":", 1)[1]
    assert out["url"] == f"wss://127.0.0.1:{port}/api/ws"
    online, ack, push = out["frames"]
    assert online["error"] == 0 and online["config"] == {"hb": 1, "hbInterval": 145}
    assert ack["error"] == 0 and ack["deviceid"] == lamp and ack["sequence"].isdigit()
    assert push["action"] == "update" and push["deviceid"] == lamp and push["params"] == {"switch": "off"}
    [handshake] = gizwits_server.frames(cmd="userOnline", direction="in")
    assert "version" not in handshake.frame and handshake.frame["at"] == "<redacted>"
