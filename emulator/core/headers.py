"""One reading of request headers, for the app, fault rules and the journal alike.

Header names are compared without case. A header an identity depends on (the
application id, the user token) must be given once: a request that repeats it has no
single value for it, so the app refuses it (9015, :func:`single` raises) and fault
rules and the journal see no value either (rather than the first in one place and the
last in another). Everything else is recorded with repeated values joined by ", ", as
HTTP combines a repeated field (RFC 9110, 5.3).
"""

from __future__ import annotations

from collections.abc import Iterable

RawHeaders = Iterable[tuple[bytes, bytes]]


class RepeatedHeader(ValueError):
    def __init__(self, name: str, count: int) -> None:
        super().__init__(f"{name} is given {count} times")
        self.name, self.count = name, count


def values(raw: RawHeaders, name: str) -> list[str]:
    wanted = name.lower().encode("latin-1")
    return [value.decode("latin-1") for key, value in raw if key.lower() == wanted]


def single(raw: RawHeaders, name: str) -> str | None:
    """The header's value, None when absent; :class:`RepeatedHeader` when given more than once."""
    found = values(raw, name)
    if len(found) > 1:
        raise RepeatedHeader(name, len(found))
    return found[0] if found else None


def single_or_none(raw: RawHeaders, name: str) -> str | None:
    """The header's value, None when absent or repeated (for whoever must not refuse the request)."""
    found = values(raw, name)
    return found[0] if len(found) == 1 else None


def joined(raw: RawHeaders) -> dict[str, str]:
    """Every header by lower-case name; repeated values joined by ", "."""
    found: dict[str, str] = {}
    for key, value in raw:
        name, text = key.decode("latin-1").lower(), value.decode("latin-1")
        found[name] = f"{found[name]}, {text}" if name in found else text
    return found
