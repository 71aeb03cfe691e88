"""Test TLS: a throw-away certificate authority and a server certificate for the Gizwits and
CoolKit (eWeLink) hosts.

Made with ``trustme`` once per process (it takes a few tens of milliseconds) and written
to a temporary folder, because servers and some clients want files. Clients trust the
authority through :meth:`TestTLS.client_context` (the system's authorities stay trusted,
so other hosts verify as usual).
"""

from __future__ import annotations

import atexit
import shutil
import ssl
import tempfile
import threading
from functools import cached_property
from pathlib import Path

from msgspec import Struct

__all__ = ["GIZWITS_HOSTS", "TestTLS", "test_tls"]

from ..gizwits.hosts import GIZWITS_HOSTS
from ..hostnames import HOSTS

_LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")


class TestTLS(Struct, dict=True):  # dict: room for the cached context
    #: PEM file of the test authority (what clients trust).
    ca_file: Path
    #: PEM file with the server's private key and certificate chain (None: only trusting, as clients do).
    server_file: Path | None = None

    __test__ = False  # not a pytest test class

    @cached_property
    def _client_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        context.load_verify_locations(cafile=str(self.ca_file))
        return context

    def client_context(self) -> ssl.SSLContext:
        """An SSL context that verifies certificates and trusts the test authority too."""
        return self._client_context


_lock = threading.Lock()
_shared: TestTLS | None = None


def test_tls() -> TestTLS:
    """The process's test TLS material, made on first use."""
    global _shared
    with _lock:
        if _shared is None:
            import trustme

            folder = Path(tempfile.mkdtemp(prefix="gizwits-emulator-tls-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            authority = trustme.CA(organization_name="gizwits-emulator test authority")
            certificate = authority.issue_cert(*HOSTS.names, *_LOCAL_NAMES)
            ca_file, server_file = folder / "ca.pem", folder / "server.pem"
            authority.cert_pem.write_to_path(str(ca_file))
            certificate.private_key_and_cert_chain_pem.write_to_path(str(server_file))
            _shared = TestTLS(ca_file, server_file)
        return _shared


test_tls.__test__ = False  # type: ignore[attr-defined]
