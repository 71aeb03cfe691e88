"""Reading request bodies the same way in every cloud: a JSON object whatever the content type,
and typed fields. Problems are a :class:`BodyError` whose message says what is wrong; each
cloud turns it into its own error (Gizwits 9015, eWeLink 400)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import jsontext


class BodyError(ValueError):
    """Bad input in a request body; the message says which field and why."""


#: Where the control plane (emulator/admin/middleware.py), which reads a request's body for the journal,
#: keeps it in the request's ASGI scope when it has read it whole.
SCOPE_KEY = "gizwits_emulator.body"


def received(scope: Mapping[str, Any]) -> bytes | None:
    """The request's body when the control plane has read it whole, else None (read the stream).
    An endpoint takes it from here rather than read it again from the stream the control plane
    replays: an async generator over a replayed message, ~14 us of a control request in-process."""
    return scope.get(SCOPE_KEY)


def parse_json_object(raw: bytes, *, required: bool) -> dict[str, Any]:
    """A JSON object from a body sent with any content type (clients send ``text/plain``)."""
    if not raw.strip():
        if required:
            raise BodyError("a JSON object body is required")
        return {}
    try:  # strict JSON that renders again (emulator/core/jsontext.py, which the journal reads with too)
        value = jsontext.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BodyError("request body is not UTF-8") from None
    except jsontext.NotJson as error:
        raise BodyError(f"request body: {error}") from None
    if not isinstance(value, dict):
        raise BodyError(f"request body must be a JSON object, got {type(value).__name__}")
    return value


_MISSING = object()
_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "a boolean", list: "a list",
          dict: "an object"}


def kind_name(kinds: tuple[type, ...]) -> str:
    return " or ".join(_NAMES.get(k, k.__name__) for k in kinds)


def field(body: Mapping[str, Any], name: str, kind: type | tuple[type, ...], *, required: bool = False,
          default: Any = None, allow_none: bool = False) -> Any:
    """``body[name]`` checked to be of ``kind`` (bools are not ints here); ``null`` is "not given"."""
    value = body.get(name, _MISSING)
    if value is _MISSING or (value is None and not allow_none):
        if required:
            raise BodyError(f"{name} is required")
        return default
    if value is None:
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise BodyError(f"{name} must be {kind_name(kinds)}, got a boolean")
    if not isinstance(value, kinds):
        raise BodyError(f"{name} must be {kind_name(kinds)}, got {type(value).__name__}")
    return value


def text(body: Mapping[str, Any], name: str, *, required: bool = False, max_length: int = 1024,
         allow_empty: bool = True) -> str | None:
    """A string field: at most ``max_length`` characters, no NUL, not blank unless ``allow_empty``."""
    value = field(body, name, str, required=required)
    if value is None:
        return None
    if not allow_empty and not value.strip():
        raise BodyError(f"{name} must not be empty")
    if len(value) > max_length:
        raise BodyError(f"{name} is longer than {max_length} characters")
    if "\x00" in value:
        raise BodyError(f"{name} contains a NUL character")
    return value
