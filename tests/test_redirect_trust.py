"""The plugin's redirection trusts the test authority in every SSL context a test uses for the
redirected names, whenever it was made (before the redirect, from certifi, bare), and resolves the
names for every client that uses ``socket.getaddrinfo`` (urllib, http.client, asyncio streams)."""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import urllib.request

import aiohttp
import certifi

from emulator.testing import Emulator
from emulator.testing.redirect import Redirect

# Made at import, long before any redirect starts (as Home Assistant and aiohttp make theirs).
EARLY = ssl.create_default_context(cafile=certifi.where())


def test_a_context_made_before_the_redirect_trusts_the_authority(gizwits_server: Emulator) -> None:
    async def get() -> int:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=EARLY)) as session, \
                session.get("https://euapi.gizwits.com/status") as answer:
            status = answer.status
        # aiohttp closes a TLS transport a moment after its session (its documented graceful shutdown):
        # without the wait the loop ends first and the transport is found unclosed at garbage collection.
        await asyncio.sleep(0.25)
        return status

    assert asyncio.run(get()) == 200


def test_a_bare_context_gets_the_authority_only_when_used_for_a_redirected_name(gizwits_server: Emulator) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    assert context.get_ca_certs() == []
    with urllib.request.urlopen("https://usapi.gizwits.com/status", context=context, timeout=10) as answer:
        assert json.loads(answer.read()) == {"status": {"version": "2.36.0"}}
    assert [dict(c["subject"][0]) for c in context.get_ca_certs()] == [
        {"organizationName": "gizwits-emulator test authority"}]


def test_urllib_and_asyncio_streams_resolve_the_names(gizwits_server: Emulator) -> None:
    with urllib.request.urlopen("http://api.gizwits.com/status", timeout=10) as answer:
        assert answer.status == 200

    async def raw() -> bytes:
        reader, writer = await asyncio.open_connection("eusandbox.gizwits.com", 443, ssl=ssl.create_default_context())
        writer.write(b"GET /status HTTP/1.1\r\nHost: eusandbox.gizwits.com\r\nConnection: close\r\n\r\n")
        answer = await reader.read()
        writer.close()
        return answer.split(b"\r\n", 1)[0]

    assert asyncio.run(raw()) == b"HTTP/1.1 200 OK"
    assert [e.headers["host"] for e in gizwits_server.journal(path="/status")] == ["api.gizwits.com",
                                                                                 "eusandbox.gizwits.com"]


def test_other_names_resolve_and_verify_as_usual() -> None:
    with Redirect(1, 2, None) as redirect:
        assert socket.getaddrinfo("euapi.gizwits.com", 443)[0][4] == ("127.0.0.1", 2)
        assert socket.getaddrinfo("euapi.gizwits.com", "http")[0][4] == ("127.0.0.1", 1)
        assert socket.getaddrinfo("localhost", 443)[0][4][1] == 443
        assert redirect.handles("eum2m.gizwits.com")
    assert socket.getaddrinfo.__module__ == "socket" and ssl.SSLContext.wrap_bio.__module__ == "ssl"
