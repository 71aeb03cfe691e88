"""The request journal: what clients sent to the cloud and what they got back.

The counterpart of the outbox (what the cloud sent): every request to the emulated API
is recorded once answered, in a bounded ring (oldest entries fall out first), so a test
can verify what its client did: which calls, how often, with which body, and which of
them reached no emulated route. Secrets in headers are redacted before recording.
The admin API's own requests are not recorded. The journal is not part of snapshots.
"""

from __future__ import annotations

import fnmatch
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

DEFAULT_SIZE = 10_000
#: Header values never recorded (lower case names).
SECRET_HEADERS = frozenset({
    "x-gizwits-user-token", "authorization", "cookie", "x-emulator-admin-token", "x-gizwits-application-auth",
})
REDACTED = "<redacted>"
#: The error code the emulator answers for requests that reach no emulated route.
NOT_EMULATED = 9999


def redact(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: REDACTED if name.lower() in SECRET_HEADERS else value for name, value in headers.items()}


@dataclass
class Entry:
    id: int
    at: float
    method: str
    path: str
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    #: The request body: parsed JSON when it is JSON, else text; None when empty.
    body: Any = None
    #: None when the connection was dropped without an answer.
    status: int | None = None
    #: The ``error_code`` of a 9xxx answer.
    error_code: int | None = None
    duration_ms: float = 0.0
    appid: str | None = None
    dids: list[str] = field(default_factory=list)
    client: str = ""
    #: Ids of the fault rules that fired on this request.
    faults: list[str] = field(default_factory=list)
    websocket: bool = False
    #: Whose user token the request carried (e-mail, else username, else uid), when it was valid.
    user: str | None = None

    @property
    def emulated(self) -> bool:
        """False when the emulator has no route for this method and path."""
        return self.error_code != NOT_EMULATED

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Journal:
    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: deque[Entry] = deque(maxlen=size)
        self._next = 1
        self._listeners: tuple[Callable[[Entry], None], ...] = ()

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(list(self._entries))

    def record(self, **fields: Any) -> Entry:
        entry = Entry(id=self._next, **fields)
        self._next += 1
        self._entries.append(entry)
        for listener in self._listeners:
            listener(entry)
        return entry

    def subscribe(self, listener: Callable[[Entry], None]) -> Callable[[], None]:
        """Call ``listener(entry)`` for every entry recorded from now on; returns the unsubscribe."""
        self._listeners = (*self._listeners, listener)

        def unsubscribe() -> None:
            self._listeners = tuple(known for known in self._listeners if known is not listener)

        return unsubscribe

    def clear(self) -> None:
        self._entries.clear()

    def find(self, *, method: str | None = None, path: str | None = None, did: str | None = None,
             status: int | None = None, emulated: bool | None = None) -> list[Entry]:
        """Entries, oldest first, with this method, path (a glob: ``/app/control/*``), did and status."""
        return [e for e in list(self._entries) if (
            (method is None or e.method.upper() == method.upper())
            and (path is None or fnmatch.fnmatchcase(e.path, path))
            and (did is None or did in e.dids)
            and (status is None or e.status == status)
            and (emulated is None or e.emulated == emulated)
        )]

    def count(self, **criteria: Any) -> int:
        return len(self.find(**criteria))

    def not_emulated(self) -> list[Entry]:
        """Requests the emulator answered "no such route" (404/405 with 9999)."""
        return self.find(emulated=False)
