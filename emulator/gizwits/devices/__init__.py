"""Products and simulated devices: the catalog, data points, and one module per Heatzy family."""

from __future__ import annotations

from .bloom import Bloom
from .device import Device, Family
from .glow import Glow
from .pilote import Pilote
from .pilote_pro import PilotePro
from .pilote_v1 import PiloteV1

FAMILIES: dict[str, Family] = {f.name: f for f in (PiloteV1(), Pilote(), PilotePro(), Glow(), Bloom())}

__all__ = ["FAMILIES", "Device", "Family"]
