"""Reports that many devices make alike, kept once.

A fleet of devices following one week program reports the same values at the same slots
(``{"mode": "eco", "derog_mode": 0, "derog_time": 0}`` at 08:00 for every one of them). A
family hands out one dict for the same values (:meth:`SharedReports.report`), and the
simulation works out the changes from one shared report to another once
(:meth:`SharedReports.changes`): the change published is that one dict too. A live week of
100,000 devices then builds a handful of dicts instead of two per device per timeline point,
and compares none (the comparison was about a seventh of its time), and the history keeps no
dict of its own per change.

Shared reports and the changes between them are read, never changed (as every change on the
feed). They live as long as the process, so an identity (``id``) names one of them for good;
at most :data:`LIMIT` are kept, past that a family gets a fresh dict as before.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

#: Shared reports kept at most (each family's distinct reports are few: modes by countdown values).
LIMIT = 4096


class SharedReports:
    def __init__(self) -> None:
        self._reports: dict[Hashable, dict[str, Any]] = {}
        #: Identities of the shared reports: a dict whose id is here is one of them.
        self._shared: set[int] = set()
        #: (id of the report before, id of the report after) -> the values that changed.
        self._changes: dict[tuple[int, int], dict[str, Any]] = {}

    def report(self, key: Hashable, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The one report for ``key`` (``build()`` makes it the first time)."""
        found = self._reports.get(key)
        if found is None:
            found = build()
            if len(self._reports) < LIMIT:
                self._reports[key] = found
                self._shared.add(id(found))
        return found

    def changes(self, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
        """The values of ``after`` that differ from ``before``'s (both have the same names)."""
        pair = (id(before), id(after))
        found = self._changes.get(pair)
        if found is None:
            found = {k: v for k, v in after.items() if before[k] != v}
            shared = self._shared
            if pair[0] in shared and pair[1] in shared and len(self._changes) < LIMIT * 4:
                self._changes[pair] = found
        return found


#: The process's shared reports (every family and simulation uses these: they are values, not state).
SHARED = SharedReports()
