"""The published scenario format, ``fixtures/scenario.schema.json``, and what it finds wrong.

Shapes, types, unknown keys, roles, identifier spellings of every cloud's part of a scenario
(the checks a schema cannot make are each cloud's: see ``scenario_problems`` of the clouds).
Problems are explained in words a person reads (``expected a list, got a string``) and listed in
the order their places appear in the document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from .data import fixtures_dir
from .scenario import Problem

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

SCHEMA_FILE = "scenario.schema.json"


# -- the schema ------------------------------------------------------------------------------
@cache
def schema() -> dict[str, Any]:
    """The published scenario schema (``fixtures/scenario.schema.json``)."""
    with (fixtures_dir() / SCHEMA_FILE).open(encoding="utf-8") as handle:
        return json.load(handle)  # type: ignore[no-any-return]


@cache
def _validator() -> Any:
    # Imported here: importing jsonschema takes about 100 ms, paid only by processes that load a
    # scenario of their own (the bundled ones are checked against the schema by the test suite).
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


_JSON_TYPES = {"object": "an object", "array": "a list", "string": "a string", "integer": "an integer",
               "number": "a number", "boolean": "true or false", "null": "null"}


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"a string ({value!r})" if len(value) <= 40 else "a string"
    return "a list" if isinstance(value, list) else "an object"


def _expected(types: str | Sequence[str]) -> str:
    names = [types] if isinstance(types, str) else list(types)
    return " or ".join(_JSON_TYPES.get(name, name) for name in names)


def schema_problems(document: Any) -> list[Problem]:
    """Everything the published schema finds wrong with ``document``, in document order."""
    found: list[Problem] = []
    for error in _validator().iter_errors(document):
        found.extend(_explain(error))
    return found


def document_order(document: Any, at: Sequence[str | int]) -> tuple[int, ...]:
    """Sort key listing problems in the order their places appear in the document."""
    key: list[int] = []
    node = document
    for part in at:
        if isinstance(node, dict) and part in node:
            key.append(list(node).index(part))
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            key.append(part)
            node = node[part]
        else:  # a key that is missing (required): after what is there
            key.append(len(node) if isinstance(node, dict | list) else 0)
            node = None
    return tuple(key)


def _explain(error: ValidationError) -> Iterator[Problem]:
    path = list(error.absolute_path)
    keyword, instance, rule = error.validator, error.instance, error.schema
    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = sorted(rule.get("properties", {}))
        for key in sorted(set(instance) - set(known)):
            yield Problem.at_path([*path, key], "unknown key" + (f" (expected one of: {', '.join(known)})"
                                                                     if known else ""))
        if not known:  # additionalProperties with a schema of its own: the values are wrong
            yield Problem.at_path(path, error.message)
    elif keyword == "required":
        yield Problem.at_path(path, f"{error.message.split(' is a required', 1)[0]} is required")
    elif keyword == "type":
        yield Problem.at_path(path, f"expected {_expected(error.validator_value)}, got {kind(instance)}")
    elif keyword == "const":
        yield Problem.at_path(path, f"must be {json.dumps(error.validator_value)}, got {kind(instance)}")
    elif keyword == "enum":
        yield Problem.at_path(path, f"{instance!r} is not one of {', '.join(map(str, error.validator_value))}")
    elif keyword == "pattern":
        yield Problem.at_path(path, f"{instance!r}: expected {rule.get('description') or 'another spelling'}")
    elif keyword == "minLength":
        yield Problem.at_path(path, "must not be empty")
    elif keyword == "oneOf":
        yield from _explain_choice(error, path)
    else:
        yield Problem.at_path(path, error.message)


def _explain_choice(error: ValidationError, path: list[str | int]) -> Iterator[Problem]:
    """A ``oneOf`` (a ``bound_to`` item): the errors of the branch whose type fits, if one does."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        branches.setdefault(int(sub.schema_path[0]), []).append(sub)
    fitting = [errors for errors in branches.values()
               if not any(e.validator == "type" and not e.relative_path for e in errors)]
    if len(fitting) == 1:
        for sub in fitting[0]:
            yield from _explain(sub)
        return
    types = [branch.get("type") for branch in error.validator_value if branch.get("type")]
    yield Problem.at_path(path, f"expected {_expected(types)}, got {kind(error.instance)}")
