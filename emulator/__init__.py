"""gizwits-emulator: an offline emulator of the Gizwits IoT cloud behind Heatzy heaters."""

from __future__ import annotations

__version__ = "0.1.0"
