"""The README's shell examples, run as pasted against ``gizwits-emulator serve`` on a free port.

"Pointing a client at it" (curl: login, bindings, control, devdata, a Pilote v1 raw command, a
signed ``bind_mac``) runs whole under bash; "Driving a running emulator from the shell" runs line
by line with the console script, ``<did>`` replaced by a demo device's did; the week program
facts it states hold.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from serving import Served

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def shell_block(section: str) -> str:
    text = README.split(f"## {section}", 1)[1] if f"## {section}" in README else README.split(f"### {section}", 1)[1]
    return re.search(r"```sh\n(.*?)```", text, re.DOTALL).group(1)


def json_values(text: str) -> list[object]:
    """The JSON answers curl printed one after the other (with no newline between them)."""
    decoder, values, at = json.JSONDecoder(), [], 0
    while at < len(text.rstrip()):
        value, at = decoder.raw_decode(text, at)
        values.append(value)
        while at < len(text) and text[at].isspace():
            at += 1
    return values


def test_pointing_a_client_at_it_runs_as_pasted() -> None:
    for tool in ("bash", "curl", "md5sum"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    script = shell_block("Pointing a client at it")
    assert script.startswith("BASE=http://127.0.0.1:8000\n")
    with Served("--quiet") as served:
        ran = subprocess.run(["bash", "-euo", "pipefail", "-c", script.replace("http://127.0.0.1:8000", served.url)],
                             capture_output=True, text=True, timeout=60)
        devices = httpx.get(f"{served.url}/_emulator/devices", timeout=10).json()
    assert ran.returncode == 0 and ran.stderr == "", ran.stderr
    answers = json_values(ran.stdout)
    bindings, control, pilote2, control_v1, pilote_v1, bound = answers
    assert len(bindings["devices"]) == 9 and control == {} and control_v1 == {}
    assert pilote2["attr"]["mode"] == "eco" and pilote_v1["attr"] == {"mode": "经济"}
    assert bound["mac"] == "a0b1c2d3e4f5" and bound["dev_alias"] == "Spare"
    spare = next(d for d in devices if d["mac"] == "a0b1c2d3e4f5")
    assert [b["dev_alias"] for b in spare["bound_to"]] == ["Spare"]


def test_driving_a_running_emulator_from_the_shell_runs_as_written() -> None:
    commands = [line.split("#", 1)[0].strip() for line in shell_block("Driving a running emulator from the shell")
                .splitlines()]
    commands = [c for c in commands if c and "--follow" not in c]  # --follow runs until Ctrl+C
    assert len(commands) == 13 and all(c.startswith("gizwits-emulator ") for c in commands)
    scripts = str(Path(sys.executable).parent)  # where the console script is installed
    with Served("--quiet") as served:
        did = next(d["did"] for d in httpx.get(f"{served.url}/_emulator/devices", timeout=10).json()
                   if d["product_name"] == "Pilote_Soc")
        env = {**os.environ, "GIZWITS_EMULATOR_URL": served.url, "PATH": scripts + os.pathsep + os.environ["PATH"]}
        for command in commands:
            ran = subprocess.run(["sh", "-c", command.replace("<did>", did)], capture_output=True, text=True,
                                 timeout=60, env=env)
            assert ran.returncode == 0 and ran.stderr == "", (command, ran.stderr)
            assert ran.stdout.strip() or command == "gizwits-emulator journal", command  # empty after a reset


def test_the_readmes_week_program_facts_hold() -> None:
    """What the README says devices start with: the standard week, program off but on the demo's Bloom,
    Europe/Paris; the same for an account's devices."""
    from emulator.gizwits.devices.program import slot_mode
    from emulator.testing import Emulator

    emulator = Emulator()
    account = emulator.account("Pilote_Soc", "Glow_Simple")
    devices = [d for d in emulator.devices() if d["product_name"] != "Heatzy"]
    assert len(devices) == 11
    for device in devices:
        attrs = emulator.device(device["did"]).attrs
        assert (attrs["p1_data4"], attrs["p1_data9"], attrs["p1_data3"], attrs["p6_data5"]) == (0, 5, 85, 0)
        assert attrs["timer_switch"] == (1 if device["product_name"] == "Bloom" else 0)
        assert emulator.cloud.devices.get(device["did"]).timezone == "Europe/Paris"
    # the worked example: Monday 16:00-18:00 is eco, eco, comfort, comfort
    attrs = emulator.device(account.did("Pilote_Soc")).attrs
    assert [slot_mode(attrs, 1, slot) for slot in range(32, 36)] == ["eco", "eco", "cft", "cft"]
    assert "`0b00000101` = **5**" in README and "`p1_data9` = 5" in README
