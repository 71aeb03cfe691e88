"""Which users are bound to which devices, with what role, alias, remark and labels.

Roles follow the newer Gizwits doc: the first user to bind a device is ``special``, later
ones ``normal``; unbinding the ``special`` user makes the earliest remaining ``normal``
user ``special``. (Sharing, which turns ``special`` into ``owner`` and ``normal`` into
``guest``, builds on this store.)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .persist import from_rows, rows

SPECIAL, OWNER, GUEST, NORMAL = "special", "owner", "guest", "normal"


@dataclass
class Binding:
    uid: str
    did: str
    role: str
    created_at: float
    dev_alias: str = ""
    remark: str = ""
    dev_label: list[str] = field(default_factory=list)


class BindingStore:
    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], Binding] = {}

    def __iter__(self) -> Iterator[Binding]:
        return iter(self._by_key.values())

    def get(self, uid: str, did: str) -> Binding | None:
        return self._by_key.get((uid, did))

    def of_user(self, uid: str) -> list[Binding]:
        return [b for b in self._by_key.values() if b.uid == uid]

    def of_device(self, did: str) -> list[Binding]:
        return sorted((b for b in self._by_key.values() if b.did == did), key=lambda b: b.created_at)

    def bind(self, uid: str, did: str, now: float, *, dev_alias: str = "", remark: str = "",
             role: str | None = None) -> Binding:
        existing = self.get(uid, did)
        if existing is not None:
            return existing
        if role is None:
            role = SPECIAL if not self.of_device(did) else NORMAL
        binding = Binding(uid, did, role, now, dev_alias=dev_alias, remark=remark)
        self._by_key[(uid, did)] = binding
        return binding

    def unbind(self, uid: str, did: str) -> Binding | None:
        binding = self._by_key.pop((uid, did), None)
        if binding is not None and binding.role == SPECIAL:
            successors = [b for b in self.of_device(did) if b.role == NORMAL]
            if successors:
                successors[0].role = SPECIAL
        return binding

    def dump(self) -> list[dict[str, Any]]:
        return rows(self._by_key.values())

    def load(self, data: list[dict[str, Any]]) -> None:
        self._by_key = {(b.uid, b.did): b for b in from_rows(Binding, data)}

    def drop_device(self, did: str) -> None:
        for key in [k for k in self._by_key if k[1] == did]:
            del self._by_key[key]
