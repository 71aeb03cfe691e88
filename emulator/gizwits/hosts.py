"""The real cloud's host names and ports: the one list every redirection, certificate and
binding entry uses.

API hosts serve the Open API over HTTPS; WebSocket hosts serve ``/ws/app/v1`` (``ws`` on
:data:`WS_PORT`, ``wss`` on :data:`WSS_PORT`). The WebSocket hosts are those seen in binding
entries and client code (``reference/gizwits-websocket.md`` §1): ``m2m``/``sandbox`` in the
official examples, ``eusandbox`` (heatzypy's fixed host, Pilote2 bindings), ``eum2m``
(Glow bindings), ``usm2m``.
"""

from __future__ import annotations

from ..core.hostnames import HostGroup

API_HOSTS = ("euapi.gizwits.com", "usapi.gizwits.com", "api.gizwits.com")
WEBSOCKET_HOSTS = ("eusandbox.gizwits.com", "eum2m.gizwits.com", "m2m.gizwits.com", "sandbox.gizwits.com",
                   "usm2m.gizwits.com")
#: Every host name unmodified clients hard-code or read from bindings.
GIZWITS_HOSTS = (*API_HOSTS, *WEBSOCKET_HOSTS)

WEBSOCKET_PATH = "/ws/app/v1"
#: WebSocket ports of binding entries (plain and TLS), and the devices' MQTT ports.
WS_PORT, WSS_PORT, MQTT_PORT, MQTTS_PORT = 8080, 8880, 1883, 8883
#: Ports of the real cloud that speak TLS (HTTPS, WSS).
TLS_PORTS = frozenset({443, WSS_PORT})

#: What the Gizwits cloud contributes to :data:`emulator.hostnames.HOSTS`: the API hosts speak
#: HTTPS on 443 and HTTP on 80, the WebSocket hosts wss on 8880 and ws on 8080.
HOST_GROUPS = (HostGroup(API_HOSTS, tls_ports=(443,), plain_ports=(80,)),
               HostGroup(WEBSOCKET_HOSTS, tls_ports=(WSS_PORT,), plain_ports=(WS_PORT,)))
