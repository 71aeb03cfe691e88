"""Using the emulator from tests: the :class:`Emulator` handle (in-process or live), the
live server, host redirection and the pytest plugin (:mod:`emulator.testing.plugin`).

Names are imported on first use, so loading the pytest plugin costs nothing until a
test asks for an emulator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .emulator import Emulator
    from .live import LiveServer
    from .redirect import Redirect

__all__ = ["Emulator", "LiveServer", "Redirect"]

_HOMES = {"Emulator": "emulator", "LiveServer": "live", "Redirect": "redirect"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        from importlib import import_module

        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
