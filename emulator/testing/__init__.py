"""Helpers for using the emulator from tests: a live server in a background thread."""

from __future__ import annotations

from .live import LiveServer

__all__ = ["LiveServer"]
