"""Data point definitions of a product: layout, validation of writes, the P0 byte codec.

A product's data points are declared compactly in ``fixtures/products.json`` and turned
here into :class:`Datapoint` objects with the positions the real cloud publishes from
``GET /app/datapoint``:

- writable points come first, then read-only ones, then alerts and faults; each group
  starts on a byte boundary;
- ``bool`` (1 bit) and ``enum`` (as many bits as the largest index needs) are packed into
  bytes from bit 0 upwards; a numeric or binary point starts on the next whole byte.

This reproduces the captured Pilote2 definition exactly (``mode`` in bits 0-2 of byte 0,
``p1_data1`` in byte 1, ...). The same positions drive the P0 codec:

- a *status* frame body (cmd 0x0091/0x0093 action 0x04 reports) is every point at its
  position; multi-byte numbers are big-endian;
- a *write* payload (what ``{"raw": [...]}`` carries, action 0x01) is the action byte, the
  attribute flags (one bit per writable point, bit *i* for the *i*-th writable point,
  the flags as one big-endian number of ``ceil(n/8)`` bytes), then the writable region
  with the flagged values at their positions.

Values in state and JSON are: ``bool`` -> ``True``/``False``; ``enum`` -> the enum string;
numbers -> ``int`` (display value = raw * ratio + addition); binary -> a hex string.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any

from msgspec import Struct

WRITABLE = "status_writable"
READONLY = "status_readonly"
ALERT = "alert"
FAULT = "fault"
_KIND_ORDER = (WRITABLE, READONLY, ALERT, FAULT)
_UINT_BYTES = {"uint8": 1, "uint16": 2, "uint32": 4}


class InvalidValue(ValueError):
    """A value a data point cannot take; the message names the data point and why."""


class Datapoint(Struct, frozen=True):
    id: int
    name: str
    data_type: str
    kind: str
    byte_offset: int
    bit_offset: int
    length: int
    unit: str  # "bit" or "byte"
    enum: tuple[str, ...] = ()
    min: int = 0
    max: int = 0
    ratio: float = 1
    addition: int = 0
    desc: str = ""
    display_name: str = ""

    @property
    def writable(self) -> bool:
        return self.kind == WRITABLE

    @property
    def is_numeric(self) -> bool:
        return self.data_type in _UINT_BYTES

    # -- values ----------------------------------------------------------------------------
    def default(self) -> Any:
        if self.data_type == "bool":
            return False
        if self.data_type == "enum":
            return self.enum[0]
        if self.data_type == "binary":
            return "00" * self.length
        return self.min

    def coerce(self, value: Any) -> Any:
        """Validate a value written by a client and return it in its stored form.

        Enums take the string or its index, bools take true/false or 0/1, numbers take an
        integer (or an integral float) within ``uint_spec``; anything else is refused.
        """
        name = self.name
        if self.data_type == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, int) and value in (0, 1):
                return bool(value)
            raise InvalidValue(f"{name}: expected true/false, got {value!r}")
        if self.data_type == "enum":
            if isinstance(value, str):
                if value in self.enum:
                    return value
                raise InvalidValue(f"{name}: {value!r} is not one of {list(self.enum)}")
            if isinstance(value, int) and not isinstance(value, bool):
                if 0 <= value < len(self.enum):
                    return self.enum[value]
                raise InvalidValue(f"{name}: index {value} is out of range 0..{len(self.enum) - 1}")
            raise InvalidValue(f"{name}: expected one of {list(self.enum)} or its index, got {value!r}")
        if self.data_type == "binary":
            if isinstance(value, str) and len(value) == 2 * self.length:
                try:
                    bytes.fromhex(value)
                except ValueError:
                    pass
                else:
                    return value.lower()
            raise InvalidValue(f"{name}: expected {2 * self.length} hex digits, got {value!r}")
        # numeric
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int):
            raise InvalidValue(f"{name}: expected an integer, got {value!r}")
        if not self.min <= value <= self.max:
            raise InvalidValue(f"{name}: {value} is out of range {self.min}..{self.max}")
        return value

    def to_raw(self, value: Any) -> int:
        if self.data_type == "bool":
            return 1 if value else 0
        if self.data_type == "enum":
            return self.enum.index(value)
        return round((value - self.addition) / self.ratio)

    def from_raw(self, raw: int) -> Any:
        """The value a raw field decodes to; :class:`InvalidValue` when it means nothing."""
        if self.data_type == "bool":
            return bool(raw)
        if self.data_type == "enum":
            if raw >= len(self.enum):
                raise InvalidValue(f"{self.name}: index {raw} is out of range")
            return self.enum[raw]
        value = raw * self.ratio + self.addition
        value = int(value) if float(value).is_integer() else value
        if not self.min <= value <= self.max:
            raise InvalidValue(f"{self.name}: {value} is out of range {self.min}..{self.max}")
        return value

    # -- documents -------------------------------------------------------------------------
    def attr_item(self) -> dict[str, Any]:
        """The entry in ``entities[0].attrs`` of ``GET /app/datapoint``."""
        item: dict[str, Any] = {
            "display_name": self.display_name or self.name,
            "name": self.name,
            "data_type": self.data_type,
        }
        if self.data_type == "enum":
            item["enum"] = list(self.enum)
        item["position"] = {
            "bit_offset": self.bit_offset,
            "len": self.length,
            "unit": self.unit,
            "byte_offset": self.byte_offset,
        }
        if self.is_numeric:
            item["uint_spec"] = {"addition": self.addition, "max": self.max, "ratio": self.ratio, "min": self.min}
        item["type"] = self.kind
        item["id"] = self.id
        item["desc"] = self.desc
        return item

    def ui_element(self) -> dict[str, Any]:
        """The element of ``ui.sections[0].elements`` a mobile client would render."""
        perm = {WRITABLE: "W", READONLY: "R", ALERT: "N", FAULT: "E"}[self.kind]
        key = f"entity0.{self.name}"
        obj: dict[str, Any] = {"action": "entity0", "bind": [key], "perm": perm}
        title = self.display_name or self.name
        if self.data_type == "enum":
            return {"items": list(self.enum), "object": obj, "type": "QRadioElement", "key": key, "title": title}
        if self.data_type == "bool":
            return {"boolValue": False, "object": obj, "type": "QBooleanElement", "key": key, "title": title}
        if self.data_type == "binary":
            return {
                "title": title,
                "object": obj,
                "keyboardType": "NumbersAndPunctuation",
                "maxLength": 2 * self.length,
                "key": key,
                "type": "QMultilineElement",
            }
        obj["uint_spec"] = {"max": float(self.max), "step": self.ratio, "min": float(self.min)}
        return {
            "title": title,
            "bind": "floatValue:float",
            "object": obj,
            "value": 0,
            "key": key,
            "maximumValue": float(self.max),
            "minimumValue": float(self.min),
            "type": "QFloatElement",
        }


def _enum_bits(values: Iterable[str]) -> int:
    count = len(tuple(values))
    return max(1, (count - 1).bit_length())


class DatapointSpec(Struct, frozen=True):
    """One declared data point before layout (the fixture's form)."""

    name: str
    data_type: str = "uint8"
    kind: str = WRITABLE
    enum: tuple[str, ...] = ()
    min: int = 0
    max: int | None = None
    ratio: float = 1
    addition: int = 0
    length: int = 1  # bytes, for binary points
    desc: str = ""


def layout(specs: Iterable[DatapointSpec]) -> tuple[Datapoint, ...]:
    """Give every declared point its id and position (see the module docstring)."""
    ordered = sorted(specs, key=lambda s: _KIND_ORDER.index(s.kind))
    points: list[Datapoint] = []
    byte, bit = 0, 0
    previous_kind = None
    for index, spec in enumerate(ordered):
        if previous_kind is not None and spec.kind != previous_kind and bit:
            byte, bit = byte + 1, 0
        previous_kind = spec.kind
        if spec.data_type in ("bool", "enum"):
            width = 1 if spec.data_type == "bool" else _enum_bits(spec.enum)
            if bit + width > 8:
                byte, bit = byte + 1, 0
            points.append(
                Datapoint(index, spec.name, spec.data_type, spec.kind, byte, bit, width, "bit",
                          enum=spec.enum, desc=spec.desc)
            )
            bit += width
            continue
        if bit:
            byte, bit = byte + 1, 0
        size = spec.length if spec.data_type == "binary" else _UINT_BYTES[spec.data_type]
        top = spec.max if spec.max is not None else (1 << (8 * size)) - 1
        points.append(
            Datapoint(index, spec.name, spec.data_type, spec.kind, byte, 0, size, "byte",
                      min=spec.min, max=top, ratio=spec.ratio, addition=spec.addition, desc=spec.desc)
        )
        byte += size
    return tuple(points)


def _region_size(points: Iterable[Datapoint]) -> int:
    end = 0
    for p in points:
        end = max(end, p.byte_offset + (1 if p.unit == "bit" else p.length))
    return end


def _put(buf: bytearray, point: Datapoint, raw: int | bytes) -> None:
    if point.unit == "bit":
        mask = ((1 << point.length) - 1) << point.bit_offset
        buf[point.byte_offset] = (buf[point.byte_offset] & ~mask) | ((int(raw) << point.bit_offset) & mask)
    elif isinstance(raw, bytes):
        buf[point.byte_offset:point.byte_offset + point.length] = raw
    else:
        buf[point.byte_offset:point.byte_offset + point.length] = int(raw).to_bytes(point.length, "big")


def _get(buf: bytes, point: Datapoint) -> int | bytes:
    if point.unit == "bit":
        return (buf[point.byte_offset] >> point.bit_offset) & ((1 << point.length) - 1)
    chunk = bytes(buf[point.byte_offset:point.byte_offset + point.length])
    return chunk if point.data_type == "binary" else int.from_bytes(chunk, "big")


class DatapointSet(Struct, frozen=True, dict=True):  # dict: room for the lookups below
    """All data points of one product, with lookups and the P0 codec.

    The lookups are worked out once, at first use, and kept with the set (it never changes).
    """

    points: tuple[Datapoint, ...]

    @cached_property
    def by_name(self) -> Mapping[str, Datapoint]:
        return {p.name: p for p in self.points}

    @cached_property
    def names(self) -> list[str]:
        """The points' names in order: a device's values are in this order when its dict's keys equal it."""
        return [p.name for p in self.points]

    @cached_property
    def writable(self) -> tuple[Datapoint, ...]:
        return tuple(p for p in self.points if p.writable)

    # Bytes of the status region and of the writable region, kept: every control encodes a write
    # payload, and measuring the region each time was the largest cost of a control request.
    @cached_property
    def status_size(self) -> int:
        return _region_size(self.points)

    @cached_property
    def write_size(self) -> int:
        return _region_size(self.writable)

    @cached_property
    def write_flags(self) -> Mapping[str, tuple[int, Datapoint]]:
        """Each writable point by name, with its flag bit: a write payload is made from the changed
        points only (a control changes one or two of some hundred)."""
        return {p.name: (index, p) for index, p in enumerate(self.writable)}

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.points)

    def __contains__(self, name: object) -> bool:
        return name in self.by_name

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default() for p in self.points}

    def validate_write(self, attrs: Mapping[str, Any]) -> dict[str, Any]:
        """Check a client's ``attrs`` and return them coerced; :class:`InvalidValue` on the first bad one."""
        coerced: dict[str, Any] = {}
        for name, value in attrs.items():
            point = self.by_name.get(name)
            if point is None:
                raise InvalidValue(f"{name}: no such data point")
            if not point.writable:
                raise InvalidValue(f"{name}: data point is read-only")
            coerced[name] = point.coerce(value)
        return coerced

    def validate_state(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Like :meth:`validate_write` but read-only points are allowed (fixtures, the device side)."""
        coerced: dict[str, Any] = {}
        for name, value in values.items():
            point = self.by_name.get(name)
            if point is None:
                raise InvalidValue(f"{name}: no such data point")
            coerced[name] = point.coerce(value)
        return coerced

    # -- P0 ---------------------------------------------------------------------------------
    @property
    def flag_bytes(self) -> int:
        return max(1, (len(self.writable) + 7) // 8)

    def encode_status(self, values: Mapping[str, Any]) -> bytes:
        buf = bytearray(self.status_size)
        for p in self.points:
            value = values.get(p.name, p.default())
            _put(buf, p, bytes.fromhex(value) if p.data_type == "binary" else p.to_raw(value))
        return bytes(buf)

    def encode_write(self, changes: Mapping[str, Any]) -> bytes:
        """The write payload (action 0x01 + flags + writable region) for ``changes``."""
        flags = 0
        buf = bytearray(self.write_size)
        for name, value in changes.items():
            if name not in self.write_flags:
                continue  # not a writable point: not in the payload
            index, p = self.write_flags[name]
            flags |= 1 << index
            _put(buf, p, bytes.fromhex(value) if p.data_type == "binary" else p.to_raw(value))
        return bytes([0x01]) + flags.to_bytes(self.flag_bytes, "big") + bytes(buf)

    def decode_write(self, payload: bytes) -> dict[str, Any]:
        """The changes a write payload asks for; :class:`InvalidValue` if it is not one."""
        need = 1 + self.flag_bytes + self.write_size
        if len(payload) != need or payload[0] != 0x01:
            raise InvalidValue(f"raw: expected a {need}-byte write payload starting with 01")
        flags = int.from_bytes(payload[1:1 + self.flag_bytes], "big")
        region = payload[1 + self.flag_bytes:]
        changes: dict[str, Any] = {}
        for index, p in enumerate(self.writable):
            if flags >> index & 1:
                raw = _get(region, p)
                changes[p.name] = raw.hex() if isinstance(raw, bytes) else p.from_raw(raw)
        return changes

    def decode_status(self, body: bytes) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for p in self.points:
            raw = _get(body, p)
            values[p.name] = raw.hex() if isinstance(raw, bytes) else p.from_raw(raw)
        return values
