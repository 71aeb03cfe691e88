"""The request journal: what clients sent to the cloud and what they got back.

The counterpart of the outbox (what the cloud sent): every request to the emulated API
is recorded once answered, in a bounded ring (oldest entries fall out first), so a test
can verify what its client did: which calls, how often, with which body, and which of
them reached no emulated route. Secrets in headers are redacted before recording.
The admin API's own requests are not recorded. The journal is not part of snapshots.

What an entry keeps is bounded, whatever a client sends: the body as text, its first
:data:`BODY_CHARS` characters (``body_bytes`` tells the size received, ``body_truncated``
whether text was cut), at most :data:`HEADERS_KEPT` headers of :data:`HEADER_CHARS`
characters each, the query's first :data:`QUERY_CHARS`. The journal is bounded in
entries and in bytes (an estimate of what its entries hold): the oldest go first. A body
is shown parsed when it is complete JSON that can be rendered again
(:mod:`emulator.core.jsontext`), else as its text: no body can make the journal fail.
"""

from __future__ import annotations

import fnmatch
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from msgspec import Struct, field

from . import jsontext
from .faults import RequestInfo
from .headers import Reading
from .persist import as_row

DEFAULT_SIZE = 10_000
#: Bytes the journal's entries may hold in all (an estimate), by default.
DEFAULT_BYTES = 64 * 1024 * 1024
BODY_CHARS = 16 * 1024
HEADERS_KEPT = 64
HEADER_CHARS = 1024
QUERY_CHARS = 4096
#: What an entry costs beside its texts (the object, its fields, numbers), roughly.
_ENTRY_OVERHEAD = 600
#: Header values never recorded (lower case names).
SECRET_HEADERS = frozenset({
    "x-gizwits-user-token", "authorization", "cookie", "x-emulator-admin-token", "x-gizwits-application-auth",
})
REDACTED = "<redacted>"
#: The error code the emulator answers for requests that reach no emulated route.
NOT_EMULATED = 9999


def recorded_headers(headers: Mapping[str, str]) -> tuple[dict[str, str], bool]:
    """What an entry keeps of the headers: secrets redacted, at most :data:`HEADERS_KEPT` headers,
    names and values cut at :data:`HEADER_CHARS`; and whether any was left out or cut. One pass
    over the headers: it runs on every request."""
    kept: dict[str, str] = {}
    cut = len(headers) > HEADERS_KEPT
    for position, (name, value) in enumerate(headers.items()):
        if len(name) > HEADER_CHARS or len(value) > HEADER_CHARS:
            cut = True
        if position < HEADERS_KEPT:
            kept[name[:HEADER_CHARS]] = REDACTED if name.lower() in SECRET_HEADERS else value[:HEADER_CHARS]
    return kept, cut


def body_text(raw: bytes, complete: bool = True) -> tuple[str | None, bool]:
    """The first :data:`BODY_CHARS` characters of a body (UTF-8, undecodable bytes replaced), and
    whether it was cut (or not received whole)."""
    if not raw:
        return None, not complete
    text = raw[:BODY_CHARS * 4].decode("utf-8", errors="replace")
    return text[:BODY_CHARS], not complete or len(text) > BODY_CHARS or len(raw) > BODY_CHARS * 4


class Entry(Struct, gc=False):  # untracked, as Answered below: plain data the journal keeps
    id: int
    at: float
    method: str
    path: str
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    #: True when headers were left out or cut (see :func:`recorded_headers`).
    headers_truncated: bool = False
    #: The request body as text (its first :data:`BODY_CHARS` characters); None when empty.
    body_text: str | None = None
    #: The size of the body received, in bytes.
    body_bytes: int = 0
    #: True when ``body_text`` is not the whole body.
    body_truncated: bool = False
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

    @property
    def body(self) -> Any:
        """The body parsed, when it is whole and JSON that renders again; else its text (None: empty)."""
        if self.body_text is None or self.body_truncated:
            return self.body_text
        try:
            return jsontext.loads(self.body_text)
        except jsontext.NotJson:
            return self.body_text

    def as_dict(self) -> dict[str, Any]:
        item = as_row(self)
        item["body"] = self.body
        del item["body_text"]
        return item


def shown_user(identities: Sequence[str]) -> str | None:
    """The token's user as an entry records it: its e-mail or username (after the uid), else its uid;
    None without a valid token."""
    return identities[1] if len(identities) > 1 else identities[0] if identities else None


