"""Every host name the emulator stands in for: the one list that the server certificate, the DNS
responder, the drop-in hooks and the test redirection use.

Each cloud contributes its :class:`~emulator.core.hostnames.HostGroup` values (its names, and
which of their ports speak TLS); a cloud added to the emulator adds its groups to
:data:`CONTRIBUTIONS`. Standard library only below this import line (the drop-in startup hook
loads this module in processes without the emulator's dependencies).
"""

from __future__ import annotations

from .core.hostnames import HostGroup, HostTable
from .ewelink.regions import HOST_GROUPS as EWELINK
from .gizwits.hosts import HOST_GROUPS as GIZWITS

#: Each cloud's groups, in the order they are listed (and the certificate names them).
CONTRIBUTIONS: tuple[tuple[HostGroup, ...], ...] = (GIZWITS, EWELINK)

HOSTS = HostTable(group for groups in CONTRIBUTIONS for group in groups)
