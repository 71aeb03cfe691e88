"""A rehearsal of recording against the real cloud, with an emulator standing in for the cloud.

The contract suite runs once with ``GIZWITS_TARGET=cloud --snapshot-update`` against a
live emulator (as a person would against their account: one named test device), writing
into a copy of the snapshots; then once more on the default emulator target, which must
match those recordings strictly. This drives the cloud-side code paths (the target from
the environment, the one-device rule, the recorder, dates, skips) that a run on the
emulator alone never takes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx

from emulator.config import HEATZY_APP_ID, EmulatorConfig
from emulator.gizwits.cloud.cloud import Cloud
from emulator.testing import LiveServer

ROOT = Path(__file__).resolve().parents[1]
#: The modules rehearsed (a subset keeps the rehearsal fast; together they cover every code path).
MODULES = [f"contract/test_contract_{name}.py" for name in ("users", "control", "scheduler")]


def run_suite(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # The suite needs no third-party pytest plugin; not loading them saves seconds per run.
    env = {**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *MODULES, *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_recording_against_a_cloud_then_comparing_the_emulator(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "contract" / "snapshots", tmp_path / "snapshots")
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("GIZWITS_")}
    base_env["GIZWITS_SNAPSHOT_DIR"] = str(tmp_path / "snapshots")
    with LiveServer(Cloud(EmulatorConfig(seed=1))) as stand_in:
        app = {"X-Gizwits-Application-Id": HEATZY_APP_ID}
        token = httpx.post(f"{stand_in.url}/app/login", headers=app,
                           json={"username": "demo@heatzy.test", "password": "heatzy-demo"}).json()["token"]
        listing = httpx.get(f"{stand_in.url}/app/bindings", headers={**app, "X-Gizwits-User-token": token}).json()
        did = next(d["did"] for d in listing["devices"] if d["product_name"] == "Pilote_Soc")
        cloud_env = {**base_env, "GIZWITS_TARGET": "cloud", "GIZWITS_BASE_URL": stand_in.url,
                     "GIZWITS_USERNAME": "demo@heatzy.test", "GIZWITS_PASSWORD": "heatzy-demo",
                     "GIZWITS_DID": did, "GIZWITS_PRODUCT": "Pilote_Soc"}
        recording = run_suite(cloud_env, "--snapshot-update")
    assert recording.returncode == 0, recording.stdout[-3000:] + recording.stderr[-2000:]
    assert "skipped" in recording.stdout, "tests of other products are skipped on a one-device account"

    today = datetime.now(UTC).date().isoformat()
    recorded = json.loads((tmp_path / "snapshots" / "test_contract_control.json").read_text(encoding="utf-8"))
    entry = recorded["test_control_with_attrs_and_read_back[Pilote_Soc]"]["devdata"]
    assert (entry["source"], entry["recorded-date"]) == ("cloud", today)
    assert entry["snapshot"]["body"]["did"] == "<did:1>"

    replay = run_suite({**base_env, "GIZWITS_TARGET": "emulator"}, "-vv")  # -q -vv: the summary shows with -v
    assert replay.returncode == 0, replay.stdout[-3000:] + replay.stderr[-2000:]
    assert " strict (cloud recordings)" in replay.stdout and "0 differ" in replay.stdout


def test_the_snapshot_summary_shows_only_with_v_or_when_something_differs(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "contract" / "snapshots", tmp_path / "snapshots")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIZWITS_")}
    env["GIZWITS_SNAPSHOT_DIR"] = str(tmp_path / "snapshots")
    quiet = run_suite(env, "-k", "test_login")
    assert quiet.returncode == 0, quiet.stdout[-3000:]
    assert "contract snapshots" not in quiet.stdout and "passed" in quiet.stdout
    file = tmp_path / "snapshots" / "test_contract_users.json"
    recorded = json.loads(file.read_text(encoding="utf-8"))
    recorded["test_login"]["login"]["snapshot"]["status"] = 201  # a recording the emulator no longer matches
    file.write_text(json.dumps(recorded), encoding="utf-8")
    differs = run_suite(env, "-k", "test_login")
    assert differs.returncode == 1
    assert "contract snapshots" in differs.stdout and "1 differ" in differs.stdout


def test_recording_is_refused_on_the_emulator(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIZWITS_")}
    env["GIZWITS_SNAPSHOT_DIR"] = str(tmp_path)
    result = run_suite(env, "--snapshot-update", "-k", "test_login and not wrong")
    assert result.returncode != 0
    assert "records the real cloud's answers" in result.stdout
    assert not list(tmp_path.iterdir())
