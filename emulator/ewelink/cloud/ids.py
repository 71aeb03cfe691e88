"""Deterministic eWeLink identifiers, from a generator seeded by the configured seed (its own,
so adding the eWeLink cloud changes none of the Gizwits identifiers).

Shapes of the real cloud: a user apikey and a device's factory apikey are UUIDs; a deviceid
is ten lower-case hex digits starting ``100``; tokens are 40 hex digits; homes, rooms,
groups and messages have 24-hex-digit ids; a chip id is 24 upper-case hex digits.
"""

from __future__ import annotations

from ...core.randomness import DrawnRandom

_HEX = "0123456789abcdef"


class EwelinkIds:
    def __init__(self, seed: int) -> None:
        self.random = DrawnRandom(f"ewelink:{seed}")

    def _hex(self, length: int) -> str:
        return "".join(self.random.choice(_HEX) for _ in range(length))

    def uuid(self) -> str:
        text = self._hex(32)
        return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-a{text[17:20]}-{text[20:]}"

    def deviceid(self) -> str:
        return "100" + self._hex(7)

    def token(self) -> str:
        return self._hex(40)

    def object_id(self) -> str:
        return self._hex(24)

    def chipid(self) -> str:
        return self._hex(24).upper()

    def mac(self) -> str:
        text = self._hex(12)
        return ":".join(text[i:i + 2] for i in range(0, 12, 2))

    def digits(self, length: int) -> str:
        return "".join(self.random.choice("0123456789") for _ in range(length))
