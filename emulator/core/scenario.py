"""Finding and reading a scenario document, and reporting what is wrong with one.

A scenario is a fixture name under ``fixtures/`` (``demo``, ``empty``), a path to a JSON file,
or the document itself. Each cloud reads its own part of it (see ``fixtures/README.md``); the
whole format is published as ``fixtures/scenario.schema.json`` (:mod:`.scenario_schema`).

A :class:`Problem` is a JSON path (``devices[2].attrs.mode``) and what is wrong there; a
:class:`ScenarioError` carries every problem of a document, one line each, naming its source.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from msgspec import Struct

from .data import fixtures_dir

Fixture = str | Path | dict[str, Any]

#: How the document itself (the root of every path) is named in a problem.
ROOT = "(document)"
#: How an inline document (a dict) is named as a source.
INLINE = "scenario document"
#: Problems listed at most, so a file that is wrong everywhere still gives a readable answer.
MAX_PROBLEMS = 50


class Problem(Struct, frozen=True):
    #: Where: a JSON path (``devices[2].attrs.mode``), ``line 3, column 5`` for bad JSON, or "".
    where: str
    what: str
    #: The path as keys and indexes, to list problems in document order.
    at: tuple[str | int, ...] = ()

    @classmethod
    def at_path(cls, parts: Sequence[str | int], what: str) -> Problem:
        return cls(json_path(parts), what, tuple(parts))

    def line(self, source: str) -> str:
        return f"{source}: {self.where}: {self.what}" if self.where else f"{source}: {self.what}"


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; ``str()`` is one line per problem, naming the source."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(self.lines()))

    @classmethod
    def at(cls, parts: Sequence[str | int], what: str, source: str = INLINE) -> ScenarioError:
        """One problem at ``parts`` (a loader's own last-resort check)."""
        return cls(source, [Problem.at_path(parts, what)])

    def lines(self) -> list[str]:
        shown = [p.line(self.source) for p in self.problems[:MAX_PROBLEMS]]
        if len(self.problems) > MAX_PROBLEMS:
            shown.append(f"{self.source}: ... and {len(self.problems) - MAX_PROBLEMS} more problems")
        return shown


def json_path(parts: Iterable[str | int]) -> str:
    """``["devices", 2, "attrs", "mode"]`` -> ``devices[2].attrs.mode`` (the root is ``(document)``)."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return text or ROOT


def bundled_scenarios() -> list[str]:
    """The names of the scenarios shipped in ``fixtures/`` (``demo``, ``empty``)."""
    files = fixtures_dir().glob("*.json")
    return sorted(p.stem for p in files if p.name != "products.json" and ".schema." not in p.name)


def scenario_path(name_or_path: str | Path) -> Path:
    """The file a fixture name (``demo``) or path names; :class:`ScenarioError` when there is none."""
    path = Path(name_or_path)
    if path.suffix != ".json" and len(path.parts) == 1 and path.name in bundled_scenarios():
        return fixtures_dir() / f"{path.name}.json"
    if path.is_file():
        return path
    names = ", ".join(bundled_scenarios())
    raise ScenarioError(str(name_or_path), [Problem("", f"no such scenario (the fixture names are {names}; "
                                                         "or give a JSON file's path)")])


class Scenario(Struct, frozen=True):
    """A document as read (parsed, not checked yet), where it comes from, and whether it is one of
    the scenarios shipped in ``fixtures/`` (those skip the schema pass: the suite checks them)."""

    source: str
    document: Any
    bundled: bool = False


def read_scenario(name_or_path: Fixture | Any) -> Scenario:
    """Read a fixture name, path or inline document; :class:`ScenarioError` when it cannot be read
    or is not JSON (with the line and column)."""
    if not isinstance(name_or_path, str | Path):
        return Scenario(INLINE, name_or_path)
    path = scenario_path(name_or_path)
    bundled = path.parent.resolve() == fixtures_dir().resolve() and path.stem in bundled_scenarios()
    source = str(path) if bundled else str(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(source, [Problem("", f"cannot read it: {error}")]) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioError(source, [Problem(f"line {error.lineno}, column {error.colno}",
                                             f"not valid JSON: {error.msg}")]) from None
    return Scenario(source, document, bundled)


def scenario_document(name_or_path: Fixture) -> dict[str, Any]:
    """The document of a fixture name, path or inline document (read, not checked; {} if not an object)."""
    document = read_scenario(name_or_path).document
    return document if isinstance(document, dict) else {}


def checked(scenario: Scenario, part_problems: Iterable[Sequence[Problem]]) -> dict[str, Any]:
    """The document when nothing is wrong with it; else :class:`ScenarioError` with every problem: the
    schema's (files of one's own), then each cloud's ``part_problems``, in document order."""
    from .scenario_schema import document_order, kind, schema_problems

    document = scenario.document
    problems = [] if scenario.bundled else schema_problems(document)
    if isinstance(document, dict):
        seen = {p.where for p in problems}
        problems += [p for found in part_problems for p in found if p.where not in seen]
    elif scenario.bundled:
        problems.append(Problem(ROOT, f"expected an object, got {kind(document)}"))
    if problems:
        raise ScenarioError(scenario.source, sorted(problems, key=lambda p: document_order(document, p.at)))
    return document
