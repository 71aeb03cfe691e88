"""Deterministic identifiers: dids, MACs, passcodes, uids and object ids.

Everything comes from one Faker instance seeded by the config, so a given seed and the
same sequence of calls give the same identifiers: a test run is reproducible. The shapes
follow the real cloud: a did is 22 base-62 characters, a MAC 12 lower-case hex digits, a
passcode 10 upper-case letters, uids 32 hex digits, object ids (schedulers, groups, ...)
24 hex digits like the Mongo ids the cloud returns. Secrets (tokens, codes) are not
identifiers: they come from :mod:`emulator.core.unguessable`.
"""

from __future__ import annotations

import string
from typing import Any

from .randomness import DrawnRandom

_BASE62 = string.ascii_letters + string.digits


class SeededFaker:
    """A seeded ``Faker`` that imports and builds Faker only when a provider is first used.

    ``hexify`` (all identifiers need) is done here, drawing exactly as Faker's does (one
    ``random.choice`` among the 16 lower-case hex digits per ``^``); any other method
    (``name``, ``email``, ...) comes from a full ``Faker`` made on first use. Both draw
    from the same ``random.Random(seed)`` that ``Faker().seed_instance(seed)`` would make,
    so the values are those one seeded ``Faker`` gives, and building a cloud skips the
    ~100 ms that importing and building Faker take.
    """

    _HEX = "0123456789abcdef"

    def __init__(self, seed: int) -> None:
        self.random = DrawnRandom(seed)
        self._full: Any = None

    def hexify(self, text: str = "^^^^", upper: bool = False) -> str:
        letters = self._HEX.upper() if upper else self._HEX
        return "".join(self.random.choice(letters) if char == "^" else char for char in text)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._full is None:
            from faker import Faker

            self._full = Faker()
            self._full.random = self.random
        return getattr(self._full, name)


class IdFactory:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.faker = SeededFaker(seed)
        self.random = self.faker.random

    def _pick(self, alphabet: str, length: int) -> str:
        return "".join(self.random.choice(alphabet) for _ in range(length))

    def did(self) -> str:
        return self._pick(_BASE62, 22)

    def mac(self) -> str:
        return self.faker.hexify("^" * 12)

    def passcode(self) -> str:
        return self._pick(string.ascii_uppercase, 10)

    def uid(self) -> str:
        return self.faker.hexify("^" * 32)

    def object_id(self) -> str:
        return self.faker.hexify("^" * 24)

    def digits(self, length: int) -> str:
        return self._pick(string.digits, length)
