"""A store of records that belong to one user each: groups, scenes, cloud scheduler tasks.

Records are structs (:class:`msgspec.Struct`) with an ``id`` (a 24-hex object id from the seeded
generator), the owner's ``uid`` and a ``created_at`` time; they are kept by id and listed per user, oldest
first. Each store adds its own ``create`` and says which error an unknown id (or another
user's) is: ``missing = (code, noun)``.

A record store (:mod:`emulator.core.persist`): records handed out count as touched.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, Protocol, TypeVar

from ....core.ids import IdFactory
from ....core.persist import KeyedRecords, Touched, from_rows, rows
from ...errors import ApiError


class Owned(Protocol):
    id: str
    uid: str
    created_at: float


T = TypeVar("T", bound=Owned)


class OwnedStore(KeyedRecords, Generic[T]):
    record: type[T]
    missing: tuple[int, str]

    def __init__(self, ids: IdFactory) -> None:
        self._ids = ids
        self._items: dict[str, T] = {}
        self.touched = Touched()

    def __iter__(self) -> Iterator[T]:
        self.touched.touch_all(self._items)
        return iter(self._items.values())

    def get(self, item_id: str) -> T | None:
        item = self._items.get(item_id)
        if item is not None:
            self.touched.touch(item_id)
        return item

    def owned(self, uid: str, item_id: str) -> T | None:
        """The record ``item_id`` if it is ``uid``'s."""
        item = self.get(item_id)
        return item if item is not None and item.uid == uid else None

    def require(self, uid: str, item_id: str) -> T:
        item = self.owned(uid, item_id)
        if item is None:
            code, noun = self.missing
            raise ApiError(code, f"no {noun} {item_id!r} for this user")
        return item

    def of_user(self, uid: str) -> list[T]:
        found = sorted((i for i in self._items.values() if i.uid == uid), key=lambda i: i.created_at)
        self.touched.touch_all(i.id for i in found)
        return found

    def add(self, item: T) -> T:
        self._items[item.id] = item
        self.touched.touch(item.id)
        return item

    def new_id(self) -> str:
        return self._ids.object_id()

    def delete(self, item: T) -> None:
        self._items.pop(item.id, None)
        self.touched.touch(item.id)

    def dump(self) -> list[dict[str, Any]]:
        return rows(self._items.values())

    def load(self, data: list[dict[str, Any]]) -> None:
        self._items = {i.id: i for i in from_rows(self.record, data)}
        self.touched.reload()

    def record_map(self) -> dict[str, T]:
        return self._items
