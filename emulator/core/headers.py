"""One reading of request headers, for the app, fault rules and the journal alike.

Header names are compared without case. A header an identity depends on (the
application id, the user token) must be given once: a request that repeats it has no
single value for it, so the app refuses it (9015, :meth:`Reading.single` raises) and fault
rules and the journal see no value either (rather than the first in one place and the
last in another). Everything else is recorded with repeated values joined by ", ", as
HTTP combines a repeated field (RFC 9110, 5.3).

A request's headers are read once (:func:`of`): the reading is kept in the ASGI scope, so
the control plane, the fault rules, the endpoint and the journal share it (each used to
scan the raw headers again: four scans and a decoding per request).
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any

from msgspec import Struct

RawHeaders = Iterable[tuple[bytes, bytes]]

#: Where a request's :class:`Reading` is kept in its ASGI scope.
SCOPE_KEY = "gizwits_emulator.headers"


class RepeatedHeader(ValueError):
    def __init__(self, name: str, count: int) -> None:
        super().__init__(f"{name} is given {count} times")
        self.name, self.count = name, count


def read(raw: RawHeaders) -> Reading:
    """Read raw ASGI headers (``[(name, value)]`` in bytes)."""
    found: dict[bytes, bytes] = {}
    repeats: dict[str, int] = {}
    chars = 0
    for key, value in raw:
        chars += len(key) + len(value)
        name = key.lower()
        if name in found:
            found[name] += b", " + value
            text = name.decode("latin-1")
            repeats[text] = repeats.get(text, 1) + 1
        else:
            found[name] = value
    return Reading(found, repeats, chars)


class Reading(Struct, gc=False):
    """A request's headers, read once (:func:`read`): each by lower-case name, how many times a repeated
    one came, and the characters of their names and values (``chars``: what the journal weighs them,
    counted in the same pass). Values are decoded when asked for: a request's fault matching and
    endpoint ask for two, and only a journal entry that is read needs them all (:attr:`joined`).

    The journal keeps the reading of every request it holds: ``gc=False`` leaves it out of the
    collector's scans (it holds only bytes and text, never a cycle; see :class:`~.journal.Answered`).
    """

    _raw: dict[bytes, bytes]
    repeats: dict[str, int]
    chars: int
    _joined: dict[str, str] | None = None

    @property
    def joined(self) -> dict[str, str]:
        """Every header by lower-case name; repeated values joined by ", "."""
        if self._joined is None:
            self._joined = {name.decode("latin-1"): value.decode("latin-1") for name, value in self._raw.items()}
        return self._joined

    def has(self, name: str) -> bool:
        """Whether the header was sent (``name`` in lower case)."""
        return name.encode("latin-1") in self._raw

    def get(self, name: str, default: str | None = None) -> str | None:
        """The header's value (repeated values joined by ", "), ``default`` when absent."""
        value = self._raw.get(name.lower().encode("latin-1"))
        return default if value is None else value.decode("latin-1")

    def single(self, name: str) -> str | None:
        """The header's value, None when absent; :class:`RepeatedHeader` when given more than once."""
        key = name.lower()
        if key in self.repeats:
            raise RepeatedHeader(name, self.repeats[key])
        return self.get(key)

    def single_or_none(self, name: str) -> str | None:
        """The header's value, None when absent or repeated (for whoever must not refuse the request)."""
        key = name.lower()
        return None if key in self.repeats else self.get(key)


def of(scope: MutableMapping[str, Any]) -> Reading:
    """The request's reading of its headers, made on first use and kept in its scope."""
    reading = scope.get(SCOPE_KEY)
    if reading is None:
        reading = scope[SCOPE_KEY] = read(scope.get("headers", ()))
    return reading
