"""Running the devices' own timed actions from the event queue: timers, inching pulses
ending, the thermostat's auto control (see :meth:`EwelinkFamily.next_action`).

Each device has at most one pending ``ewelink.action`` event (key ``ewelink.action:<id>``),
at its next action; it is re-armed after anything writes to the device. When it fires, the
action's params are written as the device's own change (source ``timer`` for a timer,
``device`` otherwise), through the simulation like every write, so its history stays in
order and every subscriber of the feed (operation history, pushes) sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...core.events import EventQueue
from ...core.simulation import Simulation
from ..devices import EwelinkDevice

KIND = "ewelink.action"


class ActionRunner:
    def __init__(self, events: EventQueue, simulation: Simulation,
                 device: Callable[[str], EwelinkDevice | None]) -> None:
        self._events = events
        self._simulation = simulation
        self._device = device
        self.ran = 0
        events.handle(KIND, self._fire)

    @staticmethod
    def _key(deviceid: str) -> str:
        return f"{KIND}:{deviceid}"

    def arm(self, device: EwelinkDevice, after: float) -> None:
        action = device.family.next_action(device, after)
        if action is None:
            self._events.cancel_key(self._key(device.did))
        else:
            self._events.schedule(action.due, KIND, {"deviceid": device.did}, key=self._key(device.did))

    def disarm(self, deviceid: str) -> None:
        self._events.cancel_key(self._key(deviceid))

    def _fire(self, data: dict[str, Any], due: float) -> None:
        device = self._device(str(data["deviceid"]))
        if device is None:
            return
        action = device.family.next_action(device, due - 1e-6)
        if action is not None and action.due <= due:
            self._simulation.apply(device, action.params, due, source=action.cause)
            device.family.done(device, action)
            self.ran += 1
        self.arm(device, due)
