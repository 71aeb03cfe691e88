"""The app WebSocket API, ``/ws/app/v1``: real-time pushes and control (docs/websocket.md).

:mod:`.protocol` handles client frames, :mod:`.pushes` turns the change feed and the
bindings into frames, :mod:`.messages` builds them, :mod:`.errors` has the codes. The
session plumbing (registry, ordering, heartbeat, queues, journal, faults) is the core's
(:mod:`emulator.core.sessions`); one :class:`~.protocol.GizwitsProtocol` per cloud serves
every listener of that cloud.
"""

from __future__ import annotations

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from ...core.sessions import ProtocolSlot
from ..cloud.cloud import Cloud
from ..hosts import WEBSOCKET_PATH
from .protocol import GizwitsProtocol

#: ``protocol_for(cloud)``: the cloud's one protocol object, made (and wired to the feed) on first use.
protocol_for: ProtocolSlot[GizwitsProtocol] = ProtocolSlot(GizwitsProtocol)


async def app_websocket(websocket: WebSocket) -> None:
    cloud: Cloud = websocket.app.cloud
    await cloud.sessions.run(websocket, protocol_for(cloud))


def routes() -> list[WebSocketRoute]:
    return [WebSocketRoute(WEBSOCKET_PATH, app_websocket)]
