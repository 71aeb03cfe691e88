"""One reading of a request's headers (:mod:`emulator.core.headers`), made once per request."""

from __future__ import annotations

import pytest

from emulator.core.headers import RepeatedHeader, of, read

RAW = [(b"Host", b"euapi.gizwits.com"), (b"x-gizwits-application-id", b"abc"), (b"Accept", b"a/b"),
       (b"accept", b"c/d"), (b"ACCEPT", b"e/f"), (b"X-Caf\xe9", b"cr\xe8me")]


def test_names_are_read_without_case_and_repeats_joined() -> None:
    reading = read(RAW)
    assert reading.joined == {"host": "euapi.gizwits.com", "x-gizwits-application-id": "abc",
                              "accept": "a/b, c/d, e/f", "x-café": "crème"}
    assert reading.get("ACCEPT") == "a/b, c/d, e/f" and reading.get("x-missing", "none") == "none"
    assert reading.single("X-Gizwits-Application-Id") == "abc" and reading.single("x-missing") is None
    assert reading.chars == sum(len(name) + len(value) for name, value in RAW)


def test_a_repeated_header_has_no_single_value() -> None:
    reading = read(RAW)
    with pytest.raises(RepeatedHeader, match="Accept is given 3 times"):
        reading.single("Accept")
    assert reading.single_or_none("Accept") is None
    assert reading.single_or_none("host") == "euapi.gizwits.com"


def test_a_request_is_read_once() -> None:
    scope = {"type": "http", "headers": RAW}
    first = of(scope)
    assert of(scope) is first and first.single("host") == "euapi.gizwits.com"
    assert of({"type": "http"}).joined == {}
