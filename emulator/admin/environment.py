"""Checking what the control plane is told about the world around a device, whatever its cloud:
only the keys the device's family knows, each of its kind (a number, or a boolean)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..gizwits.errors import form_invalid


def check_environment(values: Mapping[str, Any], keys: Mapping[str, tuple[type, ...]], subject: str) -> None:
    """9015 (the admin API's error) when ``values`` names an unknown key or a value of the wrong kind."""
    unknown = sorted(set(values) - set(keys))
    if unknown or not values:
        raise form_invalid(f"{subject} takes {sorted(keys)}, got {sorted(values)}")
    for name, value in values.items():
        kinds = keys[name]
        if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
            raise form_invalid(f"{name} must be {'a boolean' if bool in kinds else 'a number'}")
