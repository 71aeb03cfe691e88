"""Running the app on a real socket with uvicorn or hypercorn.

The socket is bound here first, so port 0 works and the real port is known before the
server starts; both servers are then handed that socket, guarded, with the timeouts and
connection limit of :mod:`emulator.connections` (from the app's configuration).
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

from .connections import ServerLimits, guard, uvicorn_protocol

SERVERS = ("uvicorn", "hypercorn")


def limits_of(app: Starlette) -> ServerLimits:
    """The transport limits of the app's configuration (defaults for an app without one)."""
    config = getattr(app, "config", None)
    if config is None:
        return ServerLimits()
    return ServerLimits(config.header_timeout, config.keep_alive_timeout, config.max_connections,
                        config.shutdown_timeout)


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

    limits = limits_of(app)
    # No access log: the emulator logs each request itself (emulator/request_log.py), the same under both servers.
    config = uvicorn.Config(app, log_level=log_level, lifespan="off", access_log=False,
                            ssl_certfile=certfile, http=uvicorn_protocol(limits),
                            timeout_keep_alive=max(1, round(limits.keep_alive_timeout)),
                            timeout_graceful_shutdown=max(1, round(limits.shutdown_timeout)))
    server = Server(config)

    async def serving() -> None:
        # Stopped by Ctrl+C or SIGTERM, uvicorn raises the signal again once it has shut down, here in
        # its task: the KeyboardInterrupt it becomes broke out of the event loop mid-shutdown (a
        # traceback and "Event loop is closed" at every stop). The server having stopped is the end
        # asked for: whoever awaits it goes on, and the process ends normally.
        with contextlib.suppress(KeyboardInterrupt):
            await server.serve(sockets=[guard(sock, limits)])

    task = asyncio.ensure_future(serving())
    while not server.started and not task.done():
        await asyncio.sleep(0.01)
    if started and server.started:
        started()
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        # Cancelled (a LiveServer stopping): shut down as on Ctrl+C, which closes the keep-alive
        # connections, instead of leaving their transports open for the garbage collector.
        server.should_exit = True
        await task
        raise


async def serve_hypercorn(app: Starlette, sock: socket.socket, *, log_level: str = "info",
                          started: Callable[[], None] | None = None, certfile: str | None = None) -> None:
    from hypercorn.asyncio.run import worker_serve
    from hypercorn.config import Config, Sockets
    from hypercorn.utils import wrap_app

    limits = limits_of(app)
    config = Config()
    config.loglevel = log_level.upper()
    config.accesslog = None
    # Hypercorn's idle timer runs until a request head is in, so it is the head timeout too.
    config.keep_alive_timeout = min(limits.header_timeout, limits.keep_alive_timeout)
    config.graceful_timeout = limits.shutdown_timeout
    if certfile:
        config.certfile = config.keyfile = certfile
    guarded = guard(sock, limits)
    sockets = Sockets([guarded], [], []) if certfile else Sockets([], [guarded], [])
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

    # worker_serve (what hypercorn.asyncio.serve calls) takes the sockets themselves: the guarded one.
    await worker_serve(wrap_app(app, config.wsgi_max_body_size, None), config,  # type: ignore[arg-type]
                       sockets=sockets, shutdown_trigger=trigger)


def runner(name: str) -> Callable[..., Awaitable[None]]:
    if name == "uvicorn":
        return serve_uvicorn
    if name == "hypercorn":
        return serve_hypercorn
    raise ValueError(f"unknown server {name!r}; choose one of {SERVERS}")
