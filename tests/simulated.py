"""Helpers for simulation tests: a cloud on a frozen clock, Paris wall times, feed capture."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from emulator.app import create_app
from emulator.config import EmulatorConfig
from emulator.core.changes import Change
from emulator.core.clock import Clock
from emulator.gizwits.cloud.cloud import Cloud
from emulator.gizwits.devices import Device

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> float:
    """Unix time of a Paris wall time: ``paris(2024, 1, 8, 6, 0)``."""
    return datetime(*args, tzinfo=PARIS).timestamp()  # type: ignore[misc]


def wall(t: float) -> str:
    return datetime.fromtimestamp(t, PARIS).strftime("%a %Y-%m-%d %H:%M:%S")


def frozen_cloud(at: float, fixture: str = "empty", seed: int = 1, *, live: bool = True) -> Cloud:
    """A cloud whose clock is frozen at ``at`` before anything is created."""
    clock = Clock()
    clock.freeze(at)
    cloud = Cloud(EmulatorConfig(seed=seed, fixture=fixture), clock)
    cloud.simulation.set_live(live)
    return cloud


def demo_at(start: float) -> tuple[Callable[..., Cloud], Callable[..., Iterator[TestClient]]]:
    """Fixtures ``sim`` (the demo scenario on a clock frozen at ``start``, its Pilote2 following
    the standard week program) and ``http`` (a client of it).

    In a test module: ``sim, http = demo_at(START)``.
    """

    @pytest.fixture
    def sim() -> Cloud:
        cloud = frozen_cloud(start, fixture="demo")
        for device in cloud.devices:
            if device.product.name == "Pilote2" and cloud.bindings.of_device(device.did):
                cloud.apply(device, {"timer_switch": 1}, source="app")
        return cloud

    @pytest.fixture
    def http(sim: Cloud) -> Iterator[TestClient]:
        with TestClient(create_app(cloud=sim), raise_server_exceptions=False) as client:
            yield client

    return sim, http


def add(cloud: Cloud, product: str, **attrs: Any) -> Device:
    return cloud.register_device(cloud.catalog.by_name(product), attrs=attrs or None)


class FeedLog:
    """Every change published on the feed, from now on."""

    def __init__(self, cloud: Cloud) -> None:
        self.changes: list[Change] = []
        cloud.feed.subscribe(self.changes.append)

    def of(self, device: Device, key: str | None = None) -> list[tuple[float, Any]]:
        """``(at, value)`` of each change of ``key`` (or ``(at, attrs)``) on ``device``."""
        found = []
        for change in self.changes:
            if change.did != device.did or change.kind != "attrs":
                continue
            if key is None:
                found.append((change.at, change.attrs))
            elif key in change.attrs:
                found.append((change.at, change.attrs[key]))
        return found
