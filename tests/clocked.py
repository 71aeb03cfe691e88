"""A cloud whose clock is frozen before the demo fixture loads, so every record has a known time."""

from __future__ import annotations

from datetime import UTC, datetime

from emulator.config import EmulatorConfig
from emulator.core.clock import Clock
from emulator.gizwits.cloud.cloud import Cloud


def cloud_at(moment: float, fixture: str = "demo") -> Cloud:
    clock = Clock()
    clock.freeze(moment)
    return Cloud(EmulatorConfig(seed=1, fixture=fixture), clock=clock)


#: A Wednesday: 2024-09-25T04:43:09Z.
T0 = 1_727_239_389
#: 05:00 UTC that day, when the scheduler tests' tasks fire.
FIVE = datetime(2024, 9, 25, 5, 0, tzinfo=UTC).timestamp()
PILOTE2_PK = "51d16c22a5f74280bc3cfe9ebcdc6402"
PRO_PK = "a77a929fcf0d4631bc4f669080376891"
