"""Saving and restoring state: every store turns its records into JSON-able rows and back.

A store is anything with ``dump() -> JSON-able`` and ``load(data)``; the cloud keeps them
in ``Cloud.stores`` by name and a snapshot is ``{name: store.dump()}``. Records are plain
:class:`msgspec.Struct` records, so most stores only need :func:`rows` and :func:`from_rows`.

The durable state (:mod:`emulator.core.durable`) keeps every registered store in a file.
A plain store is saved whole, when its dump differs from the one saved last. A store
that grows with the world also speaks :class:`RecordStore`: it is saved record by
record, and says which records may have changed since the last save, so the cost of a
save follows what a request touched, not the size of the world. :class:`Touched` is the
bookkeeping such a store keeps: it costs nothing until a durable state asks.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from typing import Any, Protocol, TypeVar, runtime_checkable

import orjson
from msgspec import Struct

from .device import copy_json

T = TypeVar("T")


class Store(Protocol):
    def dump(self) -> Any: ...

    def load(self, data: Any) -> None: ...


@runtime_checkable
class RecordStore(Protocol):
    """A store saved record by record. Keys are strings; a row is JSON-able.

    ``dump()`` / ``load()`` still make and take the store's part of a snapshot.
    """

    def dump(self) -> Any: ...

    def load(self, data: Any) -> None: ...

    def records(self) -> Iterator[tuple[str, Any]]:
        """Every record as ``(key, row)``."""
        ...

    def changed_records(self) -> dict[str, Any] | None:
        """Records that may have changed since the last call, ``{key: row}``, with ``None`` as
        the row of a record that is gone; ``None`` instead of a dict when every record may have
        changed (the first call, and the first after :meth:`load` / :meth:`load_records`)."""
        ...

    def load_records(self, records: Iterable[tuple[str, Any]]) -> None:
        """Replace the store's content with ``records`` (what :meth:`records` gave)."""
        ...


class Touched:
    """The keys of a store's records that may have changed since the durable state last asked.

    Off until :meth:`take` is first called: :attr:`keys` is ``None`` and :meth:`touch`
    does nothing, so a store in memory only pays one check. A store touches a record when
    it creates, changes or removes it, and when it hands it out (the caller may change
    it); after loading it calls :meth:`reload`. The keys are a dict (values unused) so they
    keep the order they were first touched in: new records reach the file in the order the
    store made them, which is the order a restart gives them back.
    """

    __slots__ = ("_everything", "keys")

    def __init__(self) -> None:
        #: Keys touched since the last :meth:`take` (in a dict, for its order); None while nobody tracks.
        self.keys: dict[Hashable, None] | None = None
        self._everything = True

    def touch(self, key: Hashable) -> None:
        if self.keys is not None:
            self.keys[key] = None

    def touch_all(self, keys: Iterable[Hashable]) -> None:
        if self.keys is not None:
            self.keys.update(dict.fromkeys(keys))

    def reload(self) -> None:
        """Every record may have changed (the store loaded a document)."""
        self._everything = True
        if self.keys is not None:
            self.keys.clear()

    def take(self) -> dict[Hashable, None] | None:
        """The keys touched since the last call, in order, and start over; None when every record
        counts (the first call, which turns tracking on, and the first after :meth:`reload`)."""
        if self._everything or self.keys is None:
            self._everything = False
            self.keys = {}
            return None
        keys, self.keys = self.keys, {}
        return keys


def decode_row(text: str) -> Any:
    """A saved row's JSON. orjson builds the objects several times faster than :func:`json.loads` (which
    was most of a restart's time with a large fleet, and most of catching up with its history); a row
    written with ``NaN`` or ``Infinity`` (JSON extensions orjson refuses) is read by :mod:`json` as it
    was written."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def rows(records: Iterable[Any]) -> list[dict[str, Any]]:
    """Each record as a row: its fields by name, containers copied and nested records as rows.
    Leaf values are not copied: a store kept whole is dumped at every commit to see if it
    changed, and a deep copy of every value was most of the cost of committing a request that
    changed nothing in it."""
    return [as_row(record) for record in records]


def as_row(record: Any) -> dict[str, Any]:
    """One record as :func:`rows` makes it."""
    return {name: _plain(getattr(record, name)) for name in record.__struct_fields__}


def _plain(value: Any) -> Any:
    """A field's value in a row: containers copied, records as rows."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, tuple):
        return type(value)(*map(_plain, value)) if hasattr(value, "_fields") else tuple(map(_plain, value))
    if isinstance(value, Struct):
        return as_row(value)
    return value  # str, int, float, bool, None: what the stores' records hold


