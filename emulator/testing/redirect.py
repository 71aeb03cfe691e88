"""Host redirection: unmodified clients that call the real Gizwits or CoolKit hosts reach a live emulator.

While a :class:`Redirect` is active, every new client of these libraries sends what it
addresses to a Gizwits host (the API hosts ``euapi``/``usapi``/``api.gizwits.com`` and the
WebSocket hosts ``eusandbox``/``eum2m``/``m2m``/``sandbox``/``usm2m.gizwits.com``, listed once
in :mod:`emulator.gizwits.hosts`) or to a CoolKit host (the regions' API and dispatch hosts,
the global host, the WebSocket domains dispatch answers, listed once in
:mod:`emulator.ewelink.regions`) to the emulator instead:

- aiohttp: new ``TCPConnector`` objects get a resolver that answers those names with the
  emulator's address *and port* (the URL, the ``Host`` header and the TLS server name are
  untouched, as with a DNS override), and an SSL context that trusts the test authority;
- httpx: new ``Client``/``AsyncClient`` objects get transport mounts for those hosts that
  send to the emulator;
- requests: new ``Session`` objects get an adapter mounted for those hosts;
- websockets (its asyncio client, ``websockets.connect``): new connections to those hosts
  go to the emulator's address and port, the URI, ``Host`` and TLS server name untouched.

Ports: the TLS ports of the real clouds (443 for HTTPS, 8880 for Gizwits' WSS, 8080 on the
CoolKit WebSocket domains) go to the emulator's TLS listener, every other port (80, Gizwits'
8080 for WS) to its plain listener. The
server certificate is valid for the Gizwits hosts, signed by the test authority
(:mod:`emulator.testing.tls`), so ``https``/``wss`` clients work with their default
settings. Clients created before the redirect starts are not affected. Libraries that
are not installed are skipped.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..ewelink.regions import TLS_8080_HOSTS
from ..gizwits.hosts import GIZWITS_HOSTS, TLS_PORTS
from .tls import EWELINK_HOSTS, TestTLS

#: Hosts whose port 8080 is TLS too (the CoolKit WebSocket domains).
TLS_8080 = frozenset(TLS_8080_HOSTS)
LOOPBACK = "127.0.0.1"
#: Every host redirected by default.
ALL_HOSTS = (*GIZWITS_HOSTS, *EWELINK_HOSTS)


class Redirect:
    def __init__(self, plain_port: int, tls_port: int | None, tls: TestTLS | None,
                 hosts: tuple[str, ...] = ALL_HOSTS) -> None:
        self.plain_port = plain_port
        self.tls_port = tls_port
        self.tls = tls
        self.hosts = frozenset(h.lower() for h in hosts)
        self._undo: list[Callable[[], None]] = []

    def handles(self, host: str | None) -> bool:
        return (host or "").lower().rstrip(".") in self.hosts

    def port_for(self, port: int | None, *, secure: bool, host: str = "") -> int:
        """The emulator's port for a connection to ``port`` of a redirected host."""
        wants_tls = (port in TLS_PORTS or (port == 8080 and host.lower().rstrip(".") in TLS_8080)) if port else secure
        if wants_tls:
            if self.tls_port is None:
                raise ConnectionRefusedError("the emulator serves no TLS (started with tls=False)")
            return self.tls_port
        return self.plain_port

    # -- patching ------------------------------------------------------------------------------
    def _patch(self, owner: Any, name: str, replacement: Any) -> None:
        original = owner.__dict__[name]
        setattr(owner, name, replacement)
        self._undo.append(lambda: setattr(owner, name, original))

    def start(self) -> Redirect:
        for patcher in (self._patch_aiohttp, self._patch_httpx, self._patch_requests, self._patch_websockets):
            try:
                patcher()
            except ImportError:
                continue
        return self

    def stop(self) -> None:
        while self._undo:
            self._undo.pop()()

    def __enter__(self) -> Redirect:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- aiohttp -------------------------------------------------------------------------------
    def _patch_aiohttp(self) -> None:
        import aiohttp

        redirect = self
        original = aiohttp.TCPConnector.__init__

        def init(connector: Any, *args: Any, **kwargs: Any) -> None:
            kwargs["resolver"] = _resolver(redirect, kwargs.get("resolver"))
            if kwargs.get("ssl", True) is True and redirect.tls is not None:
                kwargs["ssl"] = redirect.tls.client_context()
            original(connector, *args, **kwargs)

        self._patch(aiohttp.TCPConnector, "__init__", init)

    # -- httpx ---------------------------------------------------------------------------------
    def _patch_httpx(self) -> None:
        import httpx

        redirect = self
        for client_class, transport_class in ((httpx.Client, _httpx_transport(False)),
                                              (httpx.AsyncClient, _httpx_transport(True))):
            original = client_class.__init__

            def init(client: Any, *args: Any, _original: Any = original, _transport: Any = transport_class,
                     **kwargs: Any) -> None:
                transport = _transport(redirect)
                mounts = dict(kwargs.get("mounts") or {})
                for host in redirect.hosts:
                    mounts.setdefault(f"all://{host}", transport)
                kwargs["mounts"] = mounts
                _original(client, *args, **kwargs)

            self._patch(client_class, "__init__", init)

    # -- requests ------------------------------------------------------------------------------
    def _patch_requests(self) -> None:
        import requests

        redirect = self
        original = requests.Session.__init__
        adapter_class = _requests_adapter()

        def init(session: Any, *args: Any, **kwargs: Any) -> None:
            original(session, *args, **kwargs)
            adapter = adapter_class(redirect)
            for host in redirect.hosts:
                session.mount(f"https://{host}", adapter)
                session.mount(f"http://{host}", adapter)

        self._patch(requests.Session, "__init__", init)

    # -- websockets ----------------------------------------------------------------------------
    def _patch_websockets(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.uri import parse_uri

        redirect = self
        original = connect.__init__

        def init(connection: Any, uri: str, *args: Any, **kwargs: Any) -> None:
            target = parse_uri(uri)
            if redirect.handles(target.host) and kwargs.get("sock") is None:
                kwargs.setdefault("host", LOOPBACK)
                kwargs.setdefault("port", redirect.port_for(target.port, secure=target.secure, host=target.host))
                kwargs.setdefault("proxy", None)
                if target.secure and kwargs.get("ssl", True) is True and redirect.tls is not None:
                    kwargs["ssl"] = redirect.tls.client_context()
            original(connection, uri, *args, **kwargs)

        self._patch(connect, "__init__", init)

    def rewrite(self, url: str) -> tuple[str, str]:
        """``(url on the emulator, original netloc)`` for a URL addressed to a Gizwits host."""
        parts = urlsplit(url)
        secure = parts.scheme in ("https", "wss")
        port = self.port_for(parts.port, secure=secure, host=parts.hostname or "")
        return urlunsplit((parts.scheme, f"{LOOPBACK}:{port}", parts.path, parts.query, parts.fragment)), parts.netloc


def _resolver(redirect: Redirect, fallback: Any) -> Any:
    from aiohttp.abc import AbstractResolver

    class RedirectResolver(AbstractResolver):
        """Answers the Gizwits hosts with the emulator's address and port; asks ``fallback`` otherwise."""

        def __init__(self) -> None:
            self._fallback = fallback

        async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> Any:
            if redirect.handles(host):
                return [{"hostname": host, "host": LOOPBACK,
                         "port": redirect.port_for(port, secure=port in TLS_PORTS, host=host),
                         "family": socket.AF_INET, "proto": 0, "flags": socket.AI_NUMERICHOST}]
            if self._fallback is None:
                from aiohttp import DefaultResolver

                self._fallback = DefaultResolver()
            return await self._fallback.resolve(host, port, family)

        async def close(self) -> None:
            if self._fallback is not None:
                await self._fallback.close()

    return RedirectResolver()


def _httpx_transport(asynchronous: bool) -> Any:
    import httpx

    def rewritten(redirect: Redirect, request: httpx.Request) -> httpx.Request:
        url, netloc = redirect.rewrite(str(request.url))
        headers = request.headers.copy()
        headers["Host"] = netloc
        return httpx.Request(request.method, url, headers=headers, content=request.content,
                             extensions=request.extensions)

    class SyncTransport(httpx.BaseTransport):
        def __init__(self, redirect: Redirect) -> None:
            self._redirect = redirect
            verify: Any = redirect.tls.client_context() if redirect.tls else True
            self._inner = httpx.HTTPTransport(verify=verify)

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            request.read()
            return self._inner.handle_request(rewritten(self._redirect, request))

        def close(self) -> None:
            self._inner.close()

    class AsyncTransport(httpx.AsyncBaseTransport):
        def __init__(self, redirect: Redirect) -> None:
            self._redirect = redirect
            verify: Any = redirect.tls.client_context() if redirect.tls else True
            self._inner = httpx.AsyncHTTPTransport(verify=verify)

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            await request.aread()
            return await self._inner.handle_async_request(rewritten(self._redirect, request))

        async def aclose(self) -> None:
            await self._inner.aclose()

    return AsyncTransport if asynchronous else SyncTransport


def _requests_adapter() -> Any:
    from requests.adapters import HTTPAdapter

    class RedirectAdapter(HTTPAdapter):
        """Sends to the emulator, with the original ``Host`` header, verifying with the test authority."""

        def __init__(self, redirect: Redirect) -> None:
            super().__init__()
            self._redirect = redirect

        def send(self, request: Any, **kwargs: Any) -> Any:
            original = request.url
            request.url, netloc = self._redirect.rewrite(original)
            request.headers["Host"] = netloc
            # The peer is always the emulator, whose certificate only the test authority signs
            # (whatever bundle the session or REQUESTS_CA_BUNDLE names); verify=False stays off.
            if self._redirect.tls is not None and kwargs.get("verify", True) is not False:
                kwargs["verify"] = str(self._redirect.tls.ca_file)
            response = super().send(request, **kwargs)
            request.url = response.url = original
            return response

    return RedirectAdapter
