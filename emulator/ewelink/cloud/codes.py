"""Verification codes (seed 004 L544-577): sent by e-mail or SMS into the outbox, for
register (type 0), reset password (1), delete account (3) and code login (4).

At most 3 sends a minute, 20 an hour and 100 a day to one address (10010 past that, the
emulator's reading of "sending verification code too fast"). A code is six digits, good for
:data:`CODE_TTL` seconds and for one use; a wrong or stale one is 10002.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct, field

from ...core.outbox import Message, Outbox
from ...core.persist import from_rows, owned, rows
from ..errors import EwelinkError
from .ids import EwelinkIds

TYPES = {0: "register", 1: "reset password", 3: "delete account", 4: "code login"}
CODE_TTL = 10 * 60
LIMITS = ((60, 3), (3600, 20), (86400, 100))


class Code(Struct):
    to: str
    type: int
    code: str
    expires: float
    sent: list[float] = field(default_factory=list)


class CodeStore:
    def __init__(self, ids: EwelinkIds, outbox: Outbox) -> None:
        self._ids = ids
        self._outbox = outbox
        self._codes: dict[str, Code] = {}

    @staticmethod
    def _key(to: str, kind: int) -> str:
        return f"{kind}:{to.lower()}"

    def send(self, to: str, kind: int, now: float, *, sms: bool) -> str:
        key = self._key(to, kind)
        record = self._codes.get(key)
        sent = [t for t in (record.sent if record else []) if t > now - 86400]
        for window, limit in LIMITS:
            if sum(1 for t in sent if t > now - window) >= limit:
                raise EwelinkError(10010, f"at most {limit} codes per {window} s to one address")
        code = self._ids.digits(6)
        self._codes[key] = Code(to, kind, code, now + CODE_TTL, [*sent, now])
        self._outbox.send(Message("sms" if sms else "mail", to, f"eWeLink {TYPES[kind]} code", f"Your code is {code}",
                                  now, {"code": code, "type": kind, "cloud": "ewelink"}))
        return code

    def use(self, to: str, kind: int, code: str, now: float) -> None:
        """Take the code (one use); 10002 when it is not the one sent or is stale."""
        record = self._codes.get(self._key(to, kind))
        if record is None or record.code != code or now >= record.expires:
            raise EwelinkError(10002)
        record.expires = now

    def dump(self) -> list[dict[str, Any]]:
        return rows(self._codes.values())

    def load(self, data: list[dict[str, Any]]) -> None:
        data = owned(data)  # the snapshot stays as it was, whatever the state does next
        self._codes = {self._key(c.to, c.type): c for c in from_rows(Code, data)}
