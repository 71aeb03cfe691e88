"""The DNS responder of ``serve --dns PORT``: the real clouds' host names resolve to the emulator.

For a container, a device or a test machine whose resolver can be pointed at it. It answers,
over UDP and TCP on the same port:

- ``A`` / ``AAAA`` for every name of :data:`emulator.hostnames.HOSTS` (any case, trailing dot
  or not): the emulator's address of that family, authoritative, with a short TTL; a name asked
  for the family the emulator has no address of gets an empty answer (NOERROR), so resolvers
  asking both families at once use the other;
- everything else (other names, other types, other opcodes): REFUSED. It resolves nothing
  else, and forwards nothing;
- a message that is not DNS: no answer (UDP) or the connection closed (TCP).

The address answered: ``--dns-answer`` when given, else the address ``serve`` listens on; on a
wildcard address (``0.0.0.0``, ``::``) the machine's address facing the one asking (the source
address the kernel would use to reach it: a connected UDP socket's own address, no packet sent).

Messages are parsed and built with ``dnslib``. TCP connections that stay silent are closed after
:data:`TCP_IDLE_SECONDS` of real (monotonic) time: a transport timer, not the emulator's clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
from collections.abc import Sequence
from typing import Any

from dnslib import AAAA, QTYPE, RCODE, RR, A, DNSError, DNSRecord

from ..core.hostnames import HostTable, normalised
from ..hostnames import HOSTS

TTL = 30
TCP_IDLE_SECONDS = 10.0
_WILDCARDS = ("", "0.0.0.0", "::")


def _family(address: str) -> int:
    return socket.AF_INET6 if ipaddress.ip_address(address).version == 6 else socket.AF_INET


def facing(peer: str, family: int) -> str | None:
    """This machine's address of ``family`` that a packet to ``peer`` would leave from."""
    peer_address = ipaddress.ip_address(peer.split("%")[0])
    if isinstance(peer_address, ipaddress.IPv6Address) and peer_address.ipv4_mapped:
        peer_address = peer_address.ipv4_mapped
    if (family == socket.AF_INET) != (peer_address.version == 4):
        return None
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect((str(peer_address), 53))  # no packet leaves: UDP connect only picks a route
        except OSError:
            return None
        return str(probe.getsockname()[0])


class Responder:
    """Answers one DNS message (bytes in, bytes out)."""

    def __init__(self, listening: str, answers: Sequence[str] = (), hosts: HostTable = HOSTS) -> None:
        for address in answers:
            ipaddress.ip_address(address)  # ValueError for a name or a typo, before serving
        self.fixed = tuple(answers) or (() if listening in _WILDCARDS else (listening,))
        self.hosts = hosts

    def addresses(self, family: int, peer: str) -> list[str]:
        if self.fixed:
            return [a for a in self.fixed if _family(a) == family]
        found = facing(peer, family)
        return [found] if found else []

    def answer(self, message: bytes, peer: str) -> bytes | None:
        try:
            request = DNSRecord.parse(message)
        except (DNSError, ValueError, IndexError):
            return None
        if request.header.qr:  # an answer, not a question: never reply to those
            return None
        reply = request.reply(ra=0, aa=1)
        reply.header.rcode = RCODE.REFUSED
        if request.header.opcode != 0 or len(request.questions) != 1:
            return reply.pack()
        question = request.q
        wanted = {QTYPE.A: socket.AF_INET, QTYPE.AAAA: socket.AF_INET6}.get(question.qtype)
        if wanted is None or normalised(str(question.qname)) not in self.hosts:
            return reply.pack()
        reply.header.rcode = RCODE.NOERROR
        record = A if wanted == socket.AF_INET else AAAA
        for address in self.addresses(wanted, peer):
            reply.add_answer(RR(question.qname, question.qtype, rdata=record(address), ttl=TTL))
        return reply.pack()


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a datagram transport, for a datagram protocol

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        reply = self.responder.answer(data, addr[0])
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)


def bind(host: str, port: int) -> tuple[socket.socket, socket.socket]:
    """UDP and TCP sockets on ``host:port`` (``port`` 0: a free port both protocols have)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for _attempt in range(20 if port == 0 else 1):
        udp = socket.socket(family, socket.SOCK_DGRAM)
        try:
            udp.bind((host, port))
            chosen = udp.getsockname()[1]
            tcp = socket.socket(family, socket.SOCK_STREAM)
            try:
                tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                tcp.bind((host, chosen))
                tcp.listen(16)
            except OSError:
                tcp.close()
                raise
        except OSError:
            udp.close()
            if port != 0:
                raise
            continue
        udp.setblocking(False)
        tcp.setblocking(False)
        return udp, tcp
    raise OSError(f"no port free for both UDP and TCP on {host}")


class DnsServer:
    """The responder on bound sockets, served in the running event loop."""

    def __init__(self, responder: Responder, sockets: tuple[socket.socket, socket.socket]) -> None:
        self.responder = responder
        self.udp, self.tcp = sockets
        self.port: int = self.udp.getsockname()[1]
        self._closers: list[Any] = []

    async def __aenter__(self) -> DnsServer:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(lambda: _Datagrams(self.responder), sock=self.udp)
        server = await asyncio.start_server(self._stream, sock=self.tcp)
        self._closers = [transport, server]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for closer in self._closers:
            closer.close()

    async def _stream(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")[0]
        try:
            while True:
                size = int.from_bytes(await asyncio.wait_for(reader.readexactly(2), TCP_IDLE_SECONDS), "big")
                reply = self.responder.answer(await asyncio.wait_for(reader.readexactly(size), TCP_IDLE_SECONDS),
                                              peer)
                if reply is None:
                    break
                writer.write(len(reply).to_bytes(2, "big") + reply)
                await writer.drain()
        except (asyncio.IncompleteReadError, TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
