"""Regions and host names of the eWeLink cloud: the one place they are written.

Hosts (seed 004): the API of each region ``cn-apia.coolkit.cn``, ``as-apia.coolkit.cc``,
``us-apia.coolkit.cc``, ``eu-apia.coolkit.cc`` (L35-40; mainland China is ``.cn``, the others
``.cc``); the global host of get-region ``apia.coolkit.cn`` (L184); dispatch
``{region}-dispa.coolkit.{cn|cc}`` (L1917-1920) and ``dispa.coolkit.cc``; the WebSocket
domains dispatch answers, ``{region}-pconnect2.coolkit.cc`` on port 8080 over TLS (the
seed's example answers ``cn-pconnect2.coolkit.cc``, port 8080).

A request's region is its ``Host``: a region host is that region; any other name (localhost,
an IP address, the global host) has no region, and an account is then served where it is.
"""

from __future__ import annotations

from ..core.hostnames import HostGroup

REGIONS = ("cn", "as", "us", "eu")
#: The WebSocket port dispatch answers (TLS on it, unlike Gizwits' 8080).
WS_PORT = 8080
WS_PATH = "/api/ws"
GLOBAL_HOST = "apia.coolkit.cn"


def _tld(region: str) -> str:
    return "cn" if region == "cn" else "cc"


API_HOSTS: dict[str, str] = {region: f"{region}-apia.coolkit.{_tld(region)}" for region in REGIONS}
DISPATCH_HOSTS: dict[str, str] = {region: f"{region}-dispa.coolkit.{_tld(region)}" for region in REGIONS}
WS_HOSTS: dict[str, str] = {region: f"{region}-pconnect2.coolkit.cc" for region in REGIONS}
#: Every CoolKit host name a client may call (what the test redirection and certificate cover).
HOSTS: tuple[str, ...] = (*API_HOSTS.values(), GLOBAL_HOST, *DISPATCH_HOSTS.values(), "dispa.coolkit.cc",
                          *WS_HOSTS.values())
#: What the eWeLink cloud contributes to :data:`emulator.hostnames.HOSTS`: the API, global and
#: dispatch hosts speak HTTPS on 443 only; the WebSocket domains speak TLS on 8080 (the port
#: dispatch answers), where Gizwits' WebSocket hosts speak plain ws.
HOST_GROUPS = (HostGroup((*API_HOSTS.values(), GLOBAL_HOST, *DISPATCH_HOSTS.values(), "dispa.coolkit.cc"),
                         tls_ports=(443,)),
               HostGroup(tuple(WS_HOSTS.values()), tls_ports=(WS_PORT,)))

_BY_HOST = {host: region for table in (API_HOSTS, DISPATCH_HOSTS, WS_HOSTS) for region, host in table.items()}

#: Country calling codes of the AS region's countries and territories named in the seed
#: (L208: Philippines ... Taiwan) and of the Americas; every other code but +86 is EU.
_AS_CODES = frozenset({"+63", "+84", "+855", "+856", "+60", "+65", "+95", "+66", "+673", "+62", "+670", "+98",
                       "+886", "+81", "+82", "+91", "+852", "+853", "+61", "+64", "+92", "+880", "+94", "+977",
                       "+971", "+966", "+972", "+90", "+7"})
_US_CODES = frozenset({"+1", "+52", "+54", "+55", "+56", "+57", "+51", "+58", "+593", "+591", "+595", "+598",
                       "+506", "+507", "+502", "+503", "+504", "+505", "+509", "+53", "+1809", "+1876"})


def region_of_host(host: str | None) -> str | None:
    """The region a ``Host`` header names (port and case ignored); None for any other host."""
    name = (host or "").lower()
    if name.startswith("["):  # an IPv6 address
        return None
    return _BY_HOST.get(name.split(":")[0].rstrip("."))


def region_of_country(country_code: str) -> str:
    """The region of a country calling code such as ``+86`` (the seed's get-region)."""
    code = country_code if country_code.startswith("+") else "+" + country_code
    if code == "+86":
        return "cn"
    if code in _AS_CODES:
        return "as"
    if code in _US_CODES:
        return "us"
    return "eu"
