"""The app WebSocket API, ``/ws/app/v1``: real-time pushes and control (docs/websocket.md).

:mod:`.protocol` handles client frames, :mod:`.pushes` turns the change feed and the
bindings into frames, :mod:`.messages` builds them, :mod:`.errors` has the codes. The
session plumbing (registry, ordering, heartbeat, queues, journal, faults) is the core's
(:mod:`emulator.core.sessions`); one :class:`~.protocol.GizwitsProtocol` per cloud serves
every listener of that cloud.
"""

from __future__ import annotations

import weakref

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from ..cloud.cloud import Cloud
from ..hosts import WEBSOCKET_PATH
from .protocol import GizwitsProtocol

_PROTOCOLS: weakref.WeakKeyDictionary[Cloud, GizwitsProtocol] = weakref.WeakKeyDictionary()


def protocol_for(cloud: Cloud) -> GizwitsProtocol:
    """The cloud's one protocol object, made (and wired to the cloud's feed) on first use."""
    with cloud.lock:
        protocol = _PROTOCOLS.get(cloud)
        if protocol is None:
            protocol = _PROTOCOLS[cloud] = GizwitsProtocol(cloud)
            cloud.on_state_replaced(protocol.attach)
        return protocol


async def app_websocket(websocket: WebSocket) -> None:
    cloud: Cloud = websocket.app.state.cloud
    await cloud.sessions.run(websocket, protocol_for(cloud))


def routes() -> list[WebSocketRoute]:
    return [WebSocketRoute(WEBSOCKET_PATH, app_websocket)]
