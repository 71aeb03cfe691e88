"""Saving and restoring state: every store turns its records into JSON-able rows and back.

A store is anything with ``dump() -> JSON-able`` and ``load(data)``; the cloud keeps them
in ``Cloud.stores`` by name and a snapshot is ``{name: store.dump()}``. Records are plain
dataclasses, so most stores only need :func:`rows` and :func:`from_rows`.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any, Protocol, TypeVar

from .device import copy_json

T = TypeVar("T")


class Store(Protocol):
    def dump(self) -> Any: ...

    def load(self, data: Any) -> None: ...


def rows(records: Iterable[Any]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(record) for record in records]


def from_rows(cls: type[T], items: Iterable[dict[str, Any]]) -> list[T]:
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return [cls(**{k: v for k, v in item.items() if k in names}) for item in items]


#: True while a store loads a document it may keep (see :func:`adopting`).
_ADOPTING: contextvars.ContextVar[bool] = contextvars.ContextVar("adopting", default=False)


@contextlib.contextmanager
def adopting() -> Iterator[None]:
    """Stores loaded in this block may keep the data they are given: the document is the
    caller's own copy (just unpickled), nobody else holds it."""
    token = _ADOPTING.set(True)
    try:
        yield
    finally:
        _ADOPTING.reset(token)


def owned(data: T) -> T:
    """What a store's ``load`` keeps: a copy of ``data``, so the snapshot it came from stays as it
    was whatever the state does next; the data itself when :func:`adopting` (a reset restoring its
    cached snapshot: the copy would cost about a quarter of the reset, for a document nobody keeps)."""
    return data if _ADOPTING.get() else copy_json(data)
