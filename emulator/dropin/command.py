"""The drop-in side of the command line: ``serve --tls --cert-dir --real-ports --dns``, and ``env``.

:func:`add_serve_options` and :func:`add_env_command` add the options to the CLI's parser;
:func:`prepare` turns them into a :class:`Serving` (every socket bound and the certificate made
before the server starts, so a port that cannot be had is a clear error and exit status 2).
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from msgspec import Struct, field
from starlette.types import ASGIApp

from ..core.hostnames import EITHER, PLAIN, TLS
from ..hostnames import HOSTS
from .listeners import Listener, ListenError, serve_all

_WILDCARDS = ("0.0.0.0", "::", "")


class DropInError(Exception):
    """An option cannot be honoured; the message says why."""


def add_serve_options(serve: argparse.ArgumentParser) -> None:
    group = serve.add_argument_group("drop-in: TLS, the real ports and names (docs/dropin.md)")
    group.add_argument("--tls", action="store_true",
                       help="serve HTTPS and WSS on --port, with a certificate for every cloud host name and the "
                            "listening address, signed by an authority made once and kept (see --cert-dir)")
    group.add_argument("--cert-dir", default=None, metavar="DIR",
                       help="where the certificate authority is kept (default: the user's data directory, "
                            "e.g. ~/.local/share/gizwits-emulator)")
    group.add_argument("--real-ports", action="store_true",
                       help="also listen where the real clouds do: " + ", ".join(map(str, HOSTS.ports())))
    group.add_argument("--dns", type=int, default=None, metavar="PORT",
                       help="answer DNS queries (UDP and TCP) on PORT: A/AAAA for the cloud's host names with the "
                            "emulator's address, REFUSED for anything else (0 picks a free port)")
    group.add_argument("--dns-answer", action="append", default=None, metavar="ADDRESS",
                       help="the address the DNS responder answers (repeat for IPv4 and IPv6; default: the "
                            "listening address, or on 0.0.0.0 the address facing the one asking)")


def add_env_command(commands: Any) -> None:
    env = commands.add_parser(
        "env", help="print the export lines that send unmodified processes to an emulator",
        description="Prints only export lines and comments: eval \"$(gizwits-emulator env --url URL)\" makes "
                    "Python and Node processes started from that shell use the emulator at URL for the real "
                    "cloud's host names (docs/dropin.md).")
    env.add_argument("--url", required=True, help="the emulator, as serve's banner shows it (https://... with --tls)")
    env.add_argument("--cert-dir", default=None, metavar="DIR", help="the authority's folder, as given to serve")
    env.add_argument("--ca", default=None, metavar="FILE",
                     help="the authority's certificate file itself (e.g. copied out of a container)")


def run_env(args: argparse.Namespace) -> int:
    from .environment import UnusableURL, lines

    ca_file: Path | None = None
    if args.ca:
        ca_file = Path(args.ca).expanduser().resolve()
        if not ca_file.is_file():
            print(f"gizwits-emulator: --ca {args.ca}: no such file", file=sys.stderr)
            return 2
    elif args.url.startswith("https:"):
        from .authority import AuthorityError, authority

        try:
            ca_file = authority(args.cert_dir).ca_file
        except (AuthorityError, OSError) as error:
            print(f"gizwits-emulator: {error}", file=sys.stderr)
            return 2
    try:
        output = lines(args.url, ca_file)
    except UnusableURL as error:
        print(f"gizwits-emulator: {error}", file=sys.stderr)
        return 2
    print("\n".join(output))
    return 0


class Serving(Struct):
    """Everything ``serve`` listens on, ready to run."""

    listeners: list[Listener]
    certfile: str | None = None
    ca_file: Path | None = None
    dns: Any = None
    #: ``{port: TLS | PLAIN | EITHER}`` (:meth:`emulator.core.hostnames.HostTable.real_ports`).
    real_ports: dict[int, str] = field(default_factory=dict)
    host: str = "127.0.0.1"
    cert_dir: str | None = None

    @property
    def scheme(self) -> str:
        return "https" if self.listeners[0].tls else "http"

    def banner_lines(self, base_url: str) -> list[str]:
        lines = []
        if self.ca_file is not None:
            lines.append(f"  {'CA certificate':<16} {self.ca_file}")
        if self.real_ports:
            shown = {TLS: " (TLS)", PLAIN: "", EITHER: f" ({EITHER})"}
            ports = ", ".join(f"{port}{shown[mode]}" for port, mode in self.real_ports.items())
            lines.append(f"  {'real ports':<16} {ports}")
        if self.dns is not None:
            lines.append(f"  {'DNS':<16} udp/tcp port {self.dns.port}: A/AAAA for the cloud's host names")
        local = base_url.replace("://0.0.0.0:", "://127.0.0.1:").replace("://[::]:", "://[::1]:")
        cert_dir = f" --cert-dir {self.cert_dir}" if self.cert_dir and self.ca_file else ""
        lines.append(f"  {'drop-in':<16} eval \"$(gizwits-emulator env --url {local}{cert_dir})\"")
        return lines

    async def run(self, server: str, app: ASGIApp, started: Callable[[], None], **options: Any) -> None:
        async with self.dns if self.dns is not None else contextlib.nullcontext():
            await serve_all(server, app, self.listeners, certfile=self.certfile, started=started, **options)

    def close(self) -> None:
        for listener in self.listeners:
            with contextlib.suppress(OSError):
                listener.sock.close()
        if self.dns is not None:
            self.dns.udp.close()
            self.dns.tcp.close()


def _addresses(host: str, answers: list[str]) -> tuple[str, ...]:
    """The addresses the server certificate names besides the local ones."""
    if host not in _WILDCARDS:
        return (host, *answers)
    found = [socket.gethostname()]
    with contextlib.suppress(OSError):
        found += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)]
    return (*found, *answers)


def prepare(args: argparse.Namespace, main: socket.socket) -> Serving:
    """Bind what the options ask for, beside ``main`` (already bound on ``--host:--port``)."""
    serving = Serving([Listener(main, bool(args.tls))], host=args.host, cert_dir=args.cert_dir)
    try:
        if args.real_ports:
            from .listeners import listen

            serving.real_ports = HOSTS.real_ports()
            main_port = serving.listeners[0].port
            for port, mode in serving.real_ports.items():
                tls = mode == TLS
                if port == main_port:
                    if mode == EITHER:
                        raise DropInError(f"--port {port} speaks TLS and plain with --real-ports: "
                                          "choose another --port")
                    if tls != serving.listeners[0].tls:
                        raise DropInError(f"--port {port} is {'TLS' if tls else 'plain'} with --real-ports: "
                                          f"{'add' if tls else 'drop'} --tls or choose another --port")
                    continue
                serving.listeners.append(listen(args.host, port, tls=tls, purpose="--real-ports",
                                                either=mode == EITHER))
        if any(listener.tls for listener in serving.listeners):
            from .authority import AuthorityError, authority

            try:
                kept = authority(args.cert_dir)
                serving.certfile = str(kept.server_certificate(_addresses(args.host, args.dns_answer or [])))
            except (AuthorityError, OSError) as error:
                raise DropInError(str(error)) from None
            serving.ca_file = kept.ca_file
        if args.dns is not None:
            from .dns import DnsServer, Responder, bind

            try:
                responder = Responder(args.host, args.dns_answer or ())
            except ValueError as error:
                raise DropInError(f"--dns-answer: {error}") from None
            try:
                serving.dns = DnsServer(responder, bind(args.host, args.dns))
            except OSError as error:
                from .listeners import why_not

                raise DropInError(f"cannot answer DNS on {args.host}:{args.dns} (--dns): "
                                  f"{why_not(error, args.dns)}") from None
    except (DropInError, ListenError):
        serving.close()
        raise
    return serving
