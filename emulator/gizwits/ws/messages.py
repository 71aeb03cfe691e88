"""The frames the cloud sends on ``/ws/app/v1``, as :class:`~emulator.core.sessions.Outgoing`.

Shapes follow the official document (``reference/gizwits-websocket.md`` §2): every frame
is one JSON object with a ``cmd``; ``pong`` has no ``data``; ``s2c_ack`` carries ``res_sn``
and ``did`` at the top level; ``s2c_noti`` always has ``did`` and the full attribute set.
Text is compact JSON in UTF-8 (the Pilote v1 modes stay Chinese characters).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ...core.sessions import Outgoing
from . import errors


def frame(cmd: str, data: Any = None, *, topic: str | None = None, push: bool = False,
          note: str | None = None, **top: Any) -> Outgoing:
    body: dict[str, Any] = {"cmd": cmd}
    body.update(top)
    if data is not None:
        body["data"] = data
    return Outgoing(json.dumps(body, ensure_ascii=False, separators=(",", ":")), body, cmd, topic, push, note)


def login_res(success: bool, note: str | None = None) -> Outgoing:
    return frame("login_res", {"success": success}, note=note)


def subscribe_res(success: Iterable[str], failed: Iterable[tuple[str, int]]) -> Outgoing:
    """Both lists always (clients iterate them unguarded)."""
    return frame("subscribe_res", {
        "success": [{"did": did, "error_code": 0, "msg": "ok"} for did in success],
        "failed": [{"did": did, "error_code": code, "msg": errors.message(code)} for did, code in failed],
    })


def pong() -> Outgoing:
    return frame("pong")


def invalid(code: int, detail: str | None = None, *, topic: str | None = None) -> Outgoing:
    return frame("s2c_invalid_msg", {"error_code": code, "msg": errors.message(code, detail)}, topic=topic)


def noti(did: str, attrs: Mapping[str, Any], *, res_sn: int | None = None, push: bool = True) -> Outgoing:
    top = {} if res_sn is None else {"res_sn": res_sn}
    return frame("s2c_noti", {"did": did, "attrs": dict(attrs)}, topic=did, push=push, **top)


def raw(did: str, data: bytes, *, push: bool = True) -> Outgoing:
    return frame("s2c_raw", {"did": did, "raw": list(data)}, topic=did, push=push)


def ack(did: str, res_sn: int) -> Outgoing:
    return frame("s2c_ack", topic=did, res_sn=res_sn, did=did)


def online_status(did: str, passcode: str, mac: str, online: bool) -> Outgoing:
    return frame("s2c_online_status", {"did": did, "passcode": passcode, "mac": mac, "online": online},
                 topic=did, push=True)


def binding_changed(did: str, bind: bool) -> Outgoing:
    return frame("s2c_binding_changed", {"did": did, "bind": bind}, topic=did, push=True)
