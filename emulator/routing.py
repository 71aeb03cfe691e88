"""Finding a request's route without trying every route: routes indexed by their leading path words.

The app serves some 130 routes (both clouds, the docs, the control plane). Starlette's router
tries them in order until one matches, so ``/app/devdata/{did}/latest`` used to run ~60 regular
expressions before its own (about a third of the app's time per request). :class:`IndexedRouter`
first narrows the list to the routes that can match at all: a route whose path starts with
literal words (``/app/devdata/...``: ``app``, ``devdata``) can only match a path starting with
the same words. The candidates keep the routes' order, so the first full match is the one
Starlette would find. When no candidate matches fully (a 404, a 405, a slash to add or remove),
the request goes to Starlette's own router code, over every route, so those answers are
exactly Starlette's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from functools import partial
from importlib import import_module
from types import ModuleType
from typing import Any

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Mount, Route, Router, WebSocketRoute
from starlette.types import Receive, Scope, Send

#: How many leading path words index a route (``/app/devdata``, ``/v2/device``: enough to tell them apart).
INDEXED_WORDS = 2


def literal_words(route: BaseRoute) -> tuple[str, ...]:
    """The literal words a path must start with for ``route`` to match it (none: any path may match)."""
    if not isinstance(route, Route | WebSocketRoute | Mount):
        return ()
    words: list[str] = []
    for word in route.path.split("/")[1:INDEXED_WORDS + 1]:
        if "{" in word:
            break
        words.append(word)
    if isinstance(route, Mount) and words and words[-1] == "":
        words.pop()  # a mount at "/" prefixes every path
    return tuple(words)


def path_words(path: str) -> tuple[str, ...]:
    """The leading words of a request path, as :func:`literal_words` gives them for a route."""
    return tuple(path.split("/", INDEXED_WORDS + 1)[1:INDEXED_WORDS + 1])


class DeferredRoutes:
    """Routes not made yet: the leading path words they start with, and how to make them.

    A cloud lists its route modules so (``emulator.gizwits.api.ROUTE_MODULES``): a module is imported
    when a request first reaches one of its words, not while the app is assembled (a cold start
    then imports the modules its first requests need, not all of them). The control plane's mount
    under ``/_emulator`` is made so too (``emulator.admin.install``).
    """

    def __init__(self, words: Iterable[str], make: Callable[[], list[BaseRoute]], name: str = "") -> None:
        #: ``"app/devdata"`` is the words ``("app", "devdata")``; ``"app"`` claims every ``/app/...`` path.
        self.words = tuple(tuple(prefix.split("/")) for prefix in words)
        self.make = make
        self.name = name

    def __repr__(self) -> str:
        return f"DeferredRoutes({self.name or self.make!r})"


class RouteModules:
    """A cloud's route modules, named with the leading path words of their routes (each module's
    ``ROUTES``), so that each is imported only when a request first reaches its words."""

    def __init__(self, package: str, words: dict[str, tuple[str, ...]],
                 arrange: Callable[[list[BaseRoute]], list[BaseRoute]] = list) -> None:
        self.package = package
        self.words = words
        #: How a module's routes are put in order (a cloud may add routes of its own before them).
        self.arrange = arrange

    def module(self, name: str) -> ModuleType:
        return import_module(f"{self.package}.{name}")

    def modules(self) -> tuple[ModuleType, ...]:
        """Every route module, imported (for the OpenAPI documents and tests)."""
        return tuple(self.module(name) for name in self.words)

    def routes_of(self, name: str) -> list[BaseRoute]:
        return self.arrange(list(self.module(name).ROUTES))

    def routes(self) -> list[BaseRoute]:
        """Every module's routes, made now."""
        return [route for name in self.words for route in self.routes_of(name)]

    def deferred(self) -> list[DeferredRoutes]:
        """Every module's routes, to make when a request first reaches the module's words."""
        return [DeferredRoutes(words, partial(self.routes_of, name), name=f"{self.package}.{name}")
                for name, words in self.words.items()]


