"""Home Assistant: the custom component in tests/homeassistant (config flow, coordinator, one
climate entity, the WebSocket push; heatzypy through ``async_get_clientsession(hass)``) run under
pytest-homeassistant-custom-component against the emulator's plugin, with no extra fixture.

Home Assistant needs Python >= 3.13, so those tests run in their own venv,
``.venv-homeassistant`` (tests/homeassistant/prepare_venv.py; ``.ci/run`` builds it before the
suite). This test builds it only when it is missing, and says so; without any Python 3.13 it skips.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import warnings
from pathlib import Path
from types import ModuleType

import pytest

HERE = Path(__file__).resolve().parent / "homeassistant"


def prepare_venv() -> ModuleType:
    spec = importlib.util.spec_from_file_location("prepare_venv", HERE / "prepare_venv.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_home_assistant_component_tests_pass() -> None:
    venv = prepare_venv()
    if not venv.ready():
        python = venv.interpreter()
        if python is None:
            pytest.skip("no Python 3.13 on this machine, and Home Assistant needs one (e.g. pyenv install 3.13)")
        warnings.warn(f"the Home Assistant test venv was missing: building it now in {venv.VENV} from {python} "
                      "(.ci/run prepares it before the suite)", stacklevel=1)
        venv.build(python)
    done = subprocess.run([str(venv.VENV / "bin" / "python"), "-m", "pytest", "-q"], cwd=HERE,
                          capture_output=True, text=True, timeout=600)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert re.fullmatch(r"(\d+) passed in [\d.]+s", summary), summary  # nothing skipped, failed or in error
    assert int(summary.split()[0]) == 4
