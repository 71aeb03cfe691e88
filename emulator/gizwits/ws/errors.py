"""The ``s2c_invalid_msg`` codes of the app WebSocket API, as emulated.

Three codes come from real traces (``reference/gizwits-websocket.md`` §3) and end a
session: heatzypy 2.6.1 closes its socket on any of them. The real cloud's codes for every
other bad frame are undocumented; the emulator answers those with the Open API code of the
same meaning (the 9xxx table, :mod:`emulator.gizwits.errors`), never with 1003/1009/1011,
and keeps the socket open. ``docs/websocket.md`` has the table.
"""

from __future__ import annotations

from ..errors import ERRORS

#: A command (a ping too) on a session that is not logged in.
NOT_LOGGED_IN = 1003
#: The session ended server-side; the client logs in again (on the same socket).
SESSION_CLOSED = 1009
#: No heartbeat for the timeout; the socket is closed right after.
NO_HEARTBEAT = 1011
#: Codes heatzypy 2.6.1 treats as fatal: only these three situations may send them.
FATAL = (NOT_LOGGED_IN, SESSION_CLOSED, NO_HEARTBEAT)

#: Not JSON, not an object, no ``cmd``, a field missing or of the wrong type.
FORM_INVALID = 9015
#: A ``cmd`` the emulator does not know (a server-to-client one included).
UNKNOWN_CMD = 9999
DEVICE_NOT_FOUND = 9014
DEVICE_NOT_BOUND = 9017
#: The did is bound but not subscribed on this socket, or the command could not be delivered.
SEND_FAILED = 9021
DEVICE_DISABLED = 9023
#: A data point value the device cannot take, a read-only point, or a name it does not have.
ATTR_INVALID = 9025

_OWN_MESSAGES = {
    NOT_LOGGED_IN: "Websocket client not login!",
    SESSION_CLOSED: "M2M socket has closed, please login again!",
    NO_HEARTBEAT: "No heartbeat!",
    UNKNOWN_CMD: "cmd not emulated!",
}


def message(code: int, detail: str | None = None) -> str:
    """The ``msg`` of an ``s2c_invalid_msg``: the code's message, then what was wrong."""
    base = _OWN_MESSAGES.get(code) or ERRORS[code].message
    return f"{base} {detail}" if detail else base
