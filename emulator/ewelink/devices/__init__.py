"""eWeLink devices: one module per UIID family, the device model and its timers."""

from __future__ import annotations

from .device import EwelinkDevice, EwelinkFamily, ParamError
from .door import DoorSensor
from .multi import FourChannels
from .power import PowerSwitch
from .switch import SingleSwitch
from .thermostat import Thermostat

#: Every emulated UIID and its family.
FAMILIES: dict[int, EwelinkFamily] = {f.uiid: f for f in (SingleSwitch(), FourChannels(), PowerSwitch(),
                                                           Thermostat(), DoorSensor())}

__all__ = ["FAMILIES", "EwelinkDevice", "EwelinkFamily", "ParamError"]
