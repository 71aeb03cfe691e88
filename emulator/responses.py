"""The emulator's JSON answers: rendered by orjson, byte for byte as Starlette's ``JSONResponse`` renders.

Rendering a device's data (~100 values) with the standard library took as long as the rest of a
``devdata/latest`` request's handler; orjson (a compiled, well-kept renderer) takes a tenth of that.
Its output is the one clients have seen so far: keys in insertion order, no spaces, non-ASCII
text as UTF-8 (not ``\\u`` escapes). One difference stays: a float below 1e-4 is spelled
``0.00001`` instead of ``1e-05`` (the same number). Whatever orjson refuses or would render
differently (non-string keys, integers beyond 64 bits, dataclasses, dates, lone surrogates) goes
to the standard library, which renders it as before or raises as before. NaN and infinities, which
the standard library refused, become ``null`` (the emulator holds none: bodies with them are refused
on the way in, :mod:`emulator.core.jsontext`).
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from starlette.responses import JSONResponse as StarletteJSONResponse

#: Dataclasses and dates are not JSON to the standard library: orjson hands them to ``default``, which refuses.
_AS_BEFORE = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def _refuse(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not rendered by orjson here")


def render_json(content: Any) -> bytes:
    """``content`` as compact JSON in UTF-8, as Starlette's ``JSONResponse`` renders it."""
    try:
        return orjson.dumps(content, default=_refuse, option=_AS_BEFORE)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None,
                          separators=(",", ":")).encode("utf-8")


class JSONResponse(StarletteJSONResponse):
    def render(self, content: Any) -> bytes:
        return render_json(content)
