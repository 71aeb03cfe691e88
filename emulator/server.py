"""Running the app on a real socket with uvicorn or hypercorn.

The socket is bound here first, so port 0 works and the real port is known before the
server starts; both servers are then handed that socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import signal
import socket
import threading
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette

SERVERS = ("uvicorn", "hypercorn")


#: Seconds a stopping server waits for its long-lived answers to end once told to.
STOP_GRACE = 2.0


async def announce_stop(app: Starlette) -> None:
    """The server is about to stop: long-lived answers (the admin event stream) end now, instead
    of holding the shutdown until the server stops waiting for them (for ever, under uvicorn).
    Waits until they have ended (at most :data:`STOP_GRACE` seconds)."""
    hooks = getattr(getattr(app, "state", None), "on_stopping", ())
    waits = [result for hook in hooks if inspect.isawaitable(result := hook())]
    if waits:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*waits), STOP_GRACE)


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio turns Nagle off (TCP_NODELAY) only on sockets whose proto says TCP,
    # and accepted sockets inherit it; with proto 0 every uvicorn answer waited ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


async def serve_uvicorn(app: Starlette, sock: socket.socket, *, log_level: str = "info",
                        started: Callable[[], None] | None = None, certfile: str | None = None) -> None:
    """``certfile``: a PEM file with the private key and certificate chain, to serve TLS."""
    import uvicorn

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            await announce_stop(app)
            await super().shutdown(sockets)

    config = uvicorn.Config(app, log_level=log_level, lifespan="off", access_log=log_level == "debug",
                            ssl_certfile=certfile)
    server = Server(config)
    task = asyncio.ensure_future(server.serve(sockets=[sock]))
    while not server.started and not task.done():
        await asyncio.sleep(0.01)
    if started and server.started:
        started()
    await task


async def serve_hypercorn(app: Starlette, sock: socket.socket, *, log_level: str = "info",
                          started: Callable[[], None] | None = None, certfile: str | None = None) -> None:
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"fd://{sock.fileno()}"]
    config.loglevel = log_level.upper()
    config.accesslog = None
    if certfile:
        config.certfile = config.keyfile = certfile
    loop = asyncio.get_running_loop()
    if started:
        loop.call_soon(started)
    # Signal handlers only work in the main thread (as hypercorn's own, which it installs when
    # given no trigger); in another thread, stop by cancelling.
    stop = asyncio.Event()
    if threading.current_thread() is threading.main_thread():
        for name in ("SIGINT", "SIGTERM"):
            loop.add_signal_handler(getattr(signal, name), stop.set)

    async def trigger() -> None:
        await stop.wait()
        await announce_stop(app)

    await serve(app, config, shutdown_trigger=trigger)  # type: ignore[arg-type]


def runner(name: str) -> Callable[..., Awaitable[None]]:
    if name == "uvicorn":
        return serve_uvicorn
    if name == "hypercorn":
        return serve_hypercorn
    raise ValueError(f"unknown server {name!r}; choose one of {SERVERS}")
