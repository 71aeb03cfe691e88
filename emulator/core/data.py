"""Where the data files live: the ``fixtures/`` folder (products, scenarios).

In a source checkout or an editable install it is the repository's ``fixtures/``; a
built wheel carries the same files inside the package as ``emulator/fixtures``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent.parent  # emulator/ (this file is emulator/core/data.py)


@cache
def fixtures_dir() -> Path:
    for candidate in (_PACKAGE / "fixtures", _PACKAGE.parent / "fixtures"):
        if (candidate / "products.json").is_file():
            return candidate
    raise FileNotFoundError("the emulator's fixtures folder (products.json) was not found")


def load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)
