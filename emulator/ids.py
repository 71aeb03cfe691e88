"""Deterministic identifiers: dids, MACs, passcodes, uids, tokens and object ids.

Everything comes from one Faker instance seeded by the config, so a given seed and the
same sequence of calls give the same identifiers: a test run is reproducible. The shapes
follow the real cloud: a did is 22 base-62 characters, a MAC 12 lower-case hex digits, a
passcode 10 upper-case letters, uids and tokens 32 hex digits, object ids (schedulers,
groups, ...) 24 hex digits like the Mongo ids the cloud returns.
"""

from __future__ import annotations

import string

from faker import Faker

_BASE62 = string.ascii_letters + string.digits


class IdFactory:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.faker = Faker()
        self.faker.seed_instance(seed)
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

    def token(self) -> str:
        return self.faker.hexify("^" * 32)

    def object_id(self) -> str:
        return self.faker.hexify("^" * 24)

    def digits(self, length: int) -> str:
        return self._pick(string.digits, length)