def from_rows(cls: type[T], items: Iterable[dict[str, Any]]) -> list[T]:
    names = set(cls.__struct_fields__)  # type: ignore[attr-defined]
    # A row with only known fields (nearly all) is passed as it is: filtering each row's keys was a
    # second of a 100,000-binding restart.
    return [cls(**item) if names.issuperset(item) else cls(**{k: v for k, v in item.items() if k in names})
            for item in items]


K = TypeVar("K", bound=Hashable)


def changed_rows(touched: Touched, items: Mapping[K, T], row: Callable[[T], Any],
                 key: Callable[[K], str] = str) -> dict[str, Any] | None:
    """:meth:`RecordStore.changed_records` of a store keeping its records in ``items``: the rows
    of the touched keys (None for those no longer there), or None when everything counts."""
    keys = touched.take()
    if keys is None:
        return None
    found: dict[str, Any] = {}
    for touched_key in keys:
        item = items.get(touched_key)  # type: ignore[call-overload]
        found[key(touched_key)] = None if item is None else row(item)  # type: ignore[arg-type]
    return found


class KeyedRecords:
    """The :class:`RecordStore` methods of a store keeping records in one dict.

    The store names the dict (:meth:`record_map`), keeps a :class:`Touched` as
    ``self.touched``, and its ``load()`` takes the list of rows its ``dump()`` gives. A
    store whose dump also carries the next id it hands out (``{"next_id": n, <rows_key>:
    [rows]}``, the counter in ``self._next_id``) sets :attr:`rows_key`; the counter is then
    a record of its own.
    """

    touched: Touched
    rows_key: str | None = None

    def record_map(self) -> Mapping[Any, Any]:
        raise NotImplementedError

    def record_key(self, key: Any) -> str:
        return str(key)

    def records(self) -> Iterator[tuple[str, Any]]:
        if self.rows_key is not None:
            yield "next_id", getattr(self, "_next_id")  # noqa: B009
        for key, record in self.record_map().items():
            yield self.record_key(key), as_row(record)

    def changed_records(self) -> dict[str, Any] | None:
        changed = changed_rows(self.touched, self.record_map(), as_row, self.record_key)
        if changed is not None and self.rows_key is not None:
            changed["next_id"] = getattr(self, "_next_id")  # noqa: B009
        return changed

    def load_records(self, records: Iterable[tuple[str, Any]]) -> None:
        found = dict(records)
        load = getattr(self, "load")  # noqa: B009
        if self.rows_key is None:
            load(list(found.values()))
        else:
            load({"next_id": found.pop("next_id", 1), self.rows_key: list(found.values())})



class RecordMaps:
    """The :class:`RecordStore` methods of a store keeping records in named dicts and
    dumping ``{name: [rows]}`` (its ``load()`` takes that back).

    The store names the dicts (:meth:`record_maps`) and keeps a :class:`Touched` as
    ``self.touched``, touching ``(name, key)``. In the file a record's key is
    ``name:key`` (a tuple key's parts joined by ``/``).
    """

    touched: Touched

    def record_maps(self) -> Mapping[str, Mapping[Any, Any]]:
        raise NotImplementedError

    @staticmethod
    def _file_key(name: str, key: Any) -> str:
        return f"{name}:{'/'.join(key) if isinstance(key, tuple) else key}"

    def records(self) -> Iterator[tuple[str, Any]]:
        for name, items in self.record_maps().items():
            for key, record in items.items():
                yield self._file_key(name, key), as_row(record)

    def changed_records(self) -> dict[str, Any] | None:
        keys = self.touched.take()
        if keys is None:
            return None
        maps = self.record_maps()
        found: dict[str, Any] = {}
        for name, key in keys:  # type: ignore[misc]
            record = maps[name].get(key)
            found[self._file_key(name, key)] = None if record is None else as_row(record)
        return found

    def load_records(self, records: Iterable[tuple[str, Any]]) -> None:
        document: dict[str, list[Any]] = {name: [] for name in self.record_maps()}
        for key, row in records:
            document[key.partition(":")[0]].append(row)
        getattr(self, "load")(document)  # noqa: B009


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
