"""The durable state: the whole world in one SQLite file, saved before every answer.

A :class:`DurableState` keeps *parts* — the stores of :mod:`emulator.core.persist`, by
name, as the cloud registers them, plus anything else with ``dump()``/``load()`` (the
clock) — in one file (the standard :mod:`sqlite3` module, write-ahead log). Nothing
here knows a cloud: a part registered later is kept by being in the mapping.

- A :class:`~emulator.core.persist.RecordStore` is kept one row per record. Each
  :meth:`commit` asks it which records may have changed and writes those whose JSON
  differs from what the file holds (a 64-bit hash per row written is kept in memory to
  know; a record loaded from the file is written again the first time it is touched), so
  a commit costs what the request touched, not the size of the world.
- Any other part is kept whole, in one row, rewritten when its dump's JSON differs from
  the one written last (fine for small stores; a store that grows with the world should
  be a record store).
- A part that is a new object (the cloud rebuilt it on reset), or whose records all
  changed (a snapshot was restored into it), is rewritten whole.

:meth:`commit` is what makes an answer safe to send: every change made before it is in
the file when it returns (one transaction in the write-ahead log), so no end of the
process, ``kill -9`` included, loses it. With ``sync="full"`` each commit also waits for
the disk, so a power cut loses nothing either (one disk sync per answer; ``"normal"``
leaves syncing to checkpoints). The HTTP side calls it before each answer leaves
(:mod:`emulator.commit_gate`); any other transport (a WebSocket) calls it before it
answers a write. Commits are ordered: rows collected first are written first.

The file is identified by SQLite's ``application_id`` and carries its format in
``user_version``; a file of another format, another program, or no database at all is
refused with a :class:`StateFileError` before anything is loaded, and loading checks
every row is JSON by decoding them before it hands any to a part — but for a record store
with ``load_texts(records)``, which takes the rows' JSON text and decodes (so checks) each
when it needs it (the history: a restart does not decode what nobody reads; checking its
rows at start, SQLite's ``json_valid`` over most of a large world's bytes, was a third of
a restart). The file is locked while open
(``locking_mode=EXCLUSIVE``): a second emulator on the same file is refused.
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .persist import RecordStore, decode_row

if TYPE_CHECKING:
    import sqlite3

#: The file format this code reads and writes (``PRAGMA user_version``). A change to the shape
#: of any row that an older reader could not take bumps it.
FORMAT = 2
#: ``PRAGMA application_id`` of a state file: "GzE1".
APPLICATION_ID = 0x477A4531
#: The row key of a part kept whole.
WHOLE = ""
#: ``normal``: a commit is written to the file (its log) before it returns, so no end of the process,
#: ``kill -9`` included, loses it; the disk itself is synced at checkpoints, so a power cut may lose the
#: last commits. ``full``: every commit also waits for the disk (one sync per answer).
SYNC_MODES = ("normal", "full")

_SCHEMA = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    # A rowid table (rows of a few KiB overflow the pages of a WITHOUT ROWID one, tripling the file). The
    # rowid says when a record was first written and an update keeps it: loading in rowid order gives
    # every store its records in the order it had them (a user's bindings, say), whatever their keys.
    "CREATE TABLE records (part TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL)",
    "CREATE UNIQUE INDEX records_by_key ON records (part, key)",
)
_UPSERT = "INSERT INTO records VALUES (?, ?, ?) ON CONFLICT (part, key) DO UPDATE SET value = excluded.value"

Parts = Callable[[], Mapping[str, Any]]


class StateFileError(Exception):
    """The state file cannot be used; the message is one line saying why."""


class StateWriteError(Exception):
    """A commit could not be written; the changes stay in memory and go with the next commit."""


def encode(row: Any) -> str:
    return json.dumps(row, separators=(",", ":"))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while rows are made or read: it would run again and again over
    every object made so far while hundreds of thousands are made and none is garbage (a third of a
    restart's time with 100,000 devices, and of a commit writing all of them after a catch-up)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class NoDurableState:
    """What a cloud in memory has instead of a durable state: committing does nothing."""

    path: Path | None = None

    def commit(self) -> int:
        return 0

    def close(self) -> None:
        pass


class DurableState:
    def __init__(self, path: str | Path, parts: Parts, lock: AbstractContextManager[Any], *,
                 sync: str = "normal") -> None:
        if sync not in SYNC_MODES:
            raise ValueError(f"sync is one of {', '.join(SYNC_MODES)}")
        self.sync = sync
        self.path = Path(path)
        self._parts = parts
        self._lock = lock
        self._commit_lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        #: Part name -> the object last written, and (parts kept whole) what was written, decoded again:
        #: a dump equal to it needs no encoding (it is the same JSON), whatever the store keeps inside.
        self._written: dict[str, tuple[object, Any]] = {}
        #: Record store name -> {key: hash of the row's JSON in the file}. For a part loaded from the
        #: file (in ``_unhashed``) only the rows written since: hashing every row of a large world
        #: at start cost more than writing each row again the first time it is touched.
        self._hashes: dict[str, dict[str, int]] = {}
        self._unhashed: set[str] = set()
        #: id(part) -> (part, whether it is a record store): a Protocol isinstance check costs microseconds.
        self._kinds: dict[int, tuple[object, bool]] = {}
        #: Rows written by commits since the file was opened (for tests and benchmarks).
        self.rows_written = 0
        self.commits = 0

    # -- opening -----------------------------------------------------------------------------------
    def open(self, after_load: Callable[[], None] | None = None) -> bool:
        """Open (or create) the file. When it holds a world, load it into the parts and call
        ``after_load`` (under the lock) and return True; a new file gets the current world."""
        import sqlite3  # here, not at import: a cloud in memory (every test) never loads it

        try:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=0)
        except sqlite3.Error as error:
            raise StateFileError(f"cannot open state file {self.path}: {error}") from None
        try:
            loaded = self._open(db, after_load)
        except sqlite3.OperationalError as error:
            db.close()
            if "locked" in str(error):
                raise StateFileError(f"state file {self.path} is in use by another process") from None
            raise StateFileError(f"cannot use state file {self.path}: {error}") from None
        except sqlite3.DatabaseError as error:
            db.close()
            raise StateFileError(f"{self.path} is not a gizwits-emulator state file ({error})") from None
        except StateFileError:
            db.close()
            raise
        self._db = db
        return loaded

    def _open(self, db: sqlite3.Connection, after_load: Callable[[], None] | None) -> bool:
        db.execute("PRAGMA locking_mode=EXCLUSIVE")  # before WAL: no shared memory, one process
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if application_id == 0 and not tables:
            self._create(db)
            return False
        if application_id != APPLICATION_ID:
            raise StateFileError(f"{self.path} is not a gizwits-emulator state file (an SQLite database of "
                                 "another program)")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != FORMAT:
            raise StateFileError(f"{self.path} is in state format {version}; this emulator reads format {FORMAT} "
                                 "(start with another --state file, or the version that wrote it)")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={self.sync.upper()}")
        self._load(db, after_load)
        return True

    def _create(self, db: sqlite3.Connection) -> None:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={self.sync.upper()}")
        with self._lock:
            writes, _, _ = self._collect(self._parts())
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            db.execute(f"PRAGMA user_version={FORMAT}")
            db.execute("INSERT INTO meta VALUES ('format', ?)", (str(FORMAT),))
            db.executemany(_UPSERT, writes)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self.rows_written += len(writes)

    def _load(self, db: sqlite3.Connection, after_load: Callable[[], None] | None) -> None:
        with _collector_paused():
            self._read(db, after_load)

    def _read(self, db: sqlite3.Connection, after_load: Callable[[], None] | None) -> None:
        with self._lock:
            lazy = [name for name, part in self._parts().items() if hasattr(part, "load_texts")]  # decode later
        db.execute("BEGIN IMMEDIATE")  # takes the exclusive lock now, not at the first commit
        try:
            # One pass over the table: the rows by part in the order they were first written.
            texts: dict[str, list[tuple[str, str]]] = {}
            # fetchall: the rows are built in C, not stepped through one by one here (a third faster).
            for part, key, value in db.execute("SELECT part, key, value FROM records ORDER BY rowid").fetchall():
                texts.setdefault(part, []).append((key, value))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        with self._lock:
            parts = self._parts()
            unknown = sorted(set(texts) - set(parts))
            if unknown:
                raise StateFileError(f"{self.path} holds parts this emulator does not know ({', '.join(unknown)}); "
                                     "it was written by another version")
            decoded: dict[str, list[tuple[str, Any]]] = {}
            try:
                for part, items in texts.items():
                    if part not in lazy:
                        decoded[part] = [(key, decode_row(value)) for key, value in items]
            except ValueError as error:
                raise StateFileError(f"{self.path} holds a row that is not JSON ({error})") from None
            # What the parts held: put back if a part refuses what the file has for it, so a refused
            # file leaves nothing of itself behind (the world before is small: the one just built).
            before = {name: parts[name].dump() for name in texts}
            try:
                for part, items in texts.items():
                    if part not in decoded:
                        parts[part].load_texts(items)
                for part, items in decoded.items():
                    self._load_part(part, parts[part], items)
            except (KeyError, ValueError, TypeError, AttributeError, IndexError) as error:
                for name, data in before.items():
                    parts[name].load(data)
                raise StateFileError(f"{self.path} holds a world this emulator cannot load "
                                     f"({type(error).__name__}: {error})") from None
            for part, items in texts.items():
                self._baseline(part, parts[part], items)
            if after_load is not None:
                after_load()

    @staticmethod
    def _load_part(name: str, part: Any, items: list[tuple[str, Any]]) -> None:
        if isinstance(part, RecordStore):
            part.load_records(items)
            return
        if len(items) != 1 or items[0][0] != WHOLE:
            raise ValueError(f"part {name!r} is kept whole, the file has {len(items)} rows for it")
        part.load(items[0][1])

    def _baseline(self, name: str, part: Any, texts: list[tuple[str, str]]) -> None:
        """What the file holds for ``part``, just loaded: the next commits write only what is touched
        (a record store's record once when first touched, then when its JSON changes)."""
        if isinstance(part, RecordStore):
            part.changed_records()  # everything changed by loading: it is what the file holds
            self._hashes[name] = {}
            self._unhashed.add(name)
            self._written[name] = (part, None)
        else:
            self._written[name] = (part, json.loads(texts[0][1]))

    # -- committing --------------------------------------------------------------------------------
    def commit(self) -> int:
        """Write every change made so far; return how many rows were written or deleted."""
        with self._commit_lock:
            db = self._db
            if db is None:
                raise StateWriteError("the state file is closed")
            with self._lock, _collector_paused():
                writes, wipes, deletes = self._collect(self._parts())
            if not writes and not wipes and not deletes:
                return 0
            import sqlite3

            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    db.executemany("DELETE FROM records WHERE part = ?", [(name,) for name in wipes])
                    db.executemany("DELETE FROM records WHERE part = ? AND key = ?", deletes)
                    db.executemany(_UPSERT, writes)
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as error:
                # What was collected is not on disk: forget what the file is known to hold, so the
                # next commit writes every part whole again.
                self._written.clear()
                self._hashes.clear()
                self._unhashed.clear()
                raise StateWriteError(f"cannot write state file {self.path}: {error}") from None
            self.commits += 1
            count = len(writes) + len(deletes) + len(wipes)
            self.rows_written += count
            return count

    def _collect(self, parts: Mapping[str, Any]) -> tuple[list[tuple[str, str, str]], list[str],
                                                          list[tuple[str, str]]]:
        """Rows to write ``(part, key, value)``, parts to wipe first, rows to delete. Call with the
        lock held."""
        writes: list[tuple[str, str, str]] = []
        wipes: list[str] = []
        deletes: list[tuple[str, str]] = []
        for name, part in parts.items():
            written = self._written.get(name)
            if self._is_record_store(part):
                changed = part.changed_records()
                if changed is None or written is None or written[0] is not part:
                    texts = [(key, encode(row)) for key, row in part.records()]
                    wipes.append(name)
                    writes.extend((name, key, text) for key, text in texts)
                    self._hashes[name] = {key: hash(text) for key, text in texts}
                    self._unhashed.discard(name)
                    self._written[name] = (part, None)
                    continue
                hashes = self._hashes[name]
                unhashed = name in self._unhashed
                for key, row in changed.items():
                    if row is None:
                        if hashes.pop(key, None) is not None or unhashed:
                            deletes.append((name, key))
                        continue
                    text = encode(row)
                    digest = hash(text)
                    if hashes.get(key) != digest:
                        hashes[key] = digest
                        writes.append((name, key, text))
            else:
                dump = part.dump()
                if written is None or written[0] is not part or written[1] != dump:
                    text = encode(dump)
                    writes.append((name, WHOLE, text))
                    self._written[name] = (part, json.loads(text))
        return writes, wipes, deletes

    # -- checking ----------------------------------------------------------------------------------
    def differences(self) -> list[str]:
        """Where the file differs from the world in memory (nothing after a commit, unless a store
        changed a record without touching it): ``"part/key: ..."`` lines. Reads the whole file."""
        with self._commit_lock, self._lock:
            db = self._db
            if db is None:
                raise StateWriteError("the state file is closed")
            saved: dict[str, dict[str, str]] = {}
            for part, key, value in db.execute("SELECT part, key, value FROM records"):
                saved.setdefault(part, {})[key] = value
            found: list[str] = []
            for name, part in self._parts().items():
                live = dict((key, encode(row)) for key, row in part.records()) if isinstance(part, RecordStore) \
                    else {WHOLE: encode(part.dump())}
                kept = saved.pop(name, {})
                for key in sorted(set(live) | set(kept)):
                    if live.get(key) != kept.get(key):
                        state = "missing" if key not in kept else "not in memory" if key not in live else "differs"
                        found.append(f"{name}/{key}: {state} in the file")
            found.extend(f"{name}: in the file only" for name in saved)
            return found

    def _is_record_store(self, part: object) -> bool:
        known = self._kinds.get(id(part))
        if known is None or known[0] is not part:
            known = self._kinds[id(part)] = (part, isinstance(part, RecordStore))
        return known[1]

    # -- closing -----------------------------------------------------------------------------------
    def close(self) -> None:
        """Commit what is left, fold the log into the file and release it."""
        if self._db is None:
            return
        try:
            self.commit()
        finally:
            with self._commit_lock:
                db, self._db = self._db, None
                if db is not None:
                    try:
                        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    finally:
                        db.close()


def read_parts(path: str | Path) -> dict[str, list[tuple[str, Any]]]:
    """Every row of a state file by part, decoded (for tests and inspection; the file must not be open)."""
    import sqlite3

    db = sqlite3.connect(Path(path))
    try:
        found: dict[str, list[tuple[str, Any]]] = {}
        for part, key, value in db.execute("SELECT part, key, value FROM records ORDER BY part, key"):
            found.setdefault(part, []).append((key, json.loads(value)))
        return found
    finally:
        db.close()

