"""The kept certificate authority: made once, the same after restarts and for concurrent starts;
a server certificate for every host name and the listening address, made again only when needed."""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import stat
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509

from emulator.dropin import authority as authority_module
from emulator.dropin.authority import AuthorityError, authority
from emulator.hostnames import HOSTS


def handshake(server_file: Path, ca_file: Path, name: str) -> str:
    """A real TLS handshake over loopback: the client checks ``name`` against the certificate."""
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(str(server_file))
    client_context = ssl.create_default_context(cafile=str(ca_file))
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[str] = []

    def serve() -> None:
        connection, _ = listener.accept()
        with contextlib.suppress(ssl.SSLError), server_context.wrap_socket(connection, server_side=True) as secure:
            accepted.append(secure.version() or "")

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        raw = socket.create_connection(listener.getsockname())
        with client_context.wrap_socket(raw, server_hostname=name) as secure:
            version = secure.version() or ""
    finally:
        thread.join(5)
        listener.close()
    return version


def san(path: Path) -> x509.SubjectAlternativeName:
    certificate = x509.load_pem_x509_certificates(path.read_bytes())[0]
    return certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value


def test_made_once_and_kept(tmp_path: Path) -> None:
    first = authority(tmp_path / "ca")
    ca_bytes, private_bytes = first.ca_file.read_bytes(), (tmp_path / "ca" / "authority.pem").read_bytes()
    again = authority(tmp_path / "ca")
    assert again.ca_file.read_bytes() == ca_bytes and (tmp_path / "ca" / "authority.pem").read_bytes() == private_bytes
    assert stat.S_IMODE((tmp_path / "ca" / "authority.pem").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "ca").stat().st_mode) == 0o700
    certificate = x509.load_pem_x509_certificate(ca_bytes)
    constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert constraints.ca and constraints.path_length == 0
    assert certificate.not_valid_after_utc - datetime.now(UTC) > timedelta(days=365 * 9)


def test_the_server_certificate_covers_every_name_and_the_address(tmp_path: Path) -> None:
    kept = authority(tmp_path)
    server = kept.server_certificate(("192.0.2.7",))
    names = san(server)
    assert set(names.get_values_for_type(x509.DNSName)) == {*HOSTS.names, "localhost"}
    assert {str(a) for a in names.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1", "192.0.2.7"}
    for name in (*HOSTS.names, "localhost", "127.0.0.1"):
        assert handshake(server, kept.ca_file, name).startswith("TLS")
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(server, kept.ca_file, "example.com")


def test_the_server_certificate_is_kept_until_names_change_or_it_nears_its_end(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = authority(tmp_path)
    first = kept.server_certificate().read_bytes()
    assert authority(tmp_path).server_certificate().read_bytes() == first
    assert authority(tmp_path).server_certificate(("192.0.2.8",)).read_bytes() != first
    current = kept.server_file.read_bytes()
    later = datetime.now(UTC) + timedelta(days=authority_module.SERVER_DAYS - 10)
    monkeypatch.setattr(authority_module, "_now", lambda: later)
    assert kept.server_certificate(("192.0.2.8",)).read_bytes() != current


def test_a_server_certificate_of_another_authority_is_replaced(tmp_path: Path) -> None:
    old = authority(tmp_path / "one").server_certificate()
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / "server.pem").write_bytes(old.read_bytes())
    other = authority(tmp_path / "two")
    assert handshake(other.server_certificate(), other.ca_file, "euapi.gizwits.com")


def test_processes_starting_together_make_one_authority(tmp_path: Path) -> None:
    code = ("import sys; from emulator.dropin.authority import authority; "
            "print(authority(sys.argv[1]).ca_file.read_text())")
    processes = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
                 for _ in range(4)]
    outputs = {process.communicate(timeout=60)[0] for process in processes}
    assert len(outputs) == 1 and "BEGIN CERTIFICATE" in outputs.pop()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["authority.pem", "ca.pem"]


def test_a_broken_authority_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "authority.pem").write_text("not a key")
    with pytest.raises(AuthorityError, match="remove it to make a new authority"):
        authority(tmp_path)


def test_the_default_folder_is_the_users_data_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if sys.platform != "linux":
        pytest.skip("the XDG data directory is the Linux convention")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert authority().ca_file == tmp_path / "gizwits-emulator" / "ca.pem"
    assert os.path.exists(tmp_path / "gizwits-emulator" / "authority.pem")
