"""A real HTTP server (uvicorn or hypercorn) on a free port, in a background thread.

``with LiveServer(cloud) as server: server.url`` gives a base URL any client can use;
the server shares the given :class:`~emulator.gizwits.cloud.cloud.Cloud`, so a test can prepare
and inspect state directly while the client talks HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from types import TracebackType

from starlette.types import ASGIApp

from ..app import create_app
from ..gizwits.cloud.cloud import Cloud
from ..server import announce_stop, bind_socket, runner


class RealTimeLoop(asyncio.SelectorEventLoop):
    """The server thread's event loop, its timers on the real monotonic clock.

    freezegun patches ``time.monotonic`` for the whole process too: a timer armed while it froze
    time would be due at the frozen instant's timestamp, decades ahead of the real clock, and never
    fire (uvicorn's main loop, which checks every 0.1 s whether to stop, then never stopped). What
    the emulator reads as the time (``time.time``) is not the loop's clock: it still follows the
    patched time.
    """

    _monotonic = staticmethod(time.monotonic)  # the real one: the emulator is imported before any patching

    def time(self) -> float:
        return self._monotonic()


class LiveServer:
    def __init__(self, cloud: Cloud | None = None, *, host: str = "127.0.0.1", server: str = "uvicorn",
                 certfile: str | None = None, app: ASGIApp | None = None) -> None:
        self.cloud = cloud or Cloud()
        #: The application served: the emulator's over ``cloud`` unless another is given.
        self.app = app
        self._served: ASGIApp | None = None
        self.host = host
        self.server_name = server
        #: PEM file with key and certificate chain: serve HTTPS instead of HTTP.
        self.certfile = certfile
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.certfile else 'http'}://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> LiveServer:
        sock = bind_socket(self.host, 0)
        self.port = sock.getsockname()[1]
        app = self.app or create_app(self.cloud.config, self.cloud)
        self._served = app

        def run() -> None:
            loop = RealTimeLoop()
            self._loop = loop
            serve = runner(self.server_name)(app, sock, log_level="warning", started=self._ready.set,
                                             certfile=self.certfile)
            self._task = loop.create_task(serve)
            try:
                loop.run_until_complete(self._task)
            except asyncio.CancelledError:
                pass
            except BaseException as error:  # surfaced by start()
                self._error = error
                self._ready.set()
            finally:
                with contextlib.suppress(OSError):  # uvicorn closes it itself
                    sock.close()
                loop.close()

        self._thread = threading.Thread(target=run, name=f"gizwits-emulator-{self.port}", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout) or self._error is not None:
            raise RuntimeError(f"the emulator did not start: {self._error!r}")
        return self

    @property
    def running(self) -> bool:
        """True while the server's thread runs (it ends when :meth:`stop` has shut the server down)."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        if self._loop is not None and self._task is not None and not self._task.done():
            task = self._task

            async def wind_down() -> None:
                await announce_stop(self._served)  # open event streams end first, their clients see it
                task.cancel()

            asyncio.run_coroutine_threadsafe(wind_down(), self._loop)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