def _claims(entry: BaseRoute | DeferredRoutes) -> tuple[tuple[str, ...], ...]:
    return entry.words if isinstance(entry, DeferredRoutes) else (literal_words(entry),)


class IndexedRouter(Router):
    """A Starlette router that tries only the routes a path can match (see the module docstring).

    Some of its entries may be :class:`DeferredRoutes`: they are made when a request's words
    reach them, or all at once when something outside reads :attr:`routes` (which then holds
    routes only, as a Starlette router's does).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._entries: list[BaseRoute | DeferredRoutes] = []
        #: Held while deferred routes are made and while the index is built (two threads' first requests
        #: may reach the same routes; an index is built from entries that do not change meanwhile).
        self._making = threading.Lock()
        super().__init__(*args, **kwargs)
        self._index: dict[tuple[str, ...], list[BaseRoute | DeferredRoutes]] = {}
        self._unmade: set[tuple[str, ...]] = set()
        self._indexed_count = -1  # routes are appended while the app is assembled: index them on first use

    @property  # type: ignore[override]
    def routes(self) -> list[BaseRoute]:
        self.make_all()
        return self._entries  # type: ignore[return-value]

    @routes.setter
    def routes(self, routes: list[BaseRoute]) -> None:
        self._entries = routes  # type: ignore[assignment]
        self._indexed_count = -1

    def add(self, entry: BaseRoute | DeferredRoutes) -> None:
        """Append a route, or routes to make later, without making the deferred ones."""
        self._entries.append(entry)

    def deferred(self) -> list[DeferredRoutes]:
        """The entries not made yet."""
        return [entry for entry in self._entries if isinstance(entry, DeferredRoutes)]

    def make_all(self) -> None:
        for entry in self.deferred():
            self._make(entry)

    def _make(self, entry: DeferredRoutes) -> None:
        with self._making:
            at = next((i for i, other in enumerate(self._entries) if other is entry), None)
            if at is None:
                return  # made meanwhile by another thread
            self._entries[at:at + 1] = entry.make()  # in its place: the routes keep their order
            self._indexed_count = -1

    def _build_index(self) -> None:
        """For every word prefix some route starts with, the routes (in order) that prefix lets match."""
        with self._making:
            # Each route's words once (not once per prefix: 6,000 calls, ~4 ms of the first request).
            claims = [(entry, words) for entry in self._entries for words in _claims(entry)]
            prefixes = {words[:length] for _, words in claims for length in range(len(words) + 1)}
            index: dict[tuple[str, ...], list[BaseRoute | DeferredRoutes]] = {}
            for prefix in prefixes:
                found: list[BaseRoute | DeferredRoutes] = []
                for entry, words in claims:
                    if prefix[:len(words)] == words and not (found and found[-1] is entry):  # deferred: once
                        found.append(entry)
                index[prefix] = found
            # Built aside, then put in place: a request in another thread never sees half an index.
            # The prefixes whose candidates include routes not made yet (a set lookup per request, not a scan).
            self._unmade = {prefix for prefix, found in index.items()
                            if any(isinstance(entry, DeferredRoutes) for entry in found)}
            self._index = index
            self._indexed_count = len(self._entries)

    def candidates(self, path: str) -> list[BaseRoute]:
        """The routes that may match ``path``, in the routes' order (deferred ones made first)."""
        if self._indexed_count != len(self._entries):
            self._build_index()
        words = path_words(path)
        while words not in self._index:  # the longest indexed prefix of the path's words
            words = words[:-1]
        if words in self._unmade:
            for entry in [entry for entry in self._index[words] if isinstance(entry, DeferredRoutes)]:
                self._make(entry)
            return self.candidates(path)
        return self._index[words]  # type: ignore[return-value]

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            for route in self.candidates(get_route_path(scope)):
                match, child_scope = route.matches(scope)
                if match is Match.FULL:
                    scope.setdefault("router", self)
                    scope["route"] = route
                    scope.update(child_scope)
                    await route.handle(scope, receive, send)
                    return
        await super().app(scope, receive, send)

