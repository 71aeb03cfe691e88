"""The one list of host names: each cloud contributes groups, and the certificate, the DNS
responder, the hooks and the test redirection all read the same table."""

from __future__ import annotations

import json

import pytest
from cryptography import x509

from emulator.core.hostnames import EITHER, PLAIN, TLS, HostGroup, HostTable
from emulator.dropin.environment import configuration
from emulator.gizwits.hosts import API_HOSTS, HOST_GROUPS, WEBSOCKET_HOSTS
from emulator.hostnames import CONTRIBUTIONS, HOSTS
from emulator.testing.redirect import Redirect
from emulator.testing.tls import test_tls

GIZWITS_NAMES = ("euapi.gizwits.com", "usapi.gizwits.com", "api.gizwits.com", "eusandbox.gizwits.com",
                 "eum2m.gizwits.com", "m2m.gizwits.com", "sandbox.gizwits.com", "usm2m.gizwits.com")


def test_the_gizwits_cloud_contributes_its_eight_names() -> None:
    assert HOST_GROUPS in CONTRIBUTIONS
    assert set(GIZWITS_NAMES) <= set(HOSTS.names)
    assert set(API_HOSTS) | set(WEBSOCKET_HOSTS) == set(GIZWITS_NAMES)


def test_the_real_ports_and_what_they_speak() -> None:
    # 8080: plain ws on Gizwits' WebSocket hosts, TLS on CoolKit's WebSocket domains
    assert HOSTS.real_ports() == {80: PLAIN, 443: TLS, 8080: EITHER, 8880: TLS}
    assert HOSTS.speaks_tls("eu-pconnect2.coolkit.cc", 8080, secure=False)
    assert HOSTS.speaks_tls("euapi.gizwits.com", 443, secure=False)
    assert not HOSTS.speaks_tls("EUSANDBOX.gizwits.com.", 8080, secure=True)  # the port decides, not the scheme
    assert HOSTS.speaks_tls("eusandbox.gizwits.com", 8880, secure=False)
    assert HOSTS.speaks_tls("euapi.gizwits.com", 9443, secure=True)  # a port nobody lists: the scheme
    assert not HOSTS.speaks_tls("euapi.gizwits.com", None, secure=False)


def test_a_second_cloud_plugs_in_with_its_own_ports() -> None:
    other = HostGroup(("api.other.test",), tls_ports=(443, 8081))
    table = HostTable((*HOST_GROUPS, other))
    assert "API.other.test." in table and "nope.test" not in table
    assert table.speaks_tls("api.other.test", 8081, secure=False)
    assert not table.speaks_tls("eusandbox.gizwits.com", 8080, secure=True)
    assert table.real_ports()[8081] == TLS
    assert HostTable.from_json(table.to_json()).groups == table.groups


def test_a_name_declared_twice_is_refused_and_a_port_shared_both_ways_is_either() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        HostTable((HostGroup(("a.test",), (443,)), HostGroup(("A.test",), (443,))))
    shared = HostTable((HostGroup(("a.test",), (443,), (8080,)), HostGroup(("b.test",), (8080,))))
    assert shared.real_ports() == {443: TLS, 8080: EITHER}  # one listener there tells the two apart
    assert shared.ports() == [443, 8080]


def test_every_user_of_the_list_reads_the_same_table(tmp_path: object) -> None:
    redirect = Redirect(1, 2, None)
    assert redirect.hosts == {name.lower() for name in HOSTS.names}
    certificate = x509.load_pem_x509_certificates(test_tls().server_file.read_bytes())[0]
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(HOSTS.names) <= set(names.get_values_for_type(x509.DNSName))
    ports = configuration("https://127.0.0.1:8443", None)["ports"]
    assert list(ports) == list(HOSTS.names)  # type: ignore[arg-type]
    assert json.loads(json.dumps(ports))["eusandbox.gizwits.com"] == {"80": None, "443": 8443, "8080": None,
                                                                       "8880": 8443}
