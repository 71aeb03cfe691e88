"""A cloud whose clock is frozen before the demo fixture loads, so every record has a known time."""

from __future__ import annotations

from emulator.clock import Clock
from emulator.cloud.cloud import Cloud
from emulator.config import EmulatorConfig


def cloud_at(moment: float, fixture: str = "demo") -> Cloud:
    clock = Clock()
    clock.freeze(moment)
    return Cloud(EmulatorConfig(seed=1, fixture=fixture), clock=clock)