class Answered(Struct, frozen=True, gc=False):
    """A request as the HTTP layer hands it to the journal once answered: what it read, as it read it.

    The journal makes its :class:`Entry` (headers redacted and cut, body decoded, query cut) when the
    entry is first read, or at once for a listener: a request whose entry nobody reads costs a record
    of references (making its entry was most of the 16-19 % of the app's time per request that
    journaling took in-process, py-spy). It is made with its fields in order, not named.

    ``gc=False``, as for the :class:`~.faults.RequestInfo` and :class:`~.headers.Reading` it holds:
    the collector does not scan them (they hold bytes, text and numbers: never a cycle). The journal
    keeps ten thousand requests; as objects the collector tracks, each one it kept made the
    collections that followed longer, and their full collections came more often: 10-20 us per
    in-process request went to the collector, against 5-8 us with nothing kept.
    """

    at: float
    #: What fault rules matched on: method, path, appid, the token's user, dids, client.
    info: RequestInfo
    query: bytes
    headers: Reading
    #: The body received, at most its first ``BODY_CHARS * 4`` bytes (see :func:`body_text`).
    body: bytes
    body_bytes: int
    complete: bool
    status: int | None
    error_code: int | None
    duration_ms: float
    faults: tuple[str, ...]
    websocket: bool

    def weight(self) -> int:
        """Roughly the bytes the entry holds (its texts, and the object)."""
        return _ENTRY_OVERHEAD + self.headers.chars + len(self.body) + len(self.info.path) + len(self.query)

    def entry(self, ident: int) -> Entry:
        info = self.info
        kept, headers_cut = recorded_headers(self.headers.joined)
        text, body_cut = body_text(self.body, self.complete and self.body_bytes == len(self.body))
        return Entry(
            id=ident, at=self.at, method=info.method, path=info.path,
            query=self.query.decode("latin-1")[:QUERY_CHARS], headers=kept, headers_truncated=headers_cut,
            body_text=text, body_bytes=self.body_bytes, body_truncated=body_cut, status=self.status,
            error_code=self.error_code, duration_ms=round(self.duration_ms, 3), appid=info.appid, dids=list(info.dids),
            client=info.client, faults=list(self.faults), websocket=self.websocket, user=shown_user(info.users))


class Journal:
    def __init__(self, size: int = DEFAULT_SIZE, max_bytes: int = DEFAULT_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        #: ``(entry, weight)``, oldest first; an entry not read yet is ``(id, Answered)`` (see :class:`Answered`).
        self._entries: deque[tuple[Entry | tuple[int, Answered], int]] = deque()
        #: Whether some entry has not been made yet.
        self._unmade = False
        self._next = 1
        #: What the entries hold, in bytes (the sum of their :meth:`Entry.weight`).
        self.bytes = 0
        self._listeners: tuple[Callable[[Entry], None], ...] = ()

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._made())

    def _made(self) -> list[Entry]:
        """Every entry, oldest first, those not read before made now (once)."""
        if self._unmade:
            self._entries = deque((item if isinstance(item, Entry) else item[1].entry(item[0]), weight)
                                  for item, weight in self._entries)
            self._unmade = False
        return [entry for entry, _ in self._entries]  # type: ignore[misc]

    def record(self, answered: Answered, *, make: bool = False) -> Entry | None:
        """Record a request. Its entry is made when first read, or now when someone listens or ``make``
        is true (then it is returned). The oldest entries go while there are more than ``size`` or they
        hold more than ``max_bytes``. Call with the world's lock held, as every reader does."""
        ident = self._next
        self._next += 1
        weight = answered.weight()
        entry = answered.entry(ident) if make or self._listeners else None
        if entry is None:
            self._entries.append(((ident, answered), weight))
            self._unmade = True
        else:
            self._entries.append((entry, weight))
        self.bytes += weight
        while len(self._entries) > 1 and (len(self._entries) > self.size or self.bytes > self.max_bytes):
            self.bytes -= self._entries.popleft()[1]
        if entry is not None:
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
        self.bytes = 0

    def find(self, *, method: str | None = None, path: str | None = None, did: str | None = None,
             status: int | None = None, emulated: bool | None = None) -> list[Entry]:
        """Entries, oldest first, with this method, path (a glob: ``/app/control/*``), did and status."""
        return [e for e in self._made() if (
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
