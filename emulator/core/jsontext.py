"""JSON as the emulator reads it: only what it can write back.

Python's parser takes more than JSON: ``NaN`` and ``Infinity``, numbers such as ``1e309``
that become infinite, ``"\\ud800"`` escapes that decode to lone surrogates (which no
UTF-8 answer can carry), and nesting as deep as the interpreter's recursion allows
(which a renderer then overflows). :func:`loads` refuses all of these, so a value it
returns can always be rendered again: the request parser of the app API and the request
journal read bodies through it.
"""

from __future__ import annotations

import json
import math
from typing import Any

#: Deepest nesting of arrays and objects taken (real payloads stay below ten).
MAX_DEPTH = 100


class NotJson(ValueError):
    """Not JSON the emulator can take; the message says why, as a request detail."""


def _not_a_number(name: str) -> float:
    raise NotJson(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotJson(f"{text} is out of the range of a number")
    return value


def depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (0 for a scalar); walks without recursing."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


#: One decoder for every body: ``json.loads`` with these hooks would build a new one per call.
_DECODER = json.JSONDecoder(parse_constant=_not_a_number, parse_float=_finite)


def loads(text: str) -> Any:
    """The JSON value of ``text``; :class:`NotJson` saying what is wrong otherwise."""
    try:
        if text.startswith("\ufeff"):  # as json.loads refuses it
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        value = _DECODER.decode(text)
    except RecursionError:
        raise NotJson("nested too deeply") from None
    except NotJson:
        raise
    except ValueError as error:
        raise NotJson(f"not valid JSON: {error}") from None
    # Nesting needs an opening bracket per level: a text with fewer than MAX_DEPTH of them (every
    # request a client really sends) cannot nest too deep, and the walk over the value is spared.
    if text.count("[") + text.count("{") > MAX_DEPTH and depth(value) > MAX_DEPTH:
        raise NotJson(f"nested more than {MAX_DEPTH} deep")
    # A lone surrogate comes from the text itself or from a \\u escape in it. Rendering the value
    # again finds it whatever its origin, but costs as much as the parse: only done when the text
    # has an escape (encoding the text itself, a fast check, finds the other origin).
    try:
        text.encode("utf-8")
        if "\\u" in text:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise NotJson("contains a lone UTF-16 surrogate escape (\\ud800-\\udfff)") from None
    return value
