"""Host names of the real clouds, as data: which names a cloud answers on and which of their
ports speak TLS or plain HTTP.

The core knows no cloud's names. Each cloud declares its :class:`HostGroup` values next to its
other facts (``emulator/gizwits/hosts.py``) and :mod:`emulator.hostnames` gathers them into the
one :class:`HostTable` that the server certificate, the DNS responder, the drop-in hooks (Python
and Node) and the test redirection all read.

This module is loaded by the drop-in startup hook inside processes that may not have the
emulator's dependencies installed: standard library only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import NamedTuple

#: What a real port speaks (:meth:`HostTable.real_ports`).
TLS, PLAIN, EITHER = "tls", "plain", "tls or plain"


def normalised(host: str | None) -> str:
    """A host name as compared: lower case, without a trailing dot."""
    return (host or "").lower().rstrip(".")


def is_ip(address: str) -> bool:
    """Whether ``address`` is an IP address (v4 or v6) rather than a name."""
    import ipaddress  # here: every process under the drop-in hook loads this module, few call this

    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


class HostGroup(NamedTuple):
    """Names served alike: a connection to one of ``tls_ports`` speaks TLS, to ``plain_ports`` plain.
    (A named tuple, not a dataclass: dataclasses imports inspect, a fifth of the drop-in hook's start-up.)"""

    names: tuple[str, ...]
    tls_ports: tuple[int, ...]
    plain_ports: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, list[str] | list[int]]:
        return {"names": list(self.names), "tls": list(self.tls_ports), "plain": list(self.plain_ports)}


class HostTable:
    """Every host name the emulator stands in for, and what each of their ports speaks."""

    def __init__(self, groups: Iterable[HostGroup]) -> None:
        self.groups = tuple(groups)
        self._by_name: dict[str, HostGroup] = {}
        for group in self.groups:
            for name in group.names:
                if normalised(name) in self._by_name:
                    raise ValueError(f"host name {name!r} is declared twice")
                self._by_name[normalised(name)] = group

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for group in self.groups for name in group.names)

    def __contains__(self, host: object) -> bool:
        return isinstance(host, str) and normalised(host) in self._by_name

    def speaks_tls(self, host: str | None, port: int | None, *, secure: bool) -> bool:
        """Whether a connection to ``host:port`` expects TLS. A port the host's group lists decides
        (as the real cloud's listeners do), then a port the groups list one way only, then the scheme
        (``secure``: also for a port some names speak TLS on and others plain, such as 8080)."""
        group = self._by_name.get(normalised(host))
        for ports in ((group,) if group else ()), self.groups:
            tls = any(port in g.tls_ports for g in ports)
            plain = any(port in g.plain_ports for g in ports)
            if tls != plain:
                return tls
            if tls:
                return secure
        return secure

    def ports(self) -> list[int]:
        """Every port some group lists, TLS or plain."""
        return sorted({port for group in self.groups for port in (*group.tls_ports, *group.plain_ports)})

    def real_ports(self) -> dict[int, str]:
        """``{port: TLS | PLAIN | EITHER}`` over every group: where the real clouds listen. A port that
        speaks TLS for some names and plain for others (8080: Gizwits ws, CoolKit wss) is EITHER: a
        listener there tells the two apart by the client's first byte."""
        tls = {port for group in self.groups for port in group.tls_ports}
        plain = {port for group in self.groups for port in group.plain_ports}
        return {port: EITHER if port in tls and port in plain else TLS if port in tls else PLAIN
                for port in sorted(tls | plain)}

    def to_json(self) -> str:
        return json.dumps([group.as_dict() for group in self.groups], separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> HostTable:
        return cls(HostGroup(tuple(g["names"]), tuple(g["tls"]), tuple(g.get("plain", ()))) for g in json.loads(text))
