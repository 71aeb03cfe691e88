"""What the cloud knows of one ``/ws/app/v1`` session: who logged in, and how."""

from __future__ import annotations

from msgspec import Struct

from ...core.sessions import Session

#: ``p0_type`` of a data point session (``c2s_read``/``c2s_write``/``s2c_noti``, and raw).
ATTRS_V4 = "attrs_v4"
#: ``p0_type`` of a raw-only session (``c2s_raw``/``s2c_raw``).
CUSTOM = "custom"
P0_TYPES = (ATTRS_V4, CUSTOM)


class Login(Struct):
    uid: str
    appid: str
    p0_type: str = ATTRS_V4
    auto_subscribe: bool = True
    #: What the client declared (seconds); the server's timeout does not depend on it.
    heartbeat_interval: int | None = None


class GizwitsState(Struct):
    login: Login | None = None
    #: Successful ``login_req`` on this socket so far.
    logins: int = 0

    @property
    def p0_type(self) -> str:
        return self.login.p0_type if self.login is not None else ATTRS_V4

    @property
    def auto_subscribe(self) -> bool:
        return self.login is not None and self.login.auto_subscribe


def state_of(session: Session) -> GizwitsState:
    state = session.state
    if not isinstance(state, GizwitsState):
        state = session.state = GizwitsState()
    return state
