"""Finding a scenario document: a fixture name under ``fixtures/``, a path to a ``.json`` file,
or the document itself. Each cloud reads its own part of it (see ``fixtures/README.md``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .data import fixtures_dir, load_json

Fixture = str | Path | dict[str, Any]


class ScenarioError(ValueError):
    """A scenario that cannot be found or loaded; the message says why."""


def scenario_document(name_or_path: Fixture) -> dict[str, Any]:
    if isinstance(name_or_path, dict):
        return name_or_path
    path = Path(name_or_path)
    if path.suffix != ".json":
        path = fixtures_dir() / f"{name_or_path}.json"
    if not path.is_file():
        raise ScenarioError(f"no scenario {str(name_or_path)!r} (looked for {path})")
    document = load_json(path)
    if not isinstance(document, dict):
        raise ScenarioError(f"the scenario {path} is not a JSON object")
    return document


def checked_document(name_or_path: Fixture) -> dict[str, Any]:
    """The document, refused unless it says ``"format": 1``."""
    document = scenario_document(name_or_path)
    if document.get("format") != 1:
        raise ScenarioError("a scenario document needs \"format\": 1")
    return document
