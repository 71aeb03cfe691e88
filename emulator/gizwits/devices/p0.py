"""Gizwits P0 frames: ``00000003`` + length + flag + command (+ sn) + payload.

The length is an MQTT-style variable-length integer counting the bytes after it (flag,
command, sn, payload). Commands: 0x0090 app-to-device control (no sn), 0x0093
app-to-device control with a 4-byte sequence number, 0x0091 device report, 0x0094
device ack. Raw control payloads (``{"raw": [...]}``) are the part after the command.
"""

from __future__ import annotations

from msgspec import Struct

HEADER = b"\x00\x00\x00\x03"
CMD_CONTROL = 0x0090
CMD_REPORT = 0x0091
CMD_CONTROL_SN = 0x0093
CMD_ACK_SN = 0x0094
_WITH_SN = (CMD_CONTROL_SN, CMD_ACK_SN)


class FrameError(ValueError):
    pass


def encode_length(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def decode_length(data: bytes, start: int) -> tuple[int, int]:
    """(value, index after the length field)."""
    value, shift, index = 0, 0, start
    while True:
        if index >= len(data) or shift > 21:
            raise FrameError("truncated length")
        byte = data[index]
        value |= (byte & 0x7F) << shift
        index += 1
        if not byte & 0x80:
            return value, index
        shift += 7


class Frame(Struct, frozen=True):
    cmd: int
    payload: bytes
    sn: int | None = None
    flag: int = 0

    def encode(self) -> bytes:
        body = bytes([self.flag]) + self.cmd.to_bytes(2, "big")
        if self.cmd in _WITH_SN:
            body += (self.sn or 0).to_bytes(4, "big")
        body += self.payload
        return HEADER + encode_length(len(body)) + body

    def hex(self) -> str:
        return self.encode().hex()


def decode(data: bytes) -> Frame:
    if data[:4] != HEADER:
        raise FrameError("not a P0 frame (header 00000003 expected)")
    length, index = decode_length(data, 4)
    body = data[index:]
    if len(body) != length or length < 3:
        raise FrameError("length field does not match the frame")
    flag, cmd = body[0], int.from_bytes(body[1:3], "big")
    rest = body[3:]
    sn = None
    if cmd in _WITH_SN:
        if len(rest) < 4:
            raise FrameError("truncated sequence number")
        sn, rest = int.from_bytes(rest[:4], "big"), rest[4:]
    return Frame(cmd, bytes(rest), sn, flag)
