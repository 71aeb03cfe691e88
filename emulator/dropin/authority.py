"""The kept certificate authority of ``serve --tls`` and the server certificate it signs.

The authority is made once and kept in a folder (default: the user's data directory, e.g.
``~/.local/share/gizwits-emulator`` on Linux; ``--cert-dir DIR`` chooses another), so a user,
a container volume or a CI cache trusts it once. Files:

- ``ca.pem``: the authority's certificate, what clients trust (``NODE_EXTRA_CA_CERTS``, the
  Python hook, a system trust store);
- ``authority.pem``: its private key and certificate (mode 0600): whoever reads it can sign
  certificates any client trusting ``ca.pem`` accepts, for any name;
- ``server.pem``: the server's private key and certificate chain, for every host name of
  :data:`emulator.hostnames.HOSTS`, ``localhost`` and the listening addresses. It is made again
  when those names change, when the authority changed, or a month before it ends.

Two processes starting at once make one authority: it is written to a temporary file and
linked into place, which fails for the second, who then reads the first's.

Validity is checked against real time, not the emulator's clock: TLS clients judge
certificates by their own wall clock.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from msgspec import Struct

from ..hostnames import HOSTS

AUTHORITY_YEARS = 10
#: Server certificates live 397 days (the longest most TLS clients accept from any authority).
SERVER_DAYS = 397
RENEW_BEFORE = timedelta(days=30)
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")


class AuthorityError(Exception):
    """The folder holds files that are not a usable authority."""


def default_folder() -> Path:
    import platformdirs

    return platformdirs.user_data_path("gizwits-emulator")


def _now() -> datetime:
    return datetime.now(UTC)  # real time: see the module docstring


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``path`` whole or not at all (readers never see half a file)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


class Authority(Struct, frozen=True):
    folder: Path
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def ca_file(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def server_file(self) -> Path:
        return self.folder / "server.pem"

    def server_certificate(self, addresses: tuple[str, ...] = ()) -> Path:
        """``server.pem`` for every host name, the local names and ``addresses``; made or kept."""
        names = _identities((*HOSTS.names, *LOCAL_NAMES, *addresses))
        if not self._server_is_current(names):
            self._issue_server(names)
        return self.server_file

    def _server_is_current(self, names: list[x509.GeneralName]) -> bool:
        try:
            current = x509.load_pem_x509_certificates(self.server_file.read_bytes())[0]
            covered = current.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            issuer_key = current.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
        except (OSError, ValueError, x509.ExtensionNotFound):
            return False
        own_key = x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()).digest
        return (set(covered) == set(names) and issuer_key.key_identifier == own_key
                and current.not_valid_after_utc - RENEW_BEFORE > _now())

    def _issue_server(self, names: list[x509.GeneralName]) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        now = _now()
        certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "gizwits-emulator"),
                                     x509.NameAttribute(NameOID.COMMON_NAME, "gizwits-emulator server")]))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=SERVER_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=False, content_commitment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        chain = certificate.public_bytes(serialization.Encoding.PEM) + self.certificate.public_bytes(
            serialization.Encoding.PEM)
        _write(self.server_file, _pem_key(key) + chain, 0o600)


def _identities(names: tuple[str, ...]) -> list[x509.GeneralName]:
    seen: dict[str, x509.GeneralName] = {}
    for name in names:
        try:
            general: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(name))
        except ValueError:
            general = x509.DNSName(name.lower())
        seen.setdefault(str(general), general)
    return list(seen.values())


def _new_authority() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    subject = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "gizwits-emulator"),
        x509.NameAttribute(NameOID.COMMON_NAME, f"gizwits-emulator local authority ({socket.gethostname()}, "
                                                f"{now:%Y-%m-%d})"),
    ])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=365 * AUTHORITY_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=False, content_commitment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return _pem_key(key) + certificate.public_bytes(serialization.Encoding.PEM)


def authority(folder: Path | str | None = None) -> Authority:
    """The authority kept in ``folder`` (default :func:`default_folder`), made there the first time."""
    where = Path(folder).expanduser() if folder is not None else default_folder()
    where.mkdir(parents=True, exist_ok=True, mode=0o700)
    private = where / "authority.pem"
    if not private.exists():
        temporary = where / f".authority.{os.getpid()}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(_new_authority())
        try:
            os.link(temporary, private)  # fails if another process made one first: theirs is kept
        except FileExistsError:
            pass
        finally:
            with contextlib.suppress(OSError):
                temporary.unlink()
    data = private.read_bytes()
    try:
        key = serialization.load_pem_private_key(data, password=None)
        certificate = x509.load_pem_x509_certificates(data)[0]
    except (ValueError, IndexError) as error:
        raise AuthorityError(f"{private} is not a key and certificate ({error}); remove it to make a new "
                             "authority (clients will have to trust the new ca.pem)") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or certificate.public_key() != key.public_key():
        raise AuthorityError(f"{private}: the key does not match the certificate; remove it to make a new authority")
    found = Authority(where, certificate, key)
    public = certificate.public_bytes(serialization.Encoding.PEM)
    with contextlib.suppress(OSError):
        if found.ca_file.read_bytes() == public:
            return found
    _write(found.ca_file, public)
    return found
