"""How the cloud writes instants on the wire: UTC, second precision, with or without a ``Z``.

Groups and scenes carry ``"2024-09-25T04:43:47Z"`` (Heatzy's captured group list, seed 001);
scheduler tasks and their logs ``"2017-09-26T06:36:47"`` (seed 001, seed 002).
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_iso(moment: float, *, zulu: bool = True) -> str:
    text = datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return text + "Z" if zulu else text
