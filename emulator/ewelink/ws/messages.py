"""The frames the cloud sends on ``/api/ws`` (seed 004 L1954-2304), as
:class:`~emulator.core.sessions.Outgoing`.

Every frame but ``pong`` is one compact JSON object. Answers carry the ``sequence`` the
app sent (as it sent it); an error answer has ``error`` and ``reason``, and what the frame
named (``deviceid``, ``apikey``). Pushes (a device's ``update``, ``sysmsg``) carry the
device owner's apikey, as a device's own report does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...core.sessions import Outgoing

#: What the heartbeat answer is: the text ``pong`` (L2003), not JSON.
PONG = "pong"
#: The reason of a refused ``userOnline`` (reference: ``{"error": 406, "reason": "Authentication Failed"}``).
AUTH_FAILED = "Authentication Failed"


def frame(body: dict[str, Any], cmd: str, *, topic: str | None = None, push: bool = False,
          note: str | None = None) -> Outgoing:
    return Outgoing(json.dumps(body, ensure_ascii=False, separators=(",", ":")), body, cmd, topic, push, note)


def _sequenced(body: dict[str, Any], sequence: str | int | None) -> dict[str, Any]:
    if sequence is not None:
        body["sequence"] = sequence
    return body


def pong() -> Outgoing:
    return Outgoing(PONG, PONG, "pong")


def online(apikey: str, hb_interval: int, sequence: str | int | None) -> Outgoing:
    """The handshake's answer: heartbeats wanted, every ``hb_interval`` seconds."""
    return frame(_sequenced({"error": 0, "apikey": apikey, "config": {"hb": 1, "hbInterval": hb_interval}},
                            sequence), "userOnline")


def refused(code: int, reason: str, sequence: str | int | None, *, action: str | None = None,
            **named: Any) -> Outgoing:
    body: dict[str, Any] = {"error": code, "reason": reason}
    body.update({k: v for k, v in named.items() if v is not None})
    deviceid = named.get("deviceid")
    return frame(_sequenced(body, sequence), action or "error", topic=deviceid if isinstance(deviceid, str) else None)


def update_ack(apikey: str, deviceid: str, sequence: str | int | None,
               config: Mapping[str, Any] | None = None) -> Outgoing:
    """The answer to an app's ``update``; ``config`` what the device answered a question with (a POW's
    ``hundredDaysKwhData``)."""
    answer: dict[str, Any] = {"error": 0, "apikey": apikey, "deviceid": deviceid}
    if config:
        answer["config"] = dict(config)
    return frame(_sequenced(answer, sequence), "update", topic=deviceid)


def query_answer(apikey: str, deviceid: str, params: Mapping[str, Any], sequence: str | int | None) -> Outgoing:
    return frame(_sequenced({"error": 0, "apikey": apikey, "deviceid": deviceid, "params": dict(params)},
                            sequence), "query", topic=deviceid)


def device_update(deviceid: str, owner: str, params: Mapping[str, Any]) -> Outgoing:
    """A device's report of what changed, as every session of its owner and sharers gets it."""
    return frame({"action": "update", "deviceid": deviceid, "apikey": owner, "userAgent": "device",
                  "from": "device", "params": dict(params)}, "update", topic=deviceid, push=True)


def sysmsg(deviceid: str, owner: str, is_online: bool, ts: int, nonce: str) -> Outgoing:
    return frame({"action": "sysmsg", "deviceid": deviceid, "apikey": owner, "ts": ts, "nonce": nonce,
                  "params": {"online": is_online}}, "sysmsg", topic=deviceid, push=True)
