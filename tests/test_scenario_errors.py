"""A scenario that cannot load says so: every problem on one line, naming the file and the JSON path.

Through every door a scenario comes in: ``serve --fixture PATH`` (exit 2, no traceback), the
Python handle and the pytest plugin (a clean exception), and the admin API (9015). Nothing of a
bad scenario is loaded. The published JSON Schema (``fixtures/scenario.schema.json``) describes
the format; the bundled scenarios and the README's example follow it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import assert_error
from starlette.testclient import TestClient

from emulator.app import create_app
from emulator.config import EmulatorConfig
from emulator.core.data import fixtures_dir
from emulator.core.scenario_schema import schema
from emulator.gizwits.cloud.cloud import Cloud
from emulator.gizwits.cloud.scenario import ScenarioError, load_scenario
from emulator.testing import Emulator

ROOT = Path(__file__).resolve().parents[1]
ME = {"ref": "me", "email": "me@example.test", "password": "pw"}


def scenario(*devices: dict[str, Any], users: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"format": 1, "users": [ME] if users is None else users, "devices": list(devices)}


#: The mistakes a newcomer makes, each with the line it must produce (after "FILE: ").
MISTAKES = {
    "unknown product": (scenario({"product": "Nope"}),
                        "devices[0].product: unknown product 'Nope' (products: Heatzy, Pilote2"),
    "missing product": (scenario({"alias": "Salon"}), "devices[0]: 'product' is required"),
    "bad attribute value": (scenario({"product": "Pilote2"}, {"product": "Pilote2"},
                                     {"product": "Pilote2", "attrs": {"mode": "turbo"}}),
                            "devices[2].attrs.mode: 'turbo' is not one of ['cft', 'eco', 'fro', 'stop'"),
    "unknown time zone": (scenario({"product": "Bloom", "timezone": "Europe/Pariss"}),
                          "devices[0].timezone: unknown time zone 'Europe/Pariss' (an IANA name, such as "
                          "Europe/Paris)"),
    "unknown user in bound_to": (scenario({"product": "Bloom", "alias": "Kitchen", "bound_to": ["you"]}),
                                 "devices[0].bound_to[0]: no user with ref 'you' (users: me)"),
    "top-level list": ([{"product": "Bloom"}], "(document): expected an object, got a list"),
    "misspelt key": ({"format": 1, "device": []},
                     "device: unknown key (expected one of: $schema, apps, description, devices, ewelink, format, "
                     "users)"),
    "wrong format": ({"format": 2}, "format: must be 1, got a number (2)"),
}


def write(tmp_path: Path, document: Any, name: str = "mine.json") -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


def serve_fixture(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "emulator", "serve", "--port", "0", "--fixture", str(path)],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_the_python_handle_names_the_place_and_the_problem(mistake: str, tmp_path: Path) -> None:
    document, line = MISTAKES[mistake]
    path = write(tmp_path, document)
    with pytest.raises(ScenarioError) as raised:
        Emulator(path)
    assert str(raised.value).startswith(f"{path}: {line}") and "\n" not in str(raised.value), str(raised.value)
    assert raised.value.source == str(path) and len(raised.value.problems) == 1


def test_serve_prints_every_problem_of_the_file_and_exits_2(tmp_path: Path) -> None:
    """All problems at once, one per line, each naming the file and the JSON path; no traceback."""
    path = write(tmp_path, {
        "format": 1,
        "users": [ME, {"ref": "me", "email": "me@example.test"}],
        "devices": [
            {"product": "Nope"},
            {"alias": "no product"},
            {"product": "Pilote2", "attrs": {"mode": "turbo", "timer_switch": 5, "colour": 1},
             "timezone": "Mars/Olympus", "bound_to": ["me", "you", {"user": "me", "role": "boss"}]},
            {"product": "Pilote2", "mac": "a0:b1:c2:d3:e4:f5"},
            {"product": "Pilote2", "mac": "A0B1C2D3E4F5", "did": "has space"},
        ],
    })
    failed = serve_fixture(path)
    assert failed.returncode == 2, failed.stdout + failed.stderr
    assert "Traceback" not in failed.stderr and failed.stdout == ""
    lines = failed.stderr.splitlines()
    assert lines[0] == f"gizwits-emulator: cannot load the scenario {path}:"
    problems = [line.strip().removeprefix(f"{path}: ") for line in lines[1:]]
    assert problems == [
        "users[1].ref: ref 'me' is used by an earlier user",
        "users[1].email: email 'me@example.test' is given to an earlier user",
        problems[2],  # the unknown product (with the list of products)
        "devices[1]: 'product' is required",
        "devices[2].attrs.mode: 'turbo' is not one of ['cft', 'eco', 'fro', 'stop', 'cft1', 'cft2']",
        "devices[2].attrs.timer_switch: 5 is out of range 0..1",
        "devices[2].attrs.colour: Pilote2 has no data point 'colour'",
        "devices[2].timezone: unknown time zone 'Mars/Olympus' (an IANA name, such as Europe/Paris)",
        "devices[2].bound_to[1]: no user with ref 'you' (users: me)",
        "devices[2].bound_to[2].role: 'boss' is not one of special, owner, guest, normal",
        "devices[4].mac: mac 'A0B1C2D3E4F5' is given to an earlier Pilote2",
        "devices[4].did: 'has space': expected letters, digits, - and _ only (a did is part of URL paths)",
    ]
    assert problems[2].startswith("devices[0].product: unknown product 'Nope' (products: Heatzy, Pilote2,")
    assert all(line.startswith(f"  {path}: ") for line in lines[1:])


@pytest.mark.parametrize("text,where", [
    ('{"format": 1, "devices": [\n  {"product": "Bloom"},\n]}', "line 3, column 1: not valid JSON: "),
    ("", "line 1, column 1: not valid JSON: Expecting value"),
])
def test_invalid_json_names_the_line_and_column(tmp_path: Path, text: str, where: str) -> None:
    path = write(tmp_path, text)
    failed = serve_fixture(path)
    assert failed.returncode == 2 and "Traceback" not in failed.stderr
    assert failed.stderr.splitlines()[1].startswith(f"  {path}: {where}"), failed.stderr


def test_a_file_that_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ScenarioError, match=r"binary\.json: cannot read it: 'utf-8' codec"):
        Emulator(path)


def test_an_inline_document_is_checked_too() -> None:
    with pytest.raises(ScenarioError) as raised:
        Emulator({"format": 1, "devices": [{"product": "Pilote2", "attrs": {"mode": 9}}]})
    assert str(raised.value) == "scenario document: devices[0].attrs.mode: index 9 is out of range 0..5"


def test_a_bad_reset_or_seed_changes_nothing() -> None:
    emulator = Emulator()
    emulator.clock.freeze("2025-01-06T07:00:00Z")
    before = emulator.devices()
    did = next(d["did"] for d in before if d["product_name"] == "Pilote_Soc")
    emulator.device(did).press("cft")  # the demo's Pilote_Soc is in eco
    bad = scenario({"product": "Pilote2", "bound_to": ["nobody"]})
    with pytest.raises(ScenarioError, match=r"devices\[0\]\.bound_to\[0\]: no user with ref 'nobody'"):
        emulator.reset(bad)
    assert emulator.clock.describe()["mode"] == "frozen" and emulator.now().year == 2025
    assert emulator.devices() == before and emulator.device(did).attrs["mode"] == "cft"
    with pytest.raises(ScenarioError, match=r"users\[0\]\.email: email 'demo@heatzy\.test' is already registered"):
        emulator.seed({"format": 1, "users": [{"email": "demo@heatzy.test"}], "devices": [{"product": "Bloom"}]})
    assert emulator.devices() == before and len(emulator.users()) == 2


def test_seed_refuses_identifiers_the_state_already_has() -> None:
    emulator = Emulator()
    spare = next(d for d in emulator.devices() if not d["bound_to"])
    with pytest.raises(ScenarioError) as raised:
        emulator.seed({"format": 1, "devices": [{"product": "Pilote2", "mac": spare["mac"]},
                                                {"product": "Bloom", "did": spare["did"]}]})
    assert str(raised.value).splitlines() == [
        f"scenario document: devices[0].mac: mac {spare['mac']!r} is already registered for Pilote2",
        f"scenario document: devices[1].did: did {spare['did']!r} already exists",
    ]


def test_the_admin_api_answers_9015_listing_every_problem() -> None:
    cloud = Cloud(EmulatorConfig())
    with TestClient(create_app(cloud=cloud)) as client:
        users = client.get("/_emulator/users").json()
        body = assert_error(client.post("/_emulator/reset", json={"fixture": scenario(
            {"product": "Nope"}, {"product": "Bloom", "timezone": "Nowhere"})}), 9015, 400)
        assert body["detail_message"].splitlines() == [
            "cannot load fixture:",
            body["detail_message"].splitlines()[1],
            "scenario document: devices[1].timezone: unknown time zone 'Nowhere' (an IANA name, such as "
            "Europe/Paris)",
        ]
        assert body["detail_message"].splitlines()[1].startswith("scenario document: devices[0].product: unknown")
        assert_error(client.post("/_emulator/seed", json={"fixture": [1]}), 9015, 400)
        assert client.get("/_emulator/users").json() == users


def test_the_pytest_plugin_fails_the_test_with_the_problems_and_no_traceback(
        pytester: pytest.Pytester, tmp_path: Path) -> None:
    path = write(tmp_path, scenario({"product": "Pilote2", "attrs": {"mode": "turbo"}}))
    pytester.makepyfile(f"""
        import pytest

        @pytest.mark.gizwits(fixture={str(path)!r})
        def test_uses_it(gizwits):
            pass
    """)
    # Only the plugin under test: the other installed plugins (schemathesis, hypothesis) take seconds to import.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:schemathesis",
                                           "-p", "no:hypothesispytest")
    result.assert_outcomes(errors=1)
    output = result.stdout.str()
    assert "the gizwits fixture cannot load:" in output
    assert f"{path}: devices[0].attrs.mode: 'turbo' is not one of" in output
    assert "Traceback" not in output and "scenario_checks.py" not in output


# -- the published schema -------------------------------------------------------------------------
def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    assert (ROOT / "fixtures" / "scenario.schema.json").is_file()


@pytest.mark.parametrize("name", ["demo", "empty"])
def test_the_bundled_scenarios_follow_the_schema(name: str) -> None:
    """They load without the schema pass (to keep startup light), so the schema is checked here."""
    document = json.loads((fixtures_dir() / f"{name}.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema()).validate(document)


def test_the_readmes_scenario_example_loads(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Scenarios (fixtures)", 1)[1]
    example = json.loads(re.search(r"```json\n(.*?)```", section, re.DOTALL).group(1))
    emulator = Emulator(write(tmp_path, example))
    [device] = emulator.devices()
    assert device["product_name"] == example["devices"][0]["product"]
    # What the device stores: what it reports follows its week program (timer_switch 1), so it
    # depends on the hour the test runs at.
    stored = emulator.device(device["did"]).state()["state"]["attrs"]
    wanted = example["devices"][0]["attrs"]
    assert {name: stored[name] for name in wanted} == wanted


def test_a_schema_reference_in_the_document_is_allowed(tmp_path: Path) -> None:
    document = {"$schema": "../fixtures/scenario.schema.json", **scenario({"product": "Bloom", "bound_to": ["me"]})}
    assert len(Emulator(write(tmp_path, document)).devices()) == 1


def test_the_checks_come_before_anything_is_created() -> None:
    cloud = Cloud(EmulatorConfig(fixture="empty"))
    with pytest.raises(ScenarioError):
        load_scenario(cloud, scenario({"product": "Bloom", "bound_to": ["me"]}, {"product": "Bloom",
                                                                                  "bound_to": ["ghost"]}))
    assert len(cloud.devices) == 0 and len(list(cloud.users)) == 0


def test_a_reset_to_an_edited_file_loads_it_again(tmp_path: Path) -> None:
    path = write(tmp_path, scenario({"product": "Bloom"}))
    emulator = Emulator(path)
    assert [d["product_name"] for d in emulator.devices()] == ["Bloom"]
    write(tmp_path, scenario({"product": "Pilote2"}, {"product": "INEA"}))
    emulator.reset()
    assert [d["product_name"] for d in emulator.devices()] == ["Pilote2", "INEA"]
    write(tmp_path, scenario({"product": "Nope"}))
    with pytest.raises(ScenarioError, match="unknown product 'Nope'"):
        emulator.reset()
    assert [d["product_name"] for d in emulator.devices()] == ["Pilote2", "INEA"]
