"""The seeded generators' positions, saved with the state so a restored snapshot goes on
producing the same identifiers and random choices as the state it was taken from.

A restored snapshot of a freshly loaded fixture must behave exactly like loading that
fixture again (the next did, uid or token is the same), which is what lets a test reset
be a cheap restore instead of a reload.

In a state file each generator is a record, written when it was drawn from since the
last commit (:class:`DrawnRandom` says): reading a generator's state builds 625 integers
(about 20 µs), too much to do for every generator at every answer.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from typing import Any

from .persist import Touched


def dump_random(rng: random.Random) -> list[Any]:
    version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def load_random(rng: random.Random, data: list[Any]) -> None:
    version, internal, gauss = data
    rng.setstate((version, tuple(internal), gauss))


class DrawnRandom(random.Random):
    """A ``random.Random`` that notes when it is drawn from: its draws are those of ``random.Random``
    with the same seed (every method draws through :meth:`random` or :meth:`getrandbits`)."""

    #: True when the generator may have moved since :meth:`take_drawn` last said.
    drawn = True

    def random(self) -> float:
        self.drawn = True
        return _RANDOM(self)

    def getrandbits(self, k: int) -> int:
        self.drawn = True
        return _GETRANDBITS(self, k)

    def seed(self, *args: Any, **kwargs: Any) -> None:
        self.drawn = True
        super().seed(*args, **kwargs)

    def setstate(self, state: Any) -> None:
        self.drawn = True
        super().setstate(state)

    def take_drawn(self) -> bool:
        """Whether it was drawn from (or reseeded) since the last call."""
        drawn, self.drawn = self.drawn, False
        return drawn


_RANDOM = random.Random.random
_GETRANDBITS = random.Random.getrandbits


class RandomStates:
    """A store over named generators (``Cloud.stores["random"]``); a record store
    (:mod:`emulator.core.persist`) with one record per generator."""

    def __init__(self, generators: dict[str, DrawnRandom]) -> None:
        self.generators = generators
        #: Only for when every record counts (the first commit, the first after a load): the
        #: generators themselves say which moved.
        self.touched = Touched()

    def dump(self) -> dict[str, list[Any]]:
        return {name: dump_random(rng) for name, rng in self.generators.items()}

    def load(self, data: dict[str, list[Any]]) -> None:
        for name, state in data.items():
            if name in self.generators:
                load_random(self.generators[name], state)
        self.touched.reload()

    def records(self) -> Iterator[tuple[str, Any]]:
        for name, rng in self.generators.items():
            yield name, dump_random(rng)

    def changed_records(self) -> dict[str, Any] | None:
        drawn = {name: dump_random(rng) for name, rng in self.generators.items() if rng.take_drawn()}
        return None if self.touched.take() is None else drawn

    def load_records(self, records: Iterable[tuple[str, Any]]) -> None:
        self.load(dict(records))
