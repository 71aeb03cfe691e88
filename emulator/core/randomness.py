"""The seeded generators' positions, saved with the state so a restored snapshot goes on
producing the same identifiers and random choices as the state it was taken from.

A restored snapshot of a freshly loaded fixture must behave exactly like loading that
fixture again (the next did, uid or token is the same), which is what lets a test reset
be a cheap restore instead of a reload.
"""

from __future__ import annotations

import random
from typing import Any


def dump_random(rng: random.Random) -> list[Any]:
    version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def load_random(rng: random.Random, data: list[Any]) -> None:
    version, internal, gauss = data
    rng.setstate((version, tuple(internal), gauss))


class RandomStates:
    """A store over named generators (``Cloud.stores["random"]``)."""

    def __init__(self, generators: dict[str, random.Random]) -> None:
        self.generators = generators

    def dump(self) -> dict[str, list[Any]]:
        return {name: dump_random(rng) for name, rng in self.generators.items()}

    def load(self, data: dict[str, list[Any]]) -> None:
        for name, state in data.items():
            if name in self.generators:
                load_random(self.generators[name], state)
