"""Saving and restoring state: every store turns its records into JSON-able rows and back.

A store is anything with ``dump() -> JSON-able`` and ``load(data)``; the cloud keeps them
in ``Cloud.stores`` by name and a snapshot is ``{name: store.dump()}``. Records are plain
dataclasses, so most stores only need :func:`rows` and :func:`from_rows`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Store(Protocol):
    def dump(self) -> Any: ...

    def load(self, data: Any) -> None: ...


def rows(records: Iterable[Any]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(record) for record in records]


def from_rows(cls: type[T], items: Iterable[dict[str, Any]]) -> list[T]:
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return [cls(**{k: v for k, v in item.items() if k in names}) for item in items]
