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
  go to the emulator's address and port, the URI, ``Host`` and TLS server name untouched;
- everything else that resolves names with ``socket.getaddrinfo`` (urllib, http.client,
  asyncio's ``open_connection``, ...): those names resolve to the emulator's address, with the
  emulator's port for the port asked.

Ports: the TLS ports of the real cloud (443 for HTTPS, 8880 for WSS) go to the
emulator's TLS listener, every other port (80, 8080 for WS) to its plain listener (each
cloud says which ports of its names speak TLS: :data:`emulator.hostnames.HOSTS`). The
server certificate is valid for the Gizwits hosts, signed by the test authority
(:mod:`emulator.testing.tls`), so ``https``/``wss`` clients work with their default
settings. Clients created before the redirect starts are not affected. Libraries that
are not installed are skipped.

Trust: while the redirect is active, every SSL context, whenever and by whomever it was made
(Home Assistant's certifi-based ones, aiohttp's module-level ones, a test's own), trusts the
authority as soon as it is used for a redirected host: ``SSLContext.wrap_socket`` and
``wrap_bio`` add the authority (from memory, ``cadata``: no file read in an event loop) to a
context the first time it connects to one of those names. The context keeps it afterwards.

The emulator is at ``address`` (loopback by default; another address or a name for an
emulator elsewhere, as the drop-in hook uses it). A missing listener (``plain_port`` or
``tls_port`` None) refuses the connections meant for it.

Standard library only at import time: the drop-in startup hook (:mod:`emulator.dropin.hook`)
loads this module in processes that may have none of the emulator's dependencies, and
patches each library once it is imported there (:meth:`Redirect.patchers`).
"""

from __future__ import annotations

import socket
import weakref
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..core.hostnames import is_ip, normalised
from ..hostnames import HOSTS

if TYPE_CHECKING:
    from .tls import TestTLS

LOOPBACK = "127.0.0.1"

#: Where ``server_hostname`` sits among the positional arguments of the SSLContext methods patched.
_SERVER_HOSTNAME_AT = {"wrap_socket": 4, "wrap_bio": 3}


class Redirect:
    def __init__(self, plain_port: int | None, tls_port: int | None, tls: TestTLS | None,
                 hosts: tuple[str, ...] = HOSTS.names, *, address: str = LOOPBACK) -> None:
        self.plain_port = plain_port
        self.tls_port = tls_port
        self.tls = tls
        self.hosts = frozenset(h.lower() for h in hosts)
        #: Where the emulator listens: an IP address or a host name.
        self.address = address
        self._undo: list[Callable[[], None]] = []

    def handles(self, host: str | None) -> bool:
        return normalised(host) in self.hosts

    def port_for(self, port: int | None, *, secure: bool, host: str = "") -> int:
        """The emulator's port for a connection to ``port`` of a redirected host."""
        if HOSTS.speaks_tls(host, port, secure=secure):
            if self.tls_port is None:
                raise ConnectionRefusedError("the emulator serves no TLS (started with tls=False)")
            return self.tls_port
        if self.plain_port is None:
            raise ConnectionRefusedError("the emulator serves only TLS: plain http:// and ws:// are refused")
        return self.plain_port

    @property
    def netloc(self) -> str:
        """The emulator's address as it stands in a URL (IPv6 in brackets)."""
        return f"[{self.address}]" if ":" in self.address else self.address

    # -- patching ------------------------------------------------------------------------------
    def _patch(self, owner: Any, name: str, replacement: Any) -> None:
        original = owner.__dict__[name]
        setattr(owner, name, replacement)
        self._undo.append(lambda: setattr(owner, name, original))

    def patchers(self) -> dict[str, Callable[[], None]]:
        """``{module: patch}``: what :meth:`start` applies, by the module each patch needs."""
        return {"ssl": self._patch_ssl, "socket": self._patch_socket, "aiohttp": self._patch_aiohttp,
                "httpx": self._patch_httpx,
                "requests": self._patch_requests, "websockets": self._patch_websockets}

    def start(self) -> Redirect:
        for patcher in self.patchers().values():
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

    # -- ssl: every context trusts the authority for the redirected hosts ------------------------
    def _patch_ssl(self) -> None:
        import ssl

        if self.tls is None:
            return
        # Read once here, so contexts load it from memory inside event loops (no blocking I/O).
        authority = self.tls.ca_file.read_text(encoding="ascii")
        names = self.hosts | {normalised(self.address)}
        trusting: weakref.WeakSet[ssl.SSLContext] = weakref.WeakSet()

        for method, at in _SERVER_HOSTNAME_AT.items():
            original = ssl.SSLContext.__dict__[method]

            def wrap(context: ssl.SSLContext, *args: Any, _original: Any = original, _at: int = at,
                     **kwargs: Any) -> Any:
                hostname = kwargs.get("server_hostname", args[_at - 1] if len(args) >= _at else None)
                if (isinstance(hostname, str) and normalised(hostname) in names and context not in trusting
                        and context.verify_mode != ssl.CERT_NONE):
                    context.load_verify_locations(cadata=authority)
                    trusting.add(context)
                return _original(context, *args, **kwargs)

            self._patch(ssl.SSLContext, method, wrap)

    # -- socket.getaddrinfo: every other client ---------------------------------------------------
    def _patch_socket(self) -> None:
        redirect = self
        original = socket.getaddrinfo

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            name = host.decode("idna") if isinstance(host, bytes) else host
            if not redirect.handles(name):
                return original(host, port, *args, **kwargs)
            if isinstance(port, bytes):
                port = port.decode()
            number = socket.getservbyname(port) if isinstance(port, str) and not port.isdigit() else int(port or 0)
            target = redirect.port_for(number, secure=False, host=name) if number else 0
            return original(redirect.address, target, *args, **kwargs)

        self._patch(socket, "getaddrinfo", getaddrinfo)

    # -- aiohttp -------------------------------------------------------------------------------
    def _patch_aiohttp(self) -> None:
        import aiohttp

        redirect = self
        original = aiohttp.TCPConnector.__init__
        # Before Python 3.12.8 / 3.13.1 a TLS connection closed as its event loop ends can leave its socket
        # open (cpython#118960): asyncio.run() in a test, then a ResourceWarning later. aiohttp's own remedy
        # aborts those transports when the connector closes; it warns where the bug is fixed, so not there.
        cleanup_closed = getattr(aiohttp.connector, "NEEDS_CLEANUP_CLOSED", True)

        def init(connector: Any, *args: Any, **kwargs: Any) -> None:
            kwargs["resolver"] = _resolver(redirect, kwargs.get("resolver"))
            if kwargs.get("ssl", True) is True and redirect.tls is not None:
                kwargs["ssl"] = redirect.tls.client_context()
                if cleanup_closed:
                    kwargs.setdefault("enable_cleanup_closed", True)
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
                kwargs.setdefault("host", redirect.address)
                kwargs.setdefault("port", redirect.port_for(target.port, secure=target.secure, host=target.host))
                kwargs.setdefault("proxy", None)
                if target.secure and kwargs.get("ssl", True) is True and redirect.tls is not None:
                    kwargs["ssl"] = redirect.tls.client_context()
            original(connection, uri, *args, **kwargs)

        self._patch(connect, "__init__", init)

    def rewrite(self, url: str) -> tuple[str, str]:
        """``(url on the emulator, original netloc)`` for a URL addressed to a Gizwits host."""
        from urllib.parse import urlsplit, urlunsplit  # here: the drop-in hook's start-up skips urllib

        parts = urlsplit(url)
        secure = parts.scheme in ("https", "wss")
        port = self.port_for(parts.port, secure=secure, host=parts.hostname or "")
        location = f"{self.netloc}:{port}"
        return urlunsplit((parts.scheme, location, parts.path, parts.query, parts.fragment)), parts.netloc


def _resolver(redirect: Redirect, fallback: Any) -> Any:
    from aiohttp.abc import AbstractResolver

    class RedirectResolver(AbstractResolver):
        """Answers the Gizwits hosts with the emulator's address and port; asks ``fallback`` otherwise."""

        def __init__(self) -> None:
            self._fallback = fallback

        async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> Any:
            if redirect.handles(host):
                target = redirect.port_for(port, secure=False, host=host)
                if not is_ip(redirect.address):  # an emulator known by name: its addresses, the port mapped
                    found = await self._resolver().resolve(redirect.address, target, family)
                    return [{**entry, "hostname": host} for entry in found]
                family = socket.AF_INET6 if ":" in redirect.address else socket.AF_INET
                return [{"hostname": host, "host": redirect.address, "port": target, "family": family,
                         "proto": 0, "flags": socket.AI_NUMERICHOST}]
            return await self._resolver().resolve(host, port, family)

        def _resolver(self) -> Any:
            if self._fallback is None:
                from aiohttp import DefaultResolver

                self._fallback = DefaultResolver()
            return self._fallback

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
        # TLS names the real host (SNI and the certificate check), wherever the emulator is.
        extensions = {**request.extensions, "sni_hostname": request.url.host}
        return httpx.Request(request.method, url, headers=headers, content=request.content, extensions=extensions)

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

        def build_connection_pool_key_attributes(self, request: Any, verify: Any, cert: Any = None) -> Any:
            # TLS names the real host (SNI and the certificate check), wherever the emulator is.
            host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
            hostname = getattr(request, "redirected_from", None)
            if hostname and host_params.get("scheme") == "https":
                pool_kwargs.update(server_hostname=hostname, assert_hostname=hostname)
            return host_params, pool_kwargs

        def send(self, request: Any, **kwargs: Any) -> Any:
            from urllib.parse import urlsplit

            original = request.url
            request.redirected_from = urlsplit(original).hostname
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
