"""Build the Home Assistant test venv: Python 3.13, pytest-homeassistant-custom-component pinned in
requirements.txt, heatzypy, and this project (editable, so the venv tests the working tree).

``python tests/homeassistant/prepare_venv.py`` (``.ci/run`` does it before the suite; the test does
it only when the venv is missing). Home Assistant needs Python >= 3.13: the interpreter is
``$GIZWITS_HA_PYTHON``, else ``python3.13`` on the PATH, else a pyenv 3.13. The install goes
through ``uv`` (installed from PyPI into the new venv first: it resolves and installs Home
Assistant's few hundred packages in well under a minute, where pip takes minutes), falling back
to pip. A stamp records what was installed: a venv whose requirements changed is built again.
Exit status 0 with the venv ready, 3 when no Python 3.13 exists (nothing to build), 1 on failure.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENV = ROOT / ".venv-homeassistant"
REQUIREMENTS = HERE / "requirements.txt"
STAMP = VENV / "gizwits-emulator-requirements.sha256"
NO_PYTHON = 3


def interpreter() -> str | None:
    """A Python 3.13+ interpreter, or None."""
    candidates = [os.environ.get("GIZWITS_HA_PYTHON"), shutil.which("python3.13")]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += [str(p) for p in sorted(pyenv.glob("3.13*/bin/python3"))]
    for candidate in filter(None, candidates):
        try:
            probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info >= (3, 13))"],
                                   capture_output=True, text=True, timeout=30)
        except OSError:
            continue
        if probe.returncode == 0 and probe.stdout.strip() == "True":
            return candidate
    return None


def wanted() -> str:
    """What the venv should hold: the requirements and the project's dependencies."""
    return hashlib.sha256(REQUIREMENTS.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ready() -> bool:
    return (VENV / "bin" / "python").exists() and STAMP.exists() and STAMP.read_text().strip() == wanted()


def build(python: str) -> None:
    if VENV.exists():
        shutil.rmtree(VENV)
    subprocess.run([python, "-m", "venv", str(VENV)], check=True)
    venv_python = str(VENV / "bin" / "python")
    packages = ["-r", str(REQUIREMENTS), "-e", str(ROOT)]
    installed_uv = subprocess.run([venv_python, "-m", "pip", "install", "-q", "uv"], check=False)
    uv = VENV / "bin" / "uv"
    if installed_uv.returncode == 0 and uv.exists():
        done = subprocess.run([str(uv), "pip", "install", "--quiet", "--python", venv_python, *packages],
                              env={**os.environ, "UV_NATIVE_TLS": "1"}, check=False)
        if done.returncode == 0:
            STAMP.write_text(wanted())
            return
        print("uv could not install the Home Assistant venv; trying pip", file=sys.stderr)
    subprocess.run([venv_python, "-m", "pip", "install", "-q", *packages], check=True)
    STAMP.write_text(wanted())


def main() -> int:
    if ready():
        print(f"the Home Assistant test venv is ready: {VENV}")
        return 0
    python = interpreter()
    if python is None:
        print("no Python 3.13 here: the Home Assistant tests will skip", file=sys.stderr)
        return NO_PYTHON
    print(f"building the Home Assistant test venv in {VENV} from {python} ...", flush=True)
    try:
        build(python)
    except subprocess.CalledProcessError as error:
        print(f"the Home Assistant test venv could not be built: {error}", file=sys.stderr)
        return 1
    print(f"the Home Assistant test venv is ready: {VENV}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
