"""Helpers for the WebSocket client tests: pyGizwits' import, a TLS front for a plain server."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import ssl
import sys
import threading
from types import ModuleType, TracebackType

from emulator.testing.tls import test_tls


def import_pygizwits() -> ModuleType:
    """pyGizwits 0.0.3 as published: only its packaging bug is worked around (``GizwitsClient``
    imports ``GizwitsDeviceNotBound`` from ``pyGizwits.pyGizwits``; it lives in ``pyGizwits.Exceptions``)."""
    try:
        return importlib.import_module("pyGizwits")
    except ImportError:
        sys.modules["pyGizwits.pyGizwits"].GizwitsDeviceNotBound = (  # type: ignore[attr-defined]
            sys.modules["pyGizwits.Exceptions"].GizwitsDeviceNotBound)
        return importlib.import_module("pyGizwits")


class TLSFront:
    """TLS in front of a plain listener, as a load balancer would be: for clients that only speak
    https/wss (pyGizwits) against ``gizwits-emulator serve``, which listens in plain HTTP. The
    certificate is the test authority's, for the Gizwits hosts."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TLSFront:
        self._thread.start()
        assert self._ready.wait(5)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _run(self) -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(test_tls().server_file))
        server = self._loop.run_until_complete(asyncio.start_server(self._relay, "127.0.0.1", 0, ssl=context))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        server.close()
        # Relays still open end here, their sockets closed, and so does the loop (nothing left for
        # the garbage collector to find unclosed).
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        if pending:
            self._loop.run_until_complete(asyncio.wait(pending))
        self._loop.run_until_complete(server.wait_closed())
        self._loop.close()

    async def _relay(self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        try:
            server_in, server_out = await asyncio.open_connection("127.0.0.1", self.target_port)
        except BaseException:
            client_out.close()
            raise

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, ssl.SSLError):
                while chunk := await source.read(65536):
                    sink.write(chunk)
                    await sink.drain()
            with contextlib.suppress(Exception):
                sink.close()

        try:
            await asyncio.gather(pipe(client_in, server_out), pipe(server_in, client_out))
        finally:
            for writer in (server_out, client_out):
                writer.close()

