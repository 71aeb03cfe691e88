"""``serve --dns PORT``: A/AAAA for the cloud's host names with the emulator's address, over UDP
and TCP, REFUSED for everything else; a real ``serve`` process asked with real DNS messages."""

from __future__ import annotations

import re
import socket
import struct
from collections.abc import Iterator

import pytest
from dnslib import QTYPE, RCODE, DNSRecord
from support_dropin import Served

from emulator.dropin.dns import Responder, facing
from emulator.hostnames import HOSTS


@pytest.fixture(scope="module")
def dns_port() -> Iterator[int]:
    with Served("--port", "0", "--dns", "0", "--fixture", "empty") as served:
        line = next(line for line in served.lines if line.startswith("  DNS"))
        yield int(re.search(r"port (\d+)", line).group(1))  # type: ignore[union-attr]


def ask(port: int, name: str, kind: str = "A", *, tcp: bool = False) -> DNSRecord:
    question = DNSRecord.question(name, kind)
    return DNSRecord.parse(question.send("127.0.0.1", port, tcp=tcp, timeout=5))


@pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])
def test_every_host_name_resolves_to_the_emulator(dns_port: int, tcp: bool) -> None:
    for name in HOSTS.names:
        reply = ask(dns_port, name, tcp=tcp)
        assert reply.header.rcode == RCODE.NOERROR and reply.header.aa
        assert [(str(rr.rname), QTYPE[rr.rtype], str(rr.rdata)) for rr in reply.rr] == [(f"{name}.", "A", "127.0.0.1")]


def test_names_match_in_any_case(dns_port: int) -> None:
    assert str(ask(dns_port, "EuApi.GIZWITS.com").rr[0].rdata) == "127.0.0.1"


def test_aaaa_without_an_ipv6_address_is_an_empty_answer(dns_port: int) -> None:
    reply = ask(dns_port, "eusandbox.gizwits.com", "AAAA")
    assert reply.header.rcode == RCODE.NOERROR and reply.rr == []


@pytest.mark.parametrize(("name", "kind"), [("example.com", "A"), ("gizwits.com", "A"), ("x.euapi.gizwits.com", "A"),
                                            ("euapi.gizwits.com", "MX"), ("euapi.gizwits.com", "TXT"),
                                            ("euapi.gizwits.com", "ANY")])
def test_everything_else_is_refused(dns_port: int, name: str, kind: str) -> None:
    reply = ask(dns_port, name, kind)
    assert reply.header.rcode == RCODE.REFUSED and reply.rr == []


def test_garbage_gets_no_answer_and_the_responder_goes_on(dns_port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.settimeout(0.5)
        probe.sendto(b"\x00\x01not dns", ("127.0.0.1", dns_port))
        with pytest.raises(TimeoutError):
            probe.recv(512)
    with socket.create_connection(("127.0.0.1", dns_port), timeout=5) as stream:
        stream.sendall(struct.pack("!H", 7) + b"garbage")
        assert stream.recv(512) == b""  # closed
    assert ask(dns_port, "m2m.gizwits.com").header.rcode == RCODE.NOERROR


def test_a_fixed_answer_of_each_family() -> None:
    responder = Responder("0.0.0.0", ("192.0.2.10", "2001:db8::10"))
    reply = DNSRecord.parse(responder.answer(DNSRecord.question("euapi.gizwits.com", "AAAA").pack(), "::1") or b"")
    assert [str(rr.rdata) for rr in reply.rr] == ["2001:db8::10"]
    reply = DNSRecord.parse(responder.answer(DNSRecord.question("euapi.gizwits.com").pack(), "127.0.0.1") or b"")
    assert [str(rr.rdata) for rr in reply.rr] == ["192.0.2.10"]
    with pytest.raises(ValueError):
        Responder("0.0.0.0", ("emulator.local",))


def test_on_a_wildcard_address_the_answer_is_the_address_facing_the_asker() -> None:
    responder = Responder("0.0.0.0")
    reply = DNSRecord.parse(responder.answer(DNSRecord.question("euapi.gizwits.com").pack(), "127.0.0.1") or b"")
    assert [str(rr.rdata) for rr in reply.rr] == ["127.0.0.1"] == [facing("127.0.0.1", socket.AF_INET)]
    assert facing("::ffff:127.0.0.1", socket.AF_INET) == "127.0.0.1"
    assert facing("127.0.0.1", socket.AF_INET6) is None


def test_answers_are_never_answered() -> None:
    reply = DNSRecord.question("euapi.gizwits.com").reply()
    assert Responder("127.0.0.1").answer(reply.pack(), "127.0.0.1") is None


def test_a_dns_port_in_use_is_a_clear_error(dns_port: int) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "emulator", "serve", "--port", "0", "--dns", str(dns_port)],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert f"cannot answer DNS on 127.0.0.1:{dns_port} (--dns): the port is in use by another program" in done.stderr
