"""The eWeLink app WebSocket API, ``/api/ws``: the handshake, control and queries, and pushes.

:mod:`.protocol` handles app frames, :mod:`.pushes` turns the change feed into frames,
:mod:`.messages` builds them, :mod:`.state` is what a session holds. The session plumbing
(registry, ordering, heartbeat, queues, journal, faults) is the core's
(:mod:`emulator.core.sessions`), shared with the Gizwits WebSocket; one
:class:`~.protocol.EwelinkProtocol` per eWeLink cloud serves every listener.
"""

from __future__ import annotations

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from ...core.sessions import ProtocolSlot
from ..cloud.cloud import EwelinkCloud
from ..regions import WS_PATH
from .protocol import EwelinkProtocol

#: ``protocol_for(cloud)``: the cloud's one protocol object, made (and wired to the feed) on first use.
protocol_for: ProtocolSlot[EwelinkProtocol] = ProtocolSlot(EwelinkProtocol)


async def app_websocket(websocket: WebSocket) -> None:
    cloud: EwelinkCloud = websocket.app.ewelink
    await cloud.world.sessions.run(websocket, protocol_for(cloud))


def routes() -> list[WebSocketRoute]:
    return [WebSocketRoute(WS_PATH, app_websocket)]
