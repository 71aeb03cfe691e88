"""A small Node program, as a Homebridge plugin would be written (the built-in ``https``, ``fetch``
and the ``ws`` npm package), run unmodified under the ``env`` output against ``serve --tls``: REST
login over ``https://euapi.gizwits.com``, the WebSocket login over
``wss://eusandbox.gizwits.com:8880``, a push caused by the test.

``ws`` is installed once per test run into a temporary folder (``npm install``); without ``node``
and ``npm`` on the machine these tests skip.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from support_dropin import Served, admin, env_output

PACKAGE = "ws@8.18.3"

PROGRAM = r"""
const https = require('https');
const WebSocket = require('ws');
const APP = 'c70a66ff039d41b4a220e198b0fcc8b3';

function login() {
  return new Promise((resolve, reject) => {
    const request = https.request({host: 'euapi.gizwits.com', path: '/app/login', method: 'POST',
      headers: {'X-Gizwits-Application-Id': APP, 'Content-Type': 'text/plain'}}, (response) => {
      let body = '';
      response.on('data', (chunk) => body += chunk);
      response.on('end', () => resolve({status: response.statusCode, body: JSON.parse(body)}));
    });
    request.on('error', reject);
    request.end(JSON.stringify({username: 'demo@heatzy.test', password: 'heatzy-demo'}));
  });
}

(async () => {
  const out = {login: await login()};
  const {uid, token} = out.login.body;
  const bindings = await fetch('https://euapi.gizwits.com/app/bindings',
    {headers: {'X-Gizwits-Application-Id': APP, 'X-Gizwits-User-token': token}});
  out.devices = (await bindings.json()).devices.map((d) => d.product_name).sort();
  const ws = new WebSocket('wss://eusandbox.gizwits.com:8880/ws/app/v1');
  out.frames = await new Promise((resolve, reject) => {
    const frames = [];
    const timer = setTimeout(() => reject(new Error('no push in 20 s')), 20000);
    ws.on('open', () => ws.send(JSON.stringify({cmd: 'login_req', data: {appid: APP, uid, token,
      p0_type: 'attrs_v4', heartbeat_interval: 180, auto_subscribe: true}})));
    ws.on('message', (message) => {
      const frame = JSON.parse(message);
      frames.push(frame.cmd);
      if (frame.cmd === 'login_res') console.error('READY');
      if (frame.cmd === 's2c_noti' && frame.data.attrs.mode === 'eco') {
        out.pushed = frame.data;
        ws.close();
        clearTimeout(timer);  // a pending timer would keep node running until it fires
        resolve(frames);
      }
    });
    ws.on('error', reject);
  });
  console.log(JSON.stringify(out));
})().catch((error) => { console.error(String(error && error.stack || error)); process.exit(1); });
"""


@pytest.fixture(scope="session")
def node_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are not installed, so the Node drop-in cannot be run")
    folder = tmp_path_factory.mktemp("node-dropin")
    (folder / "package.json").write_text(json.dumps({"name": "dropin-flow", "version": "1.0.0", "private": True}))
    installed = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error", PACKAGE], cwd=folder,
                               capture_output=True, text=True, timeout=300)
    if installed.returncode != 0:
        pytest.fail(f"npm install {PACKAGE} failed:\n{installed.stderr[-2000:]}")
    (folder / "plugin.cjs").write_text(PROGRAM)
    return folder


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with Served("--port", "0", "--tls", "--cert-dir", str(tmp_path / "ca")) as served:
        yield served


def test_a_node_program_logs_in_over_https_and_wss_with_the_real_names(node_folder: Path, served: Served) -> None:
    did = next(d["did"] for d in admin(served.url, "/devices", cafile=served.ca_file)
               if d["product_name"] == "Pilote2" and d["bound_to"])
    (node_folder / "env.sh").write_text(env_output(served.url, "--cert-dir", str(served.ca_file.parent)))
    node = subprocess.Popen(["sh", "-c", 'eval "$(cat env.sh)" && exec node plugin.cjs'], cwd=node_folder,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert node.stderr is not None
        ready = node.stderr.readline()
        assert ready.strip() == "READY", ready + node.communicate(timeout=30)[1]
        admin(served.url, f"/devices/{did}/press", {"mode": "eco"}, cafile=served.ca_file)
        out, err = node.communicate(timeout=60)
    finally:
        if node.poll() is None:
            node.kill()
    assert node.returncode == 0, err
    result = json.loads(out)
    assert result["login"]["status"] == 200 and len(result["login"]["body"]["token"]) == 32
    assert len(result["devices"]) == 9
    assert result["frames"][0] == "login_res" and result["pushed"]["did"] == did
    hosts = {(e["path"], e["headers"]["host"]) for e in admin(served.url, "/journal", cafile=served.ca_file)}
    assert {("/app/login", "euapi.gizwits.com"), ("/app/bindings", "euapi.gizwits.com"),
            ("/ws/app/v1", "eusandbox.gizwits.com:8880")} <= hosts


def test_node_without_the_variable_is_untouched(node_folder: Path) -> None:
    from emulator.dropin.environment import NODE_PRELOAD

    code = "console.log(String(require('net').Socket.prototype.connect).includes('mappedPort'))"
    done = subprocess.run(["node", f"--require={NODE_PRELOAD}", "-e", code], capture_output=True, text=True,
                          timeout=30, env={"PATH": "/usr/bin:/bin"})
    assert (done.returncode, done.stdout.strip()) == (0, "false"), done.stderr
    with_variable = subprocess.run(["node", f"--require={NODE_PRELOAD}", "-e", code], capture_output=True, text=True,
                                   timeout=30, env={"PATH": "/usr/bin:/bin", "GIZWITS_EMULATOR_DROPIN": json.dumps(
                                       {"url": "https://127.0.0.1:1", "address": "127.0.0.1", "tls_port": 1,
                                        "plain_port": None, "ports": {}})})
    assert with_variable.stdout.strip() == "true", with_variable.stderr
