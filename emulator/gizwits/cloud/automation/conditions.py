"""Rule conditions: operands (``prefix.datapoint`` references and constants) and comparisons.

Constants follow the docs' note ("1" is the number 1, "'1'" or "\\"1\\"" the string "1"),
and where they are silent: ``"0x1F"`` is a number, ``"true"``/``"false"`` are 1/0, any other
text is a string (the docs' own examples write ``"黄色"`` unquoted). Only numbers are ordered;
values of different types are never equal.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Container, Mapping
from functools import lru_cache
from typing import Any

from msgspec import Struct

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
}
_REF = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_]+)$")


class Ref(Struct, frozen=True):
    prefix: str
    name: str


class Const(Struct, frozen=True):
    value: int | float | str


def parse_operand(value: Any, prefixes: Container[str]) -> Ref | Const:
    """A condition operand (or an output value): a ``prefix.datapoint`` reference or a constant.

    :class:`ValueError` for a reference to an unknown prefix or a value of another type.
    """
    if isinstance(value, bool):
        return Const(int(value))
    if isinstance(value, int | float):
        return Const(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a string or a number, got {value!r}")
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return Const(text[1:-1])
    number = _number(text)
    if number is not None:
        return Const(number)
    match = _REF.match(text)
    if match:
        if match.group(1) not in prefixes:
            raise ValueError(f"{text!r} refers to {match.group(1)!r}, which is not a prefix of input")
        return Ref(match.group(1), match.group(2))
    if text.lower() in ("true", "false"):
        return Const(int(text.lower() == "true"))
    return Const(value)


def _number(text: str) -> int | float | None:
    try:
        return int(text, 0)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def compare(left: Any, opt: str, right: Any) -> bool:
    """``left opt right`` for values already made comparable; mismatched types are never equal."""
    if isinstance(left, str) != isinstance(right, str):
        return opt == "!="
    if isinstance(left, str) and opt not in ("==", "!="):
        return False
    return OPERATORS[opt](left, right)


@lru_cache(maxsize=4096)
def cached_operand(value: Any, prefixes: tuple[str, ...]) -> Ref | Const:
    """:func:`parse_operand`, remembered: conditions are parsed once, not at every report."""
    return parse_operand(value, prefixes)


def output_value(value: Any, prefixes: Container[str], values: Mapping[str, Mapping[str, Any]]) -> Any:
    """An output attr value; ``prefix.datapoint`` is replaced by that data point's current value."""
    if isinstance(value, str) and _REF.match(value.strip()):
        prefix, name = value.strip().split(".", 1)
        if prefix in prefixes:
            return values.get(prefix, {}).get(name, value)
    return value
