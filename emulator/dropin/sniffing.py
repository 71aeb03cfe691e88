"""One real port, two protocols: where one cloud speaks TLS and another plain on the same port.

Port 8080 is plain ``ws`` on Gizwits' WebSocket hosts and TLS ``wss`` on CoolKit's WebSocket
domains; with ``--real-ports`` and every name resolving to one address, one socket must serve
both. A TLS client always speaks first with a handshake record (first byte 0x16); a plain HTTP
or WebSocket client speaks first with a method name (an ASCII letter). The front reads the first
bytes of each connection and relays the connection, those bytes included, to the emulator's own
TLS or plain listener, which does the rest (TLS is terminated there, with the same certificate).

The application then sees the relay's loopback address as the client. The wait for a first byte
runs on real time (a transport timer, like the servers' header timeouts).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

#: The first byte of a TLS record carrying a handshake (a ClientHello).
TLS_HANDSHAKE = 0x16
#: Seconds a connection may stay silent before its first byte (then it is closed).
FIRST_BYTE_TIMEOUT = 10.0
_CHUNK = 64 * 1024


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(_CHUNK):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(ConnectionError, OSError, RuntimeError):
            writer.close()


class SniffingFront:
    """Accepts on ``sock`` and relays each connection to ``tls_target`` or ``plain_target``
    (``(host, port)`` of the emulator's own listeners)."""

    def __init__(self, sock: socket.socket, *, tls_target: tuple[str, int], plain_target: tuple[str, int]) -> None:
        self.sock = sock
        self.tls_target = tls_target
        self.plain_target = plain_target

    def target_for(self, first: bytes) -> tuple[str, int]:
        return self.tls_target if first[:1] == bytes([TLS_HANDSHAKE]) else self.plain_target

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            first = await asyncio.wait_for(reader.read(_CHUNK), FIRST_BYTE_TIMEOUT)
            if not first:
                return
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target_for(first))
        except (TimeoutError, ConnectionError, OSError):
            with contextlib.suppress(ConnectionError, OSError, RuntimeError):
                writer.close()
            return
        upstream_writer.write(first)
        await asyncio.gather(_pump(reader, upstream_writer), _pump(upstream_reader, writer))

    async def serve(self, started: object = None) -> None:
        server = await asyncio.start_server(self._connection, sock=self.sock)
        if callable(started):
            started()
        async with server:
            await server.serve_forever()
